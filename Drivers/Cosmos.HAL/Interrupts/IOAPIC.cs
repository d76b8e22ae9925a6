using System;

namespace Cosmos.HAL
{
    /// <summary>
    /// One I/O APIC (Intel 82093AA datasheet §3): registers reached through IOREGSEL (+0x00) and
    /// IOWIN (+0x10); register 1 holds the version and the highest redirection entry; redirection
    /// entry n is registers 0x10 + 2n (low dword) and 0x11 + 2n (high dword). One instance per I/O APIC the
    /// MADT lists; <see cref="Interrupts.InterruptController"/> creates and registers them (stage <see cref="DeviceStage.OnDemand"/>).
    /// </summary>
    public sealed unsafe class IOAPIC : Device
    {
        private const uint Masked = 1u << 16, ActiveLow = 1u << 13, LevelTriggered = 1u << 15;

        /// <summary>Register base address.</summary>
        public ulong Address { get; }
        /// <summary>First GSI served (from the MADT).</summary>
        public uint GsiBase { get; }
        /// <summary>Number of redirection entries (inputs).</summary>
        public int InputCount { get; }

        /// <summary>
        /// Wraps the I/O APIC at <paramref name="address"/> serving GSIs from <paramref name="gsiBase"/>, and masks all
        /// its inputs (the device is started when this returns). Not registered: the caller registers it.
        /// </summary>
        public IOAPIC(ulong address, uint gsiBase)
            : base(string.Concat("I/O APIC at ", HalFormat.Hex(address)), DeviceClass.InterruptController)
        {
            Address = address;
            GsiBase = gsiBase;
            InputCount = (int)((Read(1) >> 16) & 0xFF) + 1;
            for (int i = 0; i < InputCount; i++) Mask(i);
            MarkStarted();
        }

        /// <summary>Reads I/O APIC register <paramref name="reg"/>.</summary>
        public uint Read(uint reg)
        {
            System.Threading.Volatile.Write(ref *(uint*)Address, reg);
            return System.Threading.Volatile.Read(ref *(uint*)(Address + 0x10));
        }

        /// <summary>Writes I/O APIC register <paramref name="reg"/>.</summary>
        public void Write(uint reg, uint value)
        {
            System.Threading.Volatile.Write(ref *(uint*)Address, reg);
            System.Threading.Volatile.Write(ref *(uint*)(Address + 0x10), value);
        }

        /// <summary>True when this I/O APIC serves <paramref name="gsi"/>.</summary>
        public bool Serves(uint gsi) => gsi >= GsiBase && gsi < GsiBase + (uint)InputCount;

        /// <summary>
        /// Routes input <paramref name="input"/> to <paramref name="vector"/> on local APIC <paramref name="apicId"/>
        /// (fixed delivery, physical destination) with the given polarity and trigger mode, unmasked.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">Input or vector out of range.</exception>
        public void Route(int input, byte vector, byte apicId, bool activeLow, bool levelTriggered)
        {
            if ((uint)input >= (uint)InputCount) throw new ArgumentOutOfRangeException(nameof(input), "no such I/O APIC input");
            if (vector < 32) throw new ArgumentOutOfRangeException(nameof(vector), "vectors 0..31 are CPU exceptions");
            uint low = vector | (activeLow ? ActiveLow : 0) | (levelTriggered ? LevelTriggered : 0);
            Write(0x11 + 2 * (uint)input, (uint)apicId << 24);
            Write(0x10 + 2 * (uint)input, low);
        }

        /// <summary>Masks input <paramref name="input"/>.</summary>
        public void Mask(int input) => Write(0x10 + 2 * (uint)input, Read(0x10 + 2 * (uint)input) | Masked);
    }
}
