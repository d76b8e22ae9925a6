using System;
using System.Collections.Generic;
using System.Threading;
using Cosmos.Core;
using Cosmos.HAL;
using Cosmos.Network;

namespace Cosmos.System.Network
{
    /// <summary>
    /// One network card with the IPv4 stack running on it: the glue between a HAL <see cref="NetworkDevice"/> and the
    /// pure <see cref="IPv4Host"/> of Kernel/Cosmos.Network. A background thread ("net eth0") takes received frames
    /// (sleeping on the card's interrupt) and feeds them to the host, and every 10 ms drives its timers (ARP retries,
    /// reassembly expiry, TCP retransmissions, DHCP). Everything that touches the host does so under <see cref="SyncRoot"/>; callbacks from
    /// the host (UDP delivery, echo replies) run on the pump thread with that lock held, so they must only queue and
    /// signal. Created by <see cref="NetworkStack"/>; names are "eth0", "eth1"… in card order.
    /// </summary>
    public sealed class NetworkInterface
    {
        /// <summary>Milliseconds between timer passes of the pump thread.</summary>
        public const int TickMs = 10;

        private readonly byte[] _rx = new byte[NetworkDevice.MaxFrameLength];
        private Thread _pump;
        private readonly object _dhcpSignal = new object();
        private readonly List<Action<long>> _tickHandlers = new List<Action<long>>();

        /// <summary>"eth0", "eth1"… (Cosmos/Linux style; also accepted by <see cref="NetworkStack.GetInterface(string)"/>).</summary>
        public string Name { get; }

        /// <summary>The card.</summary>
        public NetworkDevice Device { get; }

        /// <summary>The IPv4 host bound to the card (lock <see cref="SyncRoot"/> around every use).</summary>
        public IPv4Host Host { get; }

        /// <summary>The lock that serializes every use of <see cref="Host"/> and the protocol state above it.</summary>
        public object SyncRoot { get; } = new object();

        /// <summary>TCP (RFC 9293) on <see cref="Host"/> (lock <see cref="SyncRoot"/> around every use; its timers run in the pump).</summary>
        public TcpLayer Tcp { get; }

        /// <summary>The DHCP client, once <see cref="RunDhcp"/> started it (null before).</summary>
        public DhcpClient Dhcp { get; private set; }

        /// <summary>Frames sent that the card refused even after waiting for a free transmit buffer (lost).</summary>
        public long FramesLost { get; private set; }

        /// <summary>Raised (on the pump thread, lock held) after DHCP configured the interface.</summary>
        public event Action<NetworkInterface> Configured;

        internal NetworkInterface(NetworkDevice device, string name)
        {
            Device = device;
            Name = name;
            var mac = new MacAddress(device.MACAddress.bytes[0], device.MACAddress.bytes[1], device.MACAddress.bytes[2],
                device.MACAddress.bytes[3], device.MACAddress.bytes[4], device.MACAddress.bytes[5]);
            Host = new IPv4Host(mac, IPv4Address.Any, IPv4Address.Any, IPv4Address.Any, SendFrame);
            Host.EchoReplyReceived = IPv4.ICMPClient.Deliver;
            // RFC 6528 secret: 128 bits from the TSC and the runtime's random source, once per interface.
            var r = new global::System.Random((int)Native.Rdtsc());
            Tcp = new TcpLayer(Host, (ulong)r.NextInt64() ^ Native.Rdtsc(), (ulong)r.NextInt64() ^ (Native.Rdtsc() << 17));
        }

        /// <summary>The monotonic clock the stack runs on (milliseconds since boot).</summary>
        public static long NowMs => global::System.Environment.TickCount64;

        private static ulong TscPerMs { get { ulong hz = Cosmos.HAL.Devices.Timers.TSC.Frequency; return (hz == 0 ? 3_000_000_000UL : hz) / 1000; } }

        private void SendFrame(ReadOnlySpan<byte> frame)
        {
            if (Device.Send(frame)) return;
            // The transmit ring is full: the card drains it at line rate; give it up to 5 ms.
            ulong until = Native.Rdtsc() + 5 * TscPerMs;
            while (Native.Rdtsc() < until)
            {
                Thread.Yield();
                if (Device.Send(frame)) return;
            }
            FramesLost++;
        }

        /// <summary>Registers <paramref name="handler"/> to run every pump pass (lock held, argument: now in ms); used by protocols above IPv4 that keep timers.</summary>
        public void AddTickHandler(Action<long> handler)
        {
            lock (SyncRoot) _tickHandlers.Add(handler ?? throw new ArgumentNullException(nameof(handler)));
        }

        /// <summary>
        /// One pass: feeds up to 64 pending frames to the host, then runs its timers (and DHCP's and the tick handlers).
        /// Returns the number of frames taken. Safe from any thread; the pump thread calls it continuously.
        /// </summary>
        public int Pump()
        {
            int n = 0;
            lock (SyncRoot)
            {
                long now = NowMs;
                int len;
                while (n < 64 && (len = Device.Receive(_rx)) > 0)
                {
                    Host.Receive(_rx.AsSpan(0, len), now);
                    n++;
                }
                Host.Poll(now);
                Tcp.Poll(now);
                Dhcp?.Poll(now);
                for (int i = 0; i < _tickHandlers.Count; i++) _tickHandlers[i](now);
            }
            return n;
        }

        internal void StartPump()
        {
            if (_pump != null) return;
            _pump = new Thread(PumpLoop) { IsBackground = true, Name = "net " + Name };
            _pump.Start();
        }

        private void PumpLoop()
        {
            while (true)
            {
                if (Pump() == 64) continue;                     // more frames are waiting
                Device.WaitForFrame(Native.Rdtsc() + TickMs * TscPerMs);
            }
        }

        /// <summary>
        /// Asks a DHCP server for an address (RFC 2131) and waits up to <paramref name="timeoutMs"/> for the lease; true
        /// when the interface is configured. The client keeps running afterwards (renewal at T1, rebinding at T2).
        /// </summary>
        public bool RunDhcp(int timeoutMs)
        {
            NetworkStack.Initialize();
            lock (SyncRoot)
            {
                if (Dhcp == null)
                {
                    Dhcp = new DhcpClient(Host, (uint)Native.Rdtsc());
                    Dhcp.Bound = OnDhcpBound;
                }
                Dhcp.Start(NowMs);
            }
            long deadline = NowMs + timeoutMs;
            lock (_dhcpSignal)
            {
                while (Dhcp.State != DhcpClientState.Bound)
                {
                    long left = deadline - NowMs;
                    if (left <= 0)
                    {
                        var fallback = StaticFallback;
                        if (fallback == null) return false;
                        // No lease in time: the static configuration stands in; the DHCP client keeps asking, and a
                        // lease that comes later replaces it.
                        NetworkStack.ConfigIP(Device, fallback);
                        UsingStaticFallback = true;
                        return true;
                    }
                    Monitor.Wait(_dhcpSignal, (int)Math.Min(left, 100));
                }
            }
            UsingStaticFallback = false;
            return true;
        }

        /// <summary>
        /// The configuration <see cref="RunDhcp"/> applies when no lease comes within its timeout (null: none; then
        /// RunDhcp returns false). DHCP keeps running behind it: a later lease takes over (RFC 2131 leaves the choice
        /// of a fallback to the client).
        /// </summary>
        public Config.IPConfig StaticFallback { get; set; }

        /// <summary>True while the interface runs on <see cref="StaticFallback"/> because DHCP gave no lease.</summary>
        public bool UsingStaticFallback { get; private set; }

        /// <summary>Gives the DHCP lease back (DHCPRELEASE) and unconfigures the interface.</summary>
        public void ReleaseDhcp()
        {
            lock (SyncRoot) Dhcp?.Release(NowMs);
            NetworkStack.OnUnconfigured(this);
        }

        private void OnDhcpBound(DhcpClient c)
        {
            UsingStaticFallback = false;
            NetworkStack.OnConfigured(this, c.DomainNameServers);
            Configured?.Invoke(this);
            lock (_dhcpSignal) Monitor.PulseAll(_dhcpSignal);
        }

        /// <summary>"eth0 e1000 00:03.0 52:54:00:12:34:56 10.0.2.15/255.255.255.0 gw 10.0.2.2".</summary>
        public override string ToString() => string.Concat(Name, " ", Device.Name, " ", Device.MACAddress?.ToString() ?? "?", " ",
            Host.Address.ToString(), "/", Host.Netmask.ToString(), " gw ", Host.Gateway.ToString());
    }
}
