using System;
using Cosmos.Core;
using Cosmos.Core.Interrupts;

namespace Cosmos.HAL
{
    /// <summary>What kind of hardware a <see cref="Device"/> is (the <c>Devices/</c> folder it lives in).</summary>
    public enum DeviceClass : byte
    {
        /// <summary>Anything not listed below (e.g. a PCI function of a class no driver handles yet).</summary>
        Other,
        /// <summary>Firmware tables and services (ACPI).</summary>
        Firmware,
        /// <summary>A bus whose children are enumerated (PCI).</summary>
        Bus,
        /// <summary>A bridge between buses (PCI host, PCI-to-PCI, PCI-to-ISA bridges).</summary>
        Bridge,
        /// <summary>Interrupt controllers (8259 PIC pair, local APIC, I/O APIC) and their coordinator.</summary>
        InterruptController,
        /// <summary>Timers and clocks (PIT, TSC, RTC, local APIC timer).</summary>
        Timer,
        /// <summary>Serial ports (16550 UART).</summary>
        Serial,
        /// <summary>Input devices and their controllers (8042, PS/2 keyboard).</summary>
        Input,
        /// <summary>Text displays (VGA text mode).</summary>
        Display,
        /// <summary>Graphics adapters (PCI class 03h).</summary>
        Graphics,
        /// <summary>Storage controllers and disks (PCI class 01h).</summary>
        Storage,
        /// <summary>Network controllers (PCI class 02h).</summary>
        Network,
    }

    /// <summary>Life cycle of a <see cref="Device"/>.</summary>
    public enum DeviceState : byte
    {
        /// <summary>Created (and perhaps registered); <see cref="Device.Start"/> has not run.</summary>
        NotStarted,
        /// <summary><see cref="Device.Start"/> is running.</summary>
        Starting,
        /// <summary>The hardware answered and is set up.</summary>
        Started,
        /// <summary>Start failed; <see cref="Device.StartError"/> says why (missing hardware is a failure, not a panic).</summary>
        Failed,
    }

    /// <summary>
    /// When <see cref="DeviceRegistry.StartAll"/> starts a device. Stages run in ascending order; inside a stage
    /// devices start by ascending <see cref="Device.StartOrder"/>, then in registration order. These are the boot
    /// order constraints as data (see <see cref="DeviceStages"/> for the rules each stage carries).
    /// </summary>
    public enum DeviceStage : byte
    {
        /// <summary>First: the debug console (COM1), so every later failure can be reported.</summary>
        Console = 0,
        /// <summary>Clocks: the PIT, then the TSC calibrated against it, then the RTC; the runtime's clocks are set after this stage.</summary>
        Clocks = 1,
        /// <summary>Firmware tables (ACPI: FADT, DSDT \_S5, MADT), which later stages read.</summary>
        Firmware = 2,
        /// <summary>Fixed legacy devices of the platform (8042 + PS/2 keyboard).</summary>
        Platform = 3,
        /// <summary>Interrupt controllers (PIC remap, local APIC, I/O APICs from the MADT). Runs with interrupts disabled.</summary>
        InterruptControllers = 4,
        /// <summary>Bus enumeration (PCI).</summary>
        Buses = 5,
        /// <summary>Drivers of devices found on buses (PCI drivers bound by <see cref="PCI.BindDrivers"/>: the IDE controller).</summary>
        Drivers = 6,
        /// <summary>Never started by <see cref="DeviceRegistry.StartAll"/>: started by a parent device or on first use.</summary>
        OnDemand = 255,
    }

    /// <summary>The rules attached to each <see cref="DeviceStage"/>.</summary>
    public static class DeviceStages
    {
        /// <summary>The first stage <see cref="DeviceRegistry.StartAll"/> runs.</summary>
        public const DeviceStage First = DeviceStage.Console;
        /// <summary>The last stage <see cref="DeviceRegistry.StartAll"/> runs.</summary>
        public const DeviceStage Last = DeviceStage.Drivers;

        /// <summary>
        /// True for stages whose devices must start with interrupts disabled: <see cref="DeviceRegistry.StartAll"/>
        /// executes CLI before such a stage and leaves interrupts disabled after it (whoever owns the boot enables
        /// them once handlers and the scheduler tick exist). Today: <see cref="DeviceStage.InterruptControllers"/>,
        /// because an IRQ arriving while the PICs are being remapped or an I/O APIC is half programmed would be
        /// delivered on a CPU-exception vector or without an EOI path.
        /// </summary>
        public static bool RunsWithInterruptsDisabled(DeviceStage stage) => stage == DeviceStage.InterruptControllers;
    }

    /// <summary>
    /// Base type of every driver in Cosmos.HAL (Cosmos API name <c>Device</c>): a name, a class, a start stage and a
    /// state. Hardware that can occur more than once (a 16550 per COM port, each I/O APIC, each PCI function, and every
    /// future disk, NIC or GPU) is driven through its own instance. Hardware a PC has exactly once (PIT, TSC, RTC, the
    /// 8259 pair, the boot processor's local APIC, the 8042, ACPI) has a single instance (<c>X.Instance</c>) and keeps
    /// the static Cosmos-style members, which forward to it. Devices are listed in <see cref="DeviceRegistry"/>.
    /// </summary>
    public abstract class Device
    {
        /// <summary>Creates a device that is not started. Touches no hardware (constructors of subclasses may).</summary>
        /// <param name="name">Short unique name, e.g. "COM1", "PCI 00:03.0".</param>
        /// <param name="deviceClass">What it is.</param>
        /// <param name="stage">When <see cref="DeviceRegistry.StartAll"/> starts it.</param>
        /// <param name="startOrder">Order inside the stage (lower first; equal values keep registration order).</param>
        /// <param name="parent">The bus or controller it hangs off (e.g. the 8042 for the keyboard), or null.</param>
        /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
        protected Device(string name, DeviceClass deviceClass, DeviceStage stage = DeviceStage.OnDemand, int startOrder = 0, Device parent = null)
        {
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Class = deviceClass;
            Stage = stage;
            StartOrder = startOrder;
            Parent = parent;
        }

        /// <summary>Short unique name ("COM1", "TSC", "PCI 00:03.0").</summary>
        public string Name { get; protected set; }
        /// <summary>What kind of hardware it is.</summary>
        public DeviceClass Class { get; protected set; }
        /// <summary>When <see cref="DeviceRegistry.StartAll"/> starts it (<see cref="DeviceStage.OnDemand"/>: never).</summary>
        public DeviceStage Stage { get; }
        /// <summary>Order inside <see cref="Stage"/>: lower starts first.</summary>
        public int StartOrder { get; }
        /// <summary>The device it hangs off (bus, controller), or null.</summary>
        public Device Parent { get; }
        /// <summary>Current state.</summary>
        public DeviceState State { get; private set; }
        /// <summary>Why the last start failed, or null.</summary>
        public string StartError { get; private set; }
        /// <summary>True when <see cref="State"/> is <see cref="DeviceState.Started"/>.</summary>
        public bool IsStarted => State == DeviceState.Started;
        /// <summary>True once the device is in <see cref="DeviceRegistry"/>.</summary>
        public bool IsRegistered { get; internal set; }

        /// <summary>
        /// Starts the device unless it is already started (a device that failed is tried again). Runs
        /// <see cref="OnStart"/>; an exception it throws marks the device failed with the exception's message instead
        /// of propagating. Returns true when the device is started; false when it failed, or when its start is already
        /// running (a re-entrant call from its own <see cref="OnStart"/>). Must not be called from an interrupt handler
        /// (starting allocates): that is a panic.
        /// </summary>
        public bool Start()
        {
            if (State == DeviceState.Started) return true;
            if (State == DeviceState.Starting) return false;
            if (InterruptDispatcher.Depth != 0) Panic.Halt("Device.Start: devices cannot be started inside an interrupt handler");
            State = DeviceState.Starting;
            string error;
            bool ok;
            try { ok = OnStart(out error); }
            catch (Exception e) { ok = false; error = e.Message ?? e.GetType().Name; }
            if (ok) MarkStarted();
            else MarkFailed(error ?? "start failed (no reason given)");
            return ok;
        }

        /// <summary>
        /// Brings the hardware up. Return false with <paramref name="error"/> set when it is absent or does not answer;
        /// exceptions are caught by <see cref="Start"/>. The default does nothing and succeeds (hardware that needs no
        /// setup, e.g. the free-running CMOS clock).
        /// </summary>
        protected virtual bool OnStart(out string error)
        {
            error = null;
            return true;
        }

        /// <summary>Records that the device was set up by a path other than <see cref="Start"/> (a Cosmos-style static Initialize).</summary>
        protected void MarkStarted()
        {
            State = DeviceState.Started;
            StartError = null;
        }

        /// <summary>Records a failed setup with its reason (null becomes "failed").</summary>
        protected void MarkFailed(string error)
        {
            State = DeviceState.Failed;
            StartError = error ?? "failed";
        }

        /// <summary>"COM1 (Serial, Started)" or "PS/2 keyboard (Input, Failed: ...)".</summary>
        public override string ToString() =>
            string.Concat(Name, " (", ClassName(Class), ", ", StateName(State), StartError != null ? string.Concat(": ", StartError) : "", ")");

        /// <summary>The enum member's name without reflection (kernels run with reflection-free enum formatting in mind).</summary>
        public static string ClassName(DeviceClass c) => c switch
        {
            DeviceClass.Firmware => "Firmware",
            DeviceClass.Bus => "Bus",
            DeviceClass.Bridge => "Bridge",
            DeviceClass.InterruptController => "InterruptController",
            DeviceClass.Timer => "Timer",
            DeviceClass.Serial => "Serial",
            DeviceClass.Input => "Input",
            DeviceClass.Display => "Display",
            DeviceClass.Graphics => "Graphics",
            DeviceClass.Storage => "Storage",
            DeviceClass.Network => "Network",
            _ => "Other",
        };

        /// <summary>The enum member's name.</summary>
        public static string StateName(DeviceState s) => s switch
        {
            DeviceState.Starting => "Starting",
            DeviceState.Started => "Started",
            DeviceState.Failed => "Failed",
            _ => "NotStarted",
        };
    }
}
