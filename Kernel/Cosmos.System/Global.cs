using System;
using Cosmos.Core;
using Cosmos.Core.Threading;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Timers;
using Cosmos.HAL.Interrupts;

namespace Cosmos.System
{
    /// <summary>
    /// One-time system initialization before the user kernel runs (Cosmos API name). The HAL's
    /// <see cref="PcPlatform"/> registers the machine's devices and <see cref="DeviceRegistry.StartAll"/> starts them
    /// stage by stage (<see cref="DeviceStage"/>: COM1; the PIT, the TSC measured against it, the RTC; ACPI; the PS/2
    /// keyboard; the interrupt controllers, with interrupts disabled; PCI). This class ties the steps that are not
    /// devices to the stage boundaries:
    /// <list type="bullet">
    /// <item>after <see cref="DeviceStage.Clocks"/>: the runtime's clocks (the TSC frequency, the wall clock from the RTC);</item>
    /// <item>before <see cref="DeviceStage.InterruptControllers"/>: the IDT with its IST stacks (<see cref="INTs.Initialize"/>);</item>
    /// <item>after <see cref="DeviceStage.InterruptControllers"/>: threads (the scheduler, the finalizer thread, the
    /// scheduler's 1 kHz PIT tick on IRQ 0), then STI;</item>
    /// <item>at the end: the framebuffer drivers become <see cref="Graphics.FullScreenCanvas"/> providers
    /// (<see cref="Graphics.FramebufferProviders.RegisterDefaults"/>).</item>
    /// </list>
    /// Every IRQ stays masked until a driver enables it. A device that is missing is recorded in the registry, not
    /// fatal; only an uncalibrated TSC is (the runtime's clocks need it).
    /// </summary>
    public static class Global
    {
        private static bool s_done;

        /// <summary>Runs the initialization once; later calls do nothing.</summary>
        /// <exception cref="InvalidOperationException">The TSC could not be calibrated against the PIT.</exception>
        public static unsafe void Init()
        {
            if (s_done) return;
            s_done = true;
            PcPlatform.RegisterDevices();
            DeviceRegistry.StartAll(&BeforeStage, &AfterStage);
            Graphics.FramebufferProviders.RegisterDefaults();
        }

        /// <summary>
        /// GC stress from the QEMU fw_cfg file <c>opt/cosmos/gc-stress</c> (decimal N, set by the test runner's
        /// <c>--gc-stress N</c>): every N-th allocation collects and freed objects are poisoned
        /// (<see cref="Cosmos.Runtime.GarbageCollector.StressInterval"/>). A malformed value is reported and ignored.
        /// </summary>
        internal static void ApplyGcStress()
        {
            byte[] setting = Cosmos.HAL.Firmware.QemuFwCfg.ReadFile("opt/cosmos/gc-stress");
            if (setting == null) return;
            string text = global::System.Text.Encoding.ASCII.GetString(setting).Trim();
            if (!uint.TryParse(text, out uint interval) || interval == 0)
            {
                global::System.Console.WriteLine("GC stress: ignoring fw_cfg opt/cosmos/gc-stress \"" + text + "\" (want a positive integer)");
                return;
            }
            Cosmos.Runtime.GarbageCollector.StressInterval = interval;
            Cosmos.HAL.SerialPort.Com1.Write("GC stress: a collection every " + interval + " allocations, freed objects poisoned\n");
        }

        private static void BeforeStage(DeviceStage stage)
        {
            if (stage == DeviceStage.InterruptControllers) INTs.Initialize();
            if (stage == DeviceStage.Drivers) ApplyPciNoMsi();
        }

        /// <summary>
        /// The QEMU fw_cfg file <c>opt/cosmos/pci-nomsi</c> (PCI addresses such as "00:04.0", separated by spaces or
        /// commas) sets <see cref="Cosmos.HAL.PCIDevice.MsiDisabled"/> on those functions before their drivers start, so
        /// the drivers take the INTx# line: how the kernel tests cover the INTx# fallback of devices that QEMU always
        /// gives MSI (its ICH9 AHCI). An address that names no function is reported.
        /// </summary>
        private static void ApplyPciNoMsi()
        {
            byte[] setting = Cosmos.HAL.Firmware.QemuFwCfg.ReadFile("opt/cosmos/pci-nomsi");
            if (setting == null) return;
            foreach (string address in global::System.Text.Encoding.ASCII.GetString(setting).Split(new[] { ' ', ',', '\n', '\0' }, StringSplitOptions.RemoveEmptyEntries))
            {
                bool found = false;
                foreach (var pci in Cosmos.HAL.PCI.Devices)
                    if (pci.Address.ToString() == address) { pci.MsiDisabled = true; found = true; }
                Cosmos.HAL.SerialPort.Com1.Write(found ? "PCI " + address + ": MSI/MSI-X off (fw_cfg opt/cosmos/pci-nomsi)\n"
                                                       : "fw_cfg opt/cosmos/pci-nomsi: no PCI function " + address + "\n");
            }
        }

        private static void AfterStage(DeviceStage stage)
        {
            switch (stage)
            {
                case DeviceStage.Clocks:
                    if (!TSC.IsCalibrated) throw new InvalidOperationException(TSC.Instance.StartError ?? "TSC: not calibrated");
                    Cosmos.Runtime.RuntimeEnvironment.TscFrequency = TSC.Frequency;
                    SetWallClock();
                    break;
                case DeviceStage.InterruptControllers:
                    Cosmos.Runtime.Threads.Initialize();
                    StartSchedulerTimer();
                    CPU.EnableInterrupts();
                    break;
            }
        }

        /// <summary>Sets the runtime's wall clock (DateTime.UtcNow) from the RTC, read as UTC; an unreadable RTC is reported and leaves it unset.</summary>
        private static void SetWallClock()
        {
            if (!RTC.TryDecode(RTC.ReadRegisters(), out var now, out string error))
            {
                global::System.Console.WriteLine("RTC: " + error + "; DateTime.UtcNow is not available");
                return;
            }
            Cosmos.Runtime.RuntimeEnvironment.SetWallClock(now.Ticks - global::System.DateTime.UnixEpoch.Ticks, Native.Rdtsc());
        }

        /// <summary>
        /// The scheduler's tick: PIT channel 0 at <see cref="Scheduler.DefaultTickHz"/> on IRQ 0 (through the I/O APIC
        /// in APIC mode). Kernels that reprogram the PIT for their own use stop the tick; the scheduler then has no
        /// preemption and its idle thread polls the TSC for sleepers.
        /// </summary>
        private static unsafe void StartSchedulerTimer()
        {
            INTs.SetIrqHandler(0, &OnSchedulerTick);
            InterruptController.StartPitTimer(Scheduler.DefaultTickHz);
            Scheduler.SetTickSource(Scheduler.DefaultTickHz);
            s_pitProgrammings = PIT.Channel0Programmings;
            Scheduler.SetIdleTimer(&ArmIdleOneShot, &ResumeSchedulerTick);
        }

        /// <summary><see cref="PIT.Channel0Programmings"/> after the scheduler's own last programming of channel 0.</summary>
        private static ulong s_pitProgrammings;

        /// <summary>Tickless idle (<see cref="Scheduler.SetIdleTimer"/>): one PIT interrupt after <paramref name="tscTicks"/>, unless a kernel took the PIT.</summary>
        private static bool ArmIdleOneShot(ulong tscTicks)
        {
            ulong hz = Scheduler.TscHz;
            if (hz == 0 || PIT.Channel0Programmings != s_pitProgrammings) return false;
            if (tscTicks > hz / 10) tscTicks = hz / 10; // ≤ 100 ms: the product below stays far from 2^64
            ulong ticks = PIT.MicrosecondsToTicks(tscTicks * 1_000_000 / hz + 1); // rounded up: never before the deadline
            PIT.SetChannel0OneShot(ticks > PIT.MaxOneShotTicks ? PIT.MaxOneShotTicks : (ushort)ticks);
            s_pitProgrammings = PIT.Channel0Programmings;
            return true;
        }

        /// <summary>The periodic tick again after an idle one-shot; nothing when a kernel reprogrammed the PIT since.</summary>
        private static void ResumeSchedulerTick()
        {
            if (PIT.Channel0Programmings != s_pitProgrammings) return;
            PIT.SetChannel0Periodic(Scheduler.DefaultTickHz);
            s_pitProgrammings = PIT.Channel0Programmings;
        }

        private static unsafe void OnSchedulerTick(Cosmos.Core.Layout.InterruptFrame* frame) => Scheduler.Tick();
    }
}
