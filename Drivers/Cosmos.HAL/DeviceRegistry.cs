using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;
using Cosmos.Core;
using Cosmos.Core.Interrupts;

namespace Cosmos.HAL
{
    /// <summary>
    /// The one list of devices the kernel knows about, in registration order, and the boot-time start sequence
    /// (<see cref="StartAll"/>). Lookups (<see cref="Count"/>, <see cref="Get"/>, <see cref="Find(string)"/>,
    /// <see cref="FindFirst(DeviceClass)"/>, <see cref="Find{T}"/>, <see cref="CountOf{T}"/>, the capability lookups
    /// <see cref="FindCapability{T}"/> and <see cref="CountCapability{T}"/>, and the
    /// <see cref="OfType{T}"/> views with their struct enumerators) never allocate and may run in an interrupt handler;
    /// the one exception is the first <see cref="OfType{T}"/> call for a type, which creates that type's view object
    /// (<c>PCI.Devices</c> is first used at boot). <see cref="Register"/> and starting devices allocate and panic
    /// when called from an interrupt handler. Registration is meant for one thread at a time (boot, a bus driver);
    /// readers on other threads see either the old or the new list, never a torn one.
    /// </summary>
    public static class DeviceRegistry
    {
        // Allocated by the first Register (no static initializer, so no class constructor can run in an interrupt handler).
        private static Device[] s_devices;
        private static int s_count;

        /// <summary>The published array and how many of its slots are in use (0 before the first registration).</summary>
        private static Device[] Snapshot(out int count)
        {
            var arr = Volatile.Read(ref s_devices);
            count = arr == null ? 0 : Math.Min(Volatile.Read(ref s_count), arr.Length);
            return arr;
        }

        /// <summary>Number of registered devices.</summary>
        public static int Count { get { Snapshot(out int n); return n; } }

        /// <summary>The <paramref name="index"/>-th registered device (registration order).</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in 0..Count-1.</exception>
        public static Device Get(int index)
        {
            var arr = Snapshot(out int n);
            if ((uint)index >= (uint)n) throw new ArgumentOutOfRangeException(nameof(index));
            return arr[index];
        }

        /// <summary>
        /// Adds <paramref name="device"/> (not started) to the list. Registering a device twice, or two devices with the
        /// same <see cref="Device.Name"/>, is an error.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="device"/> is null.</exception>
        /// <exception cref="InvalidOperationException">Already registered, or the name is taken.</exception>
        public static void Register(Device device)
        {
            if (device == null) throw new ArgumentNullException(nameof(device));
            if (InterruptDispatcher.Depth != 0) Panic.Halt("DeviceRegistry.Register: devices cannot be registered inside an interrupt handler");
            if (device.IsRegistered) throw new InvalidOperationException(string.Concat("device \"", device.Name, "\" is already registered"));
            if (Find(device.Name) != null) throw new InvalidOperationException(string.Concat("a device named \"", device.Name, "\" is already registered"));
            var arr = s_devices;
            int n = s_count;
            if (arr == null)
            {
                arr = new Device[32];
                Volatile.Write(ref s_devices, arr);
            }
            else if (n == arr.Length)
            {
                var bigger = new Device[arr.Length * 2];
                Array.Copy(arr, bigger, n);
                Volatile.Write(ref s_devices, bigger);
                arr = bigger;
            }
            arr[n] = device;
            device.IsRegistered = true;
            Volatile.Write(ref s_count, n + 1);
        }

        /// <summary>The device named <paramref name="name"/> (ordinal comparison), or null.</summary>
        public static Device Find(string name)
        {
            var arr = Snapshot(out int n);
            for (int i = 0; i < n; i++)
                if (string.Equals(arr[i].Name, name)) return arr[i];
            return null;
        }

        /// <summary>The first registered device of class <paramref name="deviceClass"/>, or null.</summary>
        public static Device FindFirst(DeviceClass deviceClass)
        {
            var arr = Snapshot(out int n);
            for (int i = 0; i < n; i++)
                if (arr[i].Class == deviceClass) return arr[i];
            return null;
        }

        /// <summary>The <paramref name="index"/>-th registered device of type <typeparamref name="T"/>, or null.</summary>
        public static T Find<T>(int index = 0) where T : Device
        {
            var arr = Snapshot(out int n);
            for (int i = 0; i < n; i++)
                if (arr[i] is T t && index-- == 0) return t;
            return null;
        }

        /// <summary>Number of registered devices of type <typeparamref name="T"/>.</summary>
        public static int CountOf<T>() where T : Device
        {
            var arr = Snapshot(out int n);
            int c = 0;
            for (int i = 0; i < n; i++)
                if (arr[i] is T) c++;
            return c;
        }

        /// <summary>
        /// The <paramref name="index"/>-th registered device (registration order) that offers capability
        /// <typeparamref name="T"/>, an interface such as <see cref="IResetMethod"/> or <see cref="IDelayTimer"/>, or null.
        /// How drivers reach a service another driver provides without naming that driver.
        /// </summary>
        public static T FindCapability<T>(int index = 0) where T : class
        {
            var arr = Snapshot(out int n);
            for (int i = 0; i < n; i++)
                if (arr[i] is T t && index-- == 0) return t;
            return null;
        }

        /// <summary>Number of registered devices that offer capability <typeparamref name="T"/>.</summary>
        public static int CountCapability<T>() where T : class
        {
            var arr = Snapshot(out int n);
            int c = 0;
            for (int i = 0; i < n; i++)
                if (arr[i] is T) c++;
            return c;
        }

        /// <summary>A live, read-only view of the registered devices of type <typeparamref name="T"/> (one object per type, never copied).</summary>
        public static DeviceList<T> OfType<T>() where T : Device => DeviceList<T>.Instance;

        /// <summary>
        /// The devices <see cref="StartAll"/> would start, in the order it would start them: every device whose
        /// <see cref="Device.Stage"/> is not <see cref="DeviceStage.OnDemand"/>, by stage, then
        /// <see cref="Device.StartOrder"/>, then registration order (a stable sort).
        /// </summary>
        public static Device[] GetStartOrder()
        {
            var arr = Snapshot(out int n);
            int m = 0;
            var list = new Device[n];
            for (int i = 0; i < n; i++)
                if (arr[i].Stage != DeviceStage.OnDemand) list[m++] = arr[i];
            // Insertion sort: stable, and the list is a few dozen devices.
            for (int i = 1; i < m; i++)
            {
                var d = list[i];
                int j = i - 1;
                while (j >= 0 && Compare(list[j], d) > 0) { list[j + 1] = list[j]; j--; }
                list[j + 1] = d;
            }
            if (m != n) Array.Resize(ref list, m);
            return list;
        }

        private static int Compare(Device a, Device b)
        {
            if (a.Stage != b.Stage) return a.Stage < b.Stage ? -1 : 1;
            return a.StartOrder.CompareTo(b.StartOrder);
        }

        /// <summary>
        /// Starts every registered device that has never been started, stage by stage from
        /// <see cref="DeviceStages.First"/> to <see cref="DeviceStages.Last"/> in <see cref="GetStartOrder"/> order.
        /// For each stage: when <see cref="DeviceStages.RunsWithInterruptsDisabled"/> says so, interrupts are disabled
        /// (and left disabled); then <paramref name="beforeStage"/> runs, then the stage's devices start, then
        /// <paramref name="afterStage"/> runs. The hooks run for every stage, also one without devices, so the owner of
        /// the boot can tie its own steps (the IDT, the runtime's clocks, threads) to stage boundaries. A device that
        /// fails is recorded (<see cref="Device.State"/>, <see cref="Device.StartError"/>) and the sequence goes on.
        /// Devices registered by a hook or by a starting device join the stages not yet run. Returns the number of
        /// devices that failed.
        /// </summary>
        /// <param name="beforeStage">Called before each stage's devices (may be null).</param>
        /// <param name="afterStage">Called after each stage's devices (may be null).</param>
        public static unsafe int StartAll(delegate*<DeviceStage, void> beforeStage, delegate*<DeviceStage, void> afterStage)
        {
            int failed = 0;
            for (int s = (int)DeviceStages.First; s <= (int)DeviceStages.Last; s++)
            {
                var stage = (DeviceStage)s;
                if (DeviceStages.RunsWithInterruptsDisabled(stage)) DisableInterrupts();
                if (beforeStage != null) beforeStage(stage);
                // Re-read the order for every stage: devices registered by earlier stages join in.
                var order = GetStartOrder();
                for (int i = 0; i < order.Length; i++)
                {
                    var d = order[i];
                    if (d.Stage != stage || d.State != DeviceState.NotStarted) continue;
                    if (!d.Start()) failed++;
                }
                if (afterStage != null) afterStage(stage);
            }
            return failed;
        }

        /// <summary>Host tests replace the CLI (there is no interrupt flag to clear on the host).</summary>
        internal static unsafe delegate*<void> DisableInterruptsOverride;

        private static unsafe void DisableInterrupts()
        {
            if (DisableInterruptsOverride != null) DisableInterruptsOverride();
            else CpuDisableInterrupts();
        }

        private static void CpuDisableInterrupts() => CPU.DisableInterrupts();

        /// <summary>One line per device ("COM1 (Serial, Started)"), in registration order, for a shell command.</summary>
        public static List<string> Describe()
        {
            var lines = new List<string>();
            int n = Count;
            for (int i = 0; i < n; i++) lines.Add(Get(i).ToString());
            return lines;
        }

        /// <summary>Forgets every device (host tests only: the registry is process-wide).</summary>
        internal static void ResetForTests()
        {
            var arr = s_devices;
            for (int i = 0; arr != null && i < s_count; i++) { arr[i].IsRegistered = false; arr[i] = null; }
            s_count = 0;
        }
    }

    /// <summary>
    /// A live, read-only view of the registered devices of one type, in registration order (what
    /// <c>PCI.Devices</c> returns). <see cref="Count"/> and the indexer walk the registry (a few dozen entries) and
    /// never allocate; <c>foreach</c> over the view itself uses a struct enumerator (through the
    /// <see cref="IEnumerable{T}"/> interface it allocates one object).
    /// </summary>
    public sealed class DeviceList<T> : IReadOnlyList<T> where T : Device
    {
        internal static readonly DeviceList<T> Instance = new DeviceList<T>();
        private DeviceList() { }

        /// <summary>Number of registered devices of type <typeparamref name="T"/>.</summary>
        public int Count => DeviceRegistry.CountOf<T>();

        /// <summary>The <paramref name="index"/>-th one.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in 0..Count-1.</exception>
        public T this[int index] => (index >= 0 ? DeviceRegistry.Find<T>(index) : null) ?? throw new ArgumentOutOfRangeException(nameof(index));

        /// <summary>Struct enumerator over the view (no allocation).</summary>
        public Enumerator GetEnumerator() => new Enumerator(0);
        IEnumerator<T> IEnumerable<T>.GetEnumerator() => GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>Walks the registry, yielding the devices of type <typeparamref name="T"/>.</summary>
        public struct Enumerator : IEnumerator<T>
        {
            private int _next;
            private T _current;
            internal Enumerator(int start) { _next = start; _current = null; }
            /// <summary>The current device.</summary>
            public T Current => _current;
            object IEnumerator.Current => _current;
            /// <summary>Advances to the next device of type <typeparamref name="T"/>.</summary>
            public bool MoveNext()
            {
                int n = DeviceRegistry.Count;
                while (_next < n)
                {
                    if (DeviceRegistry.Get(_next++) is T t) { _current = t; return true; }
                }
                _current = null;
                return false;
            }
            /// <summary>Starts over.</summary>
            public void Reset() { _next = 0; _current = null; }
            /// <summary>Nothing to release.</summary>
            public void Dispose() { }
        }
    }
}
