using System;
using System.Collections.Generic;
using System.Linq;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Timers;
using Xunit;

namespace Cosmos.HAL.Tests
{
    /// <summary>A device offering a reset method; records its calls in <see cref="Log"/>.</summary>
    internal sealed class FakeResetDevice : Device, IResetMethod
    {
        public static readonly List<string> Log = new();
        private readonly int _order;
        private readonly string _error;

        public FakeResetDevice(string name, int order, string error = null) : base(name, DeviceClass.Other)
        {
            _order = order;
            _error = error;
        }

        public int ResetOrder => _order;

        public bool TryReset(out string error)
        {
            Log.Add("reset " + Name);
            error = _error;
            return _error == null;
        }
    }

    /// <summary>A device offering <see cref="IDelayTimer"/>; records the waits.</summary>
    internal sealed class FakeDelayDevice : Device, IDelayTimer
    {
        public FakeDelayDevice() : base("fake timer", DeviceClass.Timer) { }
        public void Wait(uint milliseconds) => FakeResetDevice.Log.Add("wait " + milliseconds);
    }

    /// <summary>
    /// The reset chain (<see cref="MachineReset"/>) and the delay capability (<see cref="Delay"/>) found through the
    /// registry's capability lookups, so that no driver calls another to reset the machine or to wait.
    /// </summary>
    [Collection("DeviceRegistry")]
    public unsafe class MachineResetTests : IDisposable
    {
        private static int s_tailCalls;

        public MachineResetTests()
        {
            DeviceRegistry.ResetForTests();
            FakeResetDevice.Log.Clear();
            s_tailCalls = 0;
        }

        public void Dispose() => DeviceRegistry.ResetForTests();

        private static void Tail()
        {
            s_tailCalls++;
            FakeResetDevice.Log.Add("tail");
        }

        [Fact]
        public void CapabilityLookups_FindDevicesByInterface_InRegistrationOrder()
        {
            var a = new FakeResetDevice("a", 5);
            var t = new FakeDelayDevice();
            var b = new FakeResetDevice("b", 1);
            foreach (var d in new Device[] { a, t, b }) DeviceRegistry.Register(d);
            Assert.Equal(2, DeviceRegistry.CountCapability<IResetMethod>());
            Assert.Same(a, DeviceRegistry.FindCapability<IResetMethod>());
            Assert.Same(b, DeviceRegistry.FindCapability<IResetMethod>(1));
            Assert.Null(DeviceRegistry.FindCapability<IResetMethod>(2));
            Assert.Same(t, DeviceRegistry.FindCapability<IDelayTimer>());
        }

        [Fact]
        public void Chain_IsByResetOrder_StableForEqualOrders()
        {
            foreach (var d in new Device[] { new FakeResetDevice("late", 30), new FakeResetDevice("first", 10), new FakeResetDevice("second", 10) })
                DeviceRegistry.Register(d);
            Assert.Equal("first second late", string.Join(" ", MachineReset.GetChain().Select(m => ((Device)m).Name)));
        }

        [Fact]
        public void Run_TriesEveryMethod_WaitsAfterEachIssuedOne_ThenTheDriverlessTail()
        {
            DeviceRegistry.Register(new FakeDelayDevice());
            DeviceRegistry.Register(new FakeResetDevice("kbc", MachineReset.ResetOrder8042));
            DeviceRegistry.Register(new FakeResetDevice("acpi", MachineReset.ResetOrderAcpi, "FADT does not advertise RESET_REG_SUP"));
            MachineReset.Run(&Tail);
            Assert.Equal(new[] { "reset acpi", "reset kbc", "wait " + MachineReset.SettleMilliseconds, "tail" }, FakeResetDevice.Log);
            Assert.Equal(1, s_tailCalls);
            Assert.Equal("acpi: FADT does not advertise RESET_REG_SUP; kbc: issued, the machine is still running", MachineReset.LastFailures);
        }

        [Fact]
        public void Run_WithNoMethod_GoesStraightToTheTail()
        {
            MachineReset.Run(&Tail);
            Assert.Equal(new[] { "tail" }, FakeResetDevice.Log);
            Assert.Equal("no reset method registered", MachineReset.LastFailures);
        }

        [Fact]
        public void Delay_WithoutATimer_SaysSo()
        {
            var e = Assert.Throws<InvalidOperationException>(() => Delay.Wait(1));
            Assert.Contains("IDelayTimer", e.Message);
        }

        [Fact]
        public void ThePcPlatform_ChainIsAcpiThen8042_AndThePitIsTheDelayTimer()
        {
            PcPlatform.RegisterDevices();
            Assert.Equal(new Device[] { ACPI.Instance, PS2Controller.Instance }, MachineReset.GetChain().Cast<Device>().ToArray());
            Assert.Same(PIT.Instance, DeviceRegistry.FindCapability<IDelayTimer>());
        }
    }
}

namespace Cosmos.HAL.Tests
{
    /// <summary>A device offering <see cref="ITimestampCounter"/> with a settable rate.</summary>
    internal sealed class FakeCounterDevice : Device, ITimestampCounter
    {
        public ulong Hz;
        public FakeCounterDevice(string name) : base(name, DeviceClass.Timer) { }
        public ulong Frequency => Hz;
    }

    /// <summary><see cref="Deadline"/>: driver timeouts from the registry's <see cref="ITimestampCounter"/>, not from the TSC driver by name.</summary>
    [Collection("DeviceRegistry")]
    public class DeadlineTests : IDisposable
    {
        public DeadlineTests() => DeviceRegistry.ResetForTests();
        public void Dispose() => DeviceRegistry.ResetForTests();

        [Fact]
        public void WithoutACalibratedCounter_AssumesThreeGigahertz()
        {
            Assert.Equal(Deadline.AssumedFrequency, Deadline.Frequency);
            var c = new FakeCounterDevice("counter");
            DeviceRegistry.Register(c);
            Assert.Equal(Deadline.AssumedFrequency, Deadline.Frequency);   // registered, not calibrated yet
            c.Hz = 2_000_000_000;
            Assert.Equal(2_000_000_000UL, Deadline.Frequency);
            Assert.Equal(20_000_000UL, Deadline.Ticks(10));
        }

        [Fact]
        public void FollowsTheRegistry_WhenTheCounterIsReplaced()
        {
            var a = new FakeCounterDevice("a") { Hz = 1_000_000 };
            DeviceRegistry.Register(a);
            Assert.Equal(1_000_000UL, Deadline.Frequency);
            DeviceRegistry.ResetForTests();
            DeviceRegistry.Register(new FakeCounterDevice("b") { Hz = 5_000_000 });
            Assert.Equal(5_000_000UL, Deadline.Frequency);
        }

        [Fact]
        public void ThePcPlatform_CounterIsTheTsc()
        {
            PcPlatform.RegisterDevices();
            Assert.Same(TSC.Instance, DeviceRegistry.FindCapability<ITimestampCounter>());
        }
    }
}

namespace Cosmos.HAL.Tests
{
    /// <summary>A device offering <see cref="IFirmwareTables"/> from a dictionary.</summary>
    internal sealed class FakeFirmwareDevice : Device, IFirmwareTables
    {
        public readonly Dictionary<string, byte[]> Tables = new();
        public byte Century;
        public FakeFirmwareDevice() : base("fake firmware", DeviceClass.Firmware) { }
        public ReadOnlySpan<byte> GetTable(string signature, int index) => index == 0 && Tables.TryGetValue(signature, out var t) ? t : default;
        public byte RtcCenturyRegister => Century;
    }

    /// <summary><see cref="FirmwareTables"/>: PCI, the interrupt controller and the RTC read firmware tables through the registry.</summary>
    [Collection("DeviceRegistry")]
    public class FirmwareTablesTests : IDisposable
    {
        public FirmwareTablesTests() => DeviceRegistry.ResetForTests();
        public void Dispose() => DeviceRegistry.ResetForTests();

        [Fact]
        public void WithoutAProvider_TablesAreEmptyAndThereIsNoCenturyRegister()
        {
            Assert.True(FirmwareTables.Get("APIC").IsEmpty);
            Assert.Equal(0, FirmwareTables.RtcCenturyRegister);
        }

        [Fact]
        public void ReadsTheRegisteredProvider()
        {
            var f = new FakeFirmwareDevice { Century = 0x32 };
            f.Tables["MCFG"] = new byte[] { 1, 2, 3 };
            DeviceRegistry.Register(f);
            Assert.Equal(new byte[] { 1, 2, 3 }, FirmwareTables.Get("MCFG").ToArray());
            Assert.True(FirmwareTables.Get("MCFG", 1).IsEmpty);
            Assert.True(FirmwareTables.Get("APIC").IsEmpty);
            Assert.Equal(0x32, FirmwareTables.RtcCenturyRegister);
        }

        [Fact]
        public void ThePcPlatform_FirmwareIsAcpi()
        {
            PcPlatform.RegisterDevices();
            Assert.Same(ACPI.Instance, DeviceRegistry.FindCapability<IFirmwareTables>());
        }
    }
}
