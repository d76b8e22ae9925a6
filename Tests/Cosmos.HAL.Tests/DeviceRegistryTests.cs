using System;
using System.Collections.Generic;
using System.Linq;
using Cosmos.HAL;
using Cosmos.HAL.Bus.Pci;
using Cosmos.HAL.Interrupts;
using Xunit;

namespace Cosmos.HAL.Tests
{
    /// <summary>A device that records when it starts; for registry tests.</summary>
    internal sealed class TestDevice : Device
    {
        public static readonly List<string> Log = new();
        private readonly Func<TestDevice, bool> _start;
        public string FailWith;
        public Exception Throw;

        public TestDevice(string name, DeviceStage stage, int order = 0, Func<TestDevice, bool> start = null)
            : base(name, DeviceClass.Other, stage, order)
        {
            _start = start;
        }

        protected override bool OnStart(out string error)
        {
            Log.Add("start " + Name);
            if (Throw != null) throw Throw;
            error = FailWith;
            if (FailWith != null) return false;
            return _start?.Invoke(this) ?? true;
        }
    }

    /// <summary>
    /// <see cref="DeviceRegistry"/>: the start order as data, <see cref="DeviceRegistry.StartAll"/> with its stage
    /// hooks and CLI, lookups and the views the Cosmos-style statics use. The registry is process-wide, so these
    /// tests share one collection (never run in parallel) and reset it.
    /// </summary>
    [Collection("DeviceRegistry")]
    public unsafe class DeviceRegistryTests : IDisposable
    {
        public DeviceRegistryTests()
        {
            DeviceRegistry.ResetForTests();
            TestDevice.Log.Clear();
            DeviceRegistry.DisableInterruptsOverride = &RecordCli;
        }

        public void Dispose()
        {
            DeviceRegistry.ResetForTests();
            DeviceRegistry.DisableInterruptsOverride = null;
        }

        private static void RecordCli() => TestDevice.Log.Add("cli");
        private static void Before(DeviceStage s) => TestDevice.Log.Add("before " + s);
        private static void After(DeviceStage s) => TestDevice.Log.Add("after " + s);

        [Fact]
        public void StartOrder_IsStageThenOrderThenRegistration()
        {
            var a = new TestDevice("a", DeviceStage.Buses);
            var b = new TestDevice("b", DeviceStage.Console);
            var c = new TestDevice("c", DeviceStage.Clocks, 20);
            var d = new TestDevice("d", DeviceStage.Clocks, 10);
            var e = new TestDevice("e", DeviceStage.OnDemand);
            var f = new TestDevice("f", DeviceStage.Clocks, 10);
            var g = new TestDevice("g", DeviceStage.InterruptControllers);
            foreach (var x in new Device[] { a, b, c, d, e, f, g }) DeviceRegistry.Register(x);
            Assert.Equal("b d f c g a", string.Join(" ", DeviceRegistry.GetStartOrder().Select(x => x.Name)));
        }

        [Fact]
        public void ThePcPlatform_StartsInTheOrderTheBootNeeds()
        {
            // The real boot order as data: serial first, the TSC after the PIT it is measured against, ACPI before the
            // interrupt controllers that read its MADT, PCI last. Registering touches no hardware.
            PcPlatform.RegisterDevices();
            Assert.Equal(new[] { "COM1", "PIT", "TSC", "RTC", "ACPI", "PS/2 keyboard", "PS/2 mouse", "Interrupt controller", "PCI", "VMware absolute pointer" },
                DeviceRegistry.GetStartOrder().Select(x => x.Name).ToArray());
            Assert.Equal(DeviceStage.Console, DeviceRegistry.GetStartOrder()[0].Stage);
            Assert.True(DeviceStages.RunsWithInterruptsDisabled(InterruptController.Instance.Stage));
            Assert.Same(PS2Controller.Instance, PS2Keyboard.Instance.Parent);
            Assert.Equal(DeviceStage.OnDemand, PS2Controller.Instance.Stage);
            Assert.Equal(DeviceStage.OnDemand, PIC.Instance.Stage);
            Assert.Equal(DeviceStage.OnDemand, LocalAPIC.Instance.Stage);
            Assert.Equal(DeviceStage.OnDemand, Cosmos.HAL.Devices.Graphics.Multiboot2Framebuffer.Instance.Stage);   // starting it is the console's or the canvas's choice
            PcPlatform.RegisterDevices();   // idempotent
            Assert.Equal(15, DeviceRegistry.Count);
            Assert.All(Enumerable.Range(0, DeviceRegistry.Count), i => Assert.Equal(DeviceState.NotStarted, DeviceRegistry.Get(i).State));
        }

        [Fact]
        public void StartAll_RunsStagesInOrder_WithHooksAndCliBeforeTheInterruptControllers()
        {
            DeviceRegistry.Register(new TestDevice("pci", DeviceStage.Buses));
            DeviceRegistry.Register(new TestDevice("ic", DeviceStage.InterruptControllers));
            DeviceRegistry.Register(new TestDevice("tsc", DeviceStage.Clocks, 10));
            DeviceRegistry.Register(new TestDevice("com1", DeviceStage.Console));
            DeviceRegistry.Register(new TestDevice("pit", DeviceStage.Clocks, 0));
            DeviceRegistry.Register(new TestDevice("later", DeviceStage.OnDemand));
            Assert.Equal(0, DeviceRegistry.StartAll(&Before, &After));
            Assert.Equal(new[]
            {
                "before Console", "start com1", "after Console",
                "before Clocks", "start pit", "start tsc", "after Clocks",
                "before Firmware", "after Firmware",
                "before Platform", "after Platform",
                "cli", "before InterruptControllers", "start ic", "after InterruptControllers",
                "before Buses", "start pci", "after Buses",
                "before Drivers", "after Drivers",
            }, TestDevice.Log);
            Assert.Equal(DeviceState.NotStarted, DeviceRegistry.Find("later").State);
            Assert.True(DeviceRegistry.Find("pci").IsStarted);
        }

        [Fact]
        public void StartAll_RecordsFailures_AndGoesOn()
        {
            DeviceRegistry.Register(new TestDevice("missing", DeviceStage.Platform) { FailWith = "no 8042" });
            DeviceRegistry.Register(new TestDevice("broken", DeviceStage.Platform) { Throw = new InvalidOperationException("boom") });
            DeviceRegistry.Register(new TestDevice("fine", DeviceStage.Buses));
            Assert.Equal(2, DeviceRegistry.StartAll(null, null));
            var missing = DeviceRegistry.Find("missing");
            Assert.Equal(DeviceState.Failed, missing.State);
            Assert.Equal("no 8042", missing.StartError);
            Assert.Equal("boom", DeviceRegistry.Find("broken").StartError);
            Assert.True(DeviceRegistry.Find("fine").IsStarted);
            Assert.Equal("missing (Other, Failed: no 8042)", missing.ToString());
            // A second StartAll does not retry failed devices or restart started ones; Start() retries.
            TestDevice.Log.Clear();
            Assert.Equal(0, DeviceRegistry.StartAll(null, null));
            Assert.DoesNotContain(TestDevice.Log, l => l.StartsWith("start"));
            Assert.False(missing.Start());
            Assert.Equal(new[] { "cli", "start missing" }, TestDevice.Log);
        }

        [Fact]
        public void DevicesRegisteredDuringAStage_JoinTheLaterStages()
        {
            var bus = new TestDevice("bus", DeviceStage.Buses, start: _ =>
            {
                DeviceRegistry.Register(new TestDevice("child-now", DeviceStage.Buses));      // stage is running: waits for Start by someone
                DeviceRegistry.Register(new TestDevice("child-driver", DeviceStage.Drivers));
                return true;
            });
            DeviceRegistry.Register(bus);
            DeviceRegistry.StartAll(null, null);
            Assert.Contains("start child-driver", TestDevice.Log);
            Assert.DoesNotContain("start child-now", TestDevice.Log);
        }

        [Fact]
        public void Register_RejectsDuplicates()
        {
            var a = new TestDevice("x", DeviceStage.Console);
            DeviceRegistry.Register(a);
            Assert.True(a.IsRegistered);
            Assert.Throws<InvalidOperationException>(() => DeviceRegistry.Register(a));
            Assert.Throws<InvalidOperationException>(() => DeviceRegistry.Register(new TestDevice("x", DeviceStage.Console)));
            Assert.Throws<ArgumentNullException>(() => DeviceRegistry.Register(null));
        }

        [Fact]
        public void Lookups_AndGrowth()
        {
            for (int i = 0; i < 100; i++) DeviceRegistry.Register(new TestDevice("t" + i, DeviceStage.OnDemand, i));
            Assert.Equal(100, DeviceRegistry.Count);
            Assert.Equal("t57", DeviceRegistry.Get(57).Name);
            Assert.Same(DeviceRegistry.Get(99), DeviceRegistry.Find("t99"));
            Assert.Null(DeviceRegistry.Find("nope"));
            Assert.Equal("t0", DeviceRegistry.FindFirst(DeviceClass.Other).Name);
            Assert.Null(DeviceRegistry.FindFirst(DeviceClass.Network));
            Assert.Equal("t3", DeviceRegistry.Find<TestDevice>(3).Name);
            Assert.Equal(100, DeviceRegistry.CountOf<TestDevice>());
            Assert.Throws<ArgumentOutOfRangeException>(() => DeviceRegistry.Get(100));
            Assert.Equal(100, DeviceRegistry.Describe().Count);
        }

        [Fact]
        public void PciDevices_IsALiveViewOverTheRegistry()
        {
            Assert.Equal(0u, PCI.Count);
            DeviceRegistry.Register(new TestDevice("not pci", DeviceStage.OnDemand));
            foreach (var d in PCI.Enumerate(FakePciBus.I440fx())) DeviceRegistry.Register(d);
            Assert.Equal(8u, PCI.Count);
            Assert.Equal(8, PCI.Devices.Count);
            Assert.Equal("00:00.0", PCI.Devices[0].Address.ToString());
            Assert.Throws<ArgumentOutOfRangeException>(() => PCI.Devices[8]);
            Assert.Equal(0x100E, PCI.GetDevice(0x8086, 0x100E).DeviceID);
            Assert.True(PCI.Exists(0x8086, 0x7000));
            Assert.False(PCI.Exists(0x8086, 0x0000));
            Assert.Equal(0x1111, PCI.GetDeviceClass(0x03, 0x00).DeviceID);
            Assert.Equal(0x7010, PCI.GetDeviceAt(0, 1, 1).DeviceID);
            Assert.Null(PCI.GetDeviceAt(0, 1, 2));
            int n = 0;
            foreach (var d in PCI.Devices) { Assert.IsType<PCIDevice>(d); n++; }
            Assert.Equal(8, n);
            Assert.Equal(8, PCI.Devices.Select(d => d.Name).Distinct().Count());
        }
    }
}
