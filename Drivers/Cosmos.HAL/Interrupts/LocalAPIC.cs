using System;
using Cosmos.Core;
using Cosmos.Core.Arch.X64;

namespace Cosmos.HAL
{
    /// <summary>
    /// The local APIC of the boot processor in xAPIC (MMIO) mode (Intel SDM Vol. 3A chapter 11):
    /// enable, end of interrupt, LINT pins. Registers are 32-bit at 16-byte strides from
    /// <see cref="BaseAddress"/> (identity-mapped by the boot path; the MTRRs of real firmware make that
    /// range uncacheable). Its timer is <see cref="APICTimer"/>. One device (<see cref="Instance"/>,
    /// stage <see cref="DeviceStage.OnDemand"/>: <see cref="Interrupts.InterruptController"/> starts it in APIC mode with the
    /// MADT's address) holds the register base; the static members forward to it and never allocate
    /// (<see cref="EndOfInterrupt"/> runs in every interrupt).
    /// </summary>
    public sealed unsafe class LocalAPIC : Device
    {
        /// <summary>IA32_APIC_BASE MSR (SDM Vol. 3A §11.4.4): bit 11 global enable, bits 12+ base address.</summary>
        public const uint ApicBaseMsr = Cosmos.Core.Arch.X64.Msr.IA32_APIC_BASE;
        /// <summary>Vector of the spurious-interrupt register; it gets no EOI (SDM Vol. 3A §11.9).</summary>
        public const byte SpuriousVector = 0xFF;

        /// <summary>Register offsets (SDM Vol. 3A Table 11-1).</summary>
        internal const int RegId = 0x20, RegVersion = 0x30, RegTpr = 0x80, RegEoi = 0xB0, RegSvr = 0xF0, RegError = 0x280,
            RegLvtTimer = 0x320, RegLvtLint0 = 0x350, RegLvtLint1 = 0x360, RegLvtError = 0x370,
            RegInitialCount = 0x380, RegCurrentCount = 0x390, RegDivide = 0x3E0;
        /// <summary>LVT bit 16: masked.</summary>
        internal const uint LvtMasked = 1u << 16;

        private static LocalAPIC s_instance;
        private ulong _base;

        /// <summary>The boot processor's local APIC device (created on first use; registered by <see cref="PcPlatform"/>).</summary>
        public static LocalAPIC Instance => s_instance ??= new LocalAPIC();

        private LocalAPIC() : base("Local APIC", DeviceClass.InterruptController) { }

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            Initialize();
            error = null;
            return true;
        }

        /// <summary>Physical (= linear) address of the registers; 0 before <see cref="Initialize"/>.</summary>
        public static ulong BaseAddress => s_instance?._base ?? 0;
        /// <summary>True once <see cref="Initialize"/> enabled the APIC.</summary>
        public static bool IsEnabled => BaseAddress != 0;

        /// <summary>True when CPUID.1:EDX bit 9 reports an on-chip APIC.</summary>
        public static bool IsPresent
        {
            get { CPU.CPUID(CpuidLeaf.VersionAndFeatures, 0, out _, out _, out _, out uint edx); return (edx & CpuidFeature.Leaf01Edx_APIC) != 0; }
        }

        /// <summary>Reads register <paramref name="offset"/>.</summary>
        public static uint Read(int offset) => System.Threading.Volatile.Read(ref *(uint*)(BaseAddress + (ulong)offset));
        /// <summary>Writes register <paramref name="offset"/>.</summary>
        public static void Write(int offset, uint value) => System.Threading.Volatile.Write(ref *(uint*)(BaseAddress + (ulong)offset), value);

        /// <summary>This processor's local APIC ID (bits 24–31 of the ID register).</summary>
        public static byte Id => (byte)(Read(RegId) >> 24);
        /// <summary>Version register (bits 0–7 version, 16–23 highest LVT entry).</summary>
        public static uint Version => Read(RegVersion);

        /// <summary>
        /// Enables the local APIC at <paramref name="baseAddress"/> (0: take it from IA32_APIC_BASE):
        /// global enable in the MSR, software enable with spurious vector 0xFF, task priority 0, timer
        /// and error LVT masked. LINT0/LINT1 keep their firmware setup here; <see cref="Interrupts.InterruptController"/>
        /// masks LINT0 (the 8259s' ExtINT path) and sets the NMI pins the MADT names.
        /// </summary>
        /// <exception cref="InvalidOperationException">CPUID reports no local APIC.</exception>
        public static void Initialize(ulong baseAddress = 0)
        {
            if (!IsPresent) throw new InvalidOperationException("LocalAPIC: CPUID.1:EDX.APIC is 0 (no local APIC)");
            ulong msr = Native.Rdmsr(ApicBaseMsr);
            if (baseAddress == 0) baseAddress = msr & Cosmos.Core.Arch.X64.Ia32ApicBase.BaseMask;
            Native.Wrmsr(ApicBaseMsr, (msr & 0xFFF) | Cosmos.Core.Arch.X64.Ia32ApicBase.EN | baseAddress);
            var apic = Instance;
            apic._base = baseAddress;
            Write(RegTpr, 0);
            Write(RegLvtTimer, LvtMasked | APICTimer.Vector);
            Write(RegLvtError, LvtMasked | 0xFE);
            Write(RegSvr, 0x100u | SpuriousVector);
            Write(RegError, 0);
            Write(RegEoi, 0);
            apic.MarkStarted();
        }

        /// <summary>
        /// Programs local interrupt pin LINT<paramref name="lint"/> (0 or 1) for NMI delivery (SDM Vol. 3A §11.5.1,
        /// delivery mode 100b), with the MPS INTI polarity/trigger <paramref name="intiFlags"/> of a MADT
        /// local APIC NMI entry (polarity 3 = active low, trigger 3 = level).
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="lint"/> is not 0 or 1.</exception>
        public static void SetLintNmi(int lint, ushort intiFlags)
        {
            if ((uint)lint > 1) throw new ArgumentOutOfRangeException(nameof(lint), "LINT pin must be 0 or 1");
            uint v = 4u << 8;                                   // delivery mode NMI (vector ignored)
            if ((intiFlags & 3) == 3) v |= 1u << 13;            // active low
            if (((intiFlags >> 2) & 3) == 3) v |= 1u << 15;     // level triggered
            Write(lint == 0 ? RegLvtLint0 : RegLvtLint1, v);
        }

        /// <summary>Masks local interrupt pin LINT<paramref name="lint"/> (0 or 1).</summary>
        public static void MaskLint(int lint) => Write(lint == 0 ? RegLvtLint0 : RegLvtLint1, LvtMasked | (Read(lint == 0 ? RegLvtLint0 : RegLvtLint1) & 0x700));

        /// <summary>Signals end of interrupt for the highest-priority in-service vector.</summary>
        public static void EndOfInterrupt() => Write(RegEoi, 0);

        /// <summary>Linear address of the EOI register (for code that writes it directly, e.g. the X# benchmark stub).</summary>
        public static ulong EoiRegisterAddress => BaseAddress + RegEoi;
    }
}
