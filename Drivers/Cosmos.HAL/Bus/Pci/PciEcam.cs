using System;
using System.Threading;
using Cosmos.HAL.Firmware.Acpi;

namespace Cosmos.HAL.Bus.Pci
{
    /// <summary>
    /// PCI Express enhanced configuration access (ECAM, PCI Express Base 4.0 §7.2.2): each function's 4096-byte
    /// configuration space is memory at the MCFG window's base + (bus − start) &lt;&lt; 20 | device &lt;&lt; 15 |
    /// function &lt;&lt; 12, mapped uncached once. One memory access per read or write (no address/data port pair, so no
    /// interrupt masking), and offsets 256–4095 reach the extended capabilities. Buses outside the window read as
    /// absent (all ones) and ignore writes, as mechanism #1 does for missing functions.
    /// </summary>
    public sealed unsafe class PciEcam : IPciConfigAccess
    {
        private readonly ulong _base;

        /// <summary>The window in use.</summary>
        public McfgAllocation Window { get; }

        /// <summary>Maps <paramref name="window"/> uncached (<see cref="Cosmos.Core.Memory.Paging.MapUncached"/>).</summary>
        public PciEcam(McfgAllocation window)
        {
            Window = window;
            Cosmos.Core.Memory.Paging.MapUncached(window.BaseAddress, window.Length);
            _base = window.BaseAddress;
        }

        /// <summary>Configuration space bytes per function: 4096.</summary>
        public int ConfigSpaceSize => 4096;

        private ulong At(PciAddress a, int offset) =>
            a.Bus < Window.StartBus || a.Bus > Window.EndBus ? 0
            : _base + ((ulong)(a.Bus - Window.StartBus) << 20 | (ulong)a.Device << 15 | (ulong)a.Function << 12 | (uint)offset);

        private static void Check(int offset, int size)
        {
            if ((uint)offset > 4095 || (offset & (size - 1)) != 0)
                throw new ArgumentOutOfRangeException(nameof(offset), "PCI Express configuration offsets are 0..4095, aligned to the access size");
        }

        /// <inheritdoc/>
        public byte Read8(PciAddress address, int offset) { Check(offset, 1); ulong p = At(address, offset); return p == 0 ? (byte)0xFF : Volatile.Read(ref *(byte*)p); }
        /// <inheritdoc/>
        public ushort Read16(PciAddress address, int offset) { Check(offset, 2); ulong p = At(address, offset); return p == 0 ? (ushort)0xFFFF : Volatile.Read(ref *(ushort*)p); }
        /// <inheritdoc/>
        public uint Read32(PciAddress address, int offset) { Check(offset, 4); ulong p = At(address, offset); return p == 0 ? 0xFFFF_FFFFu : Volatile.Read(ref *(uint*)p); }
        /// <inheritdoc/>
        public void Write8(PciAddress address, int offset, byte value) { Check(offset, 1); ulong p = At(address, offset); if (p != 0) Volatile.Write(ref *(byte*)p, value); }
        /// <inheritdoc/>
        public void Write16(PciAddress address, int offset, ushort value) { Check(offset, 2); ulong p = At(address, offset); if (p != 0) Volatile.Write(ref *(ushort*)p, value); }
        /// <inheritdoc/>
        public void Write32(PciAddress address, int offset, uint value) { Check(offset, 4); ulong p = At(address, offset); if (p != 0) Volatile.Write(ref *(uint*)p, value); }

        /// <summary>"ECAM segment 0 buses 00-ff at 0xB0000000".</summary>
        public override string ToString() => "ECAM " + Window.ToString();
    }
}
