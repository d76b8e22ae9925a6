using System;
using System.Threading;
using Cosmos.HAL;
using Cosmos.Network;
using Cosmos.System.Network;
using Cosmos.System.Network.Config;
using Cosmos.System.Network.IPv4;
using Cosmos.System.Network.IPv4.UDP.DHCP;

namespace CosmosOS
{
    /// <summary>The demo shell's network commands: ifconfig, ping, nslookup; DHCP runs in the background from boot.</summary>
    internal static class NetworkCommands
    {
        private static Thread s_dhcp;

        /// <summary>Starts DHCP on every card in a background thread (the shell does not wait for it).</summary>
        public static void StartDhcp()
        {
            if (NetworkDevice.Devices.Count == 0) return;
            s_dhcp = new Thread(() =>
            {
                try
                {
                    using var c = new DHCPClient();
                    int s = c.SendDiscoverPacket(15_000);
                    if (s < 0) Console.WriteLine("[net] DHCP: no lease within 15 s (see 'ifconfig'; 'ifconfig dhcp' tries again)");
                }
                catch (Exception e) { Console.WriteLine("[net] DHCP failed: " + e.Message); }
            }) { IsBackground = true, Name = "dhcp" };
            s_dhcp.Start();
        }

        /// <summary>Waits up to 10 s for the boot-time DHCP to finish; false (with a message) when no interface has an address.</summary>
        internal static bool WaitConfigured()
        {
            var iface = NetworkStack.Default;
            if (iface == null) { Console.WriteLine("no network card"); return false; }
            for (int i = 0; i < 100 && iface.Host.Address.IsAny; i++) Thread.Sleep(100);
            if (iface.Host.Address.IsAny) { Console.WriteLine(iface.Name + " has no address (DHCP got no lease; try 'ifconfig dhcp')"); return false; }
            return true;
        }

        public static void Ifconfig(string[] a)
        {
            if (a.Length > 1 && a[1] == "dhcp")
            {
                using var c = new DHCPClient();
                Console.WriteLine(c.SendDiscoverPacket(10_000) >= 0 ? "DHCP: leased" : "DHCP: no lease within 10 s");
            }
            if (NetworkDevice.Devices.Count == 0) { Console.WriteLine("no network card"); return; }
            foreach (NetworkDevice d in NetworkDevice.Devices)
                if (!d.IsStarted) Console.WriteLine($"  {d.Name}: not started ({d.StartError})");
            foreach (var i in NetworkStack.Interfaces)
            {
                var h = i.Host;
                var s = i.Device.Statistics;
                Console.WriteLine($"{i.Name}: {i.Device.Name}, link {(i.Device.LinkUp ? "up" : "down")}, MAC {i.Device.MACAddress}");
                Console.WriteLine($"  inet {h.Address} netmask {h.Netmask} gateway {h.Gateway}{(i.Dhcp != null ? " (DHCP " + i.Dhcp.State + ")" : "")}");
                Console.WriteLine($"  RX {s.FramesReceived} frames {s.BytesReceived} bytes, errors {s.ReceiveErrors}, overruns {s.ReceiveOverruns}; malformed {h.Statistics.Malformed}");
                Console.WriteLine($"  TX {s.FramesSent} frames {s.BytesSent} bytes, ring full {s.TransmitRingFull}; interrupts {s.Interrupts}{(i.Device.InterruptError != null ? " (polling: " + i.Device.InterruptError + ")" : "")}");
            }
            lock (DNSConfig.DNSNameservers)
                if (DNSConfig.DNSNameservers.Count > 0) Console.WriteLine("  DNS " + string.Join(", ", DNSConfig.DNSNameservers));
        }

        private static bool Resolve(string name, out IPv4Address address)
        {
            address = default;
            var st = NameResolver.Resolve(name, 5000, out var all);
            if (st != NameResolutionStatus.Ok)
            {
                Console.WriteLine(name + ": " + (st == NameResolutionStatus.NotFound ? "not found" : st == NameResolutionStatus.NoServer ? "no DNS server" : "DNS timed out"));
                return false;
            }
            address = all[0];
            return true;
        }

        public static void Ping(string[] a)
        {
            if (a.Length < 2) { Console.WriteLine("usage: ping <host> [count]"); return; }
            int count = a.Length > 2 && int.TryParse(a[2], out int c) && c > 0 ? c : 4;
            if (!WaitConfigured() || !Resolve(a[1], out var target)) return;
            using var icmp = new ICMPClient();
            icmp.Connect(Address.FromIPv4Address(target));
            int received = 0;
            long total = 0;
            Console.WriteLine($"PING {a[1]} ({target}): 32 data bytes");
            for (int i = 1; i <= count; i++)
            {
                try { icmp.SendEcho(); }
                catch (InvalidOperationException e) { Console.WriteLine(e.Message); return; }
                var from = new EndPoint(Address.Zero, 0);
                int ms = icmp.Receive(ref from, 2000);
                if (ms < 0) Console.WriteLine($"seq {i}: no reply within 2 s");
                else { received++; total += ms; Console.WriteLine($"reply from {from.Address}: seq {i} time {ms} ms"); }
                if (i < count && ms >= 0 && ms < 1000) Thread.Sleep(1000 - ms);
            }
            Console.WriteLine($"{count} sent, {received} received, {(count - received) * 100 / count}% loss{(received > 0 ? ", average " + total / received + " ms" : "")}");
        }

        private static HttpFileServer s_server;

        /// <summary>serve [port] | serve stop: the HTTP file server over the current volume.</summary>
        public static void Serve(string[] a)
        {
            if (a.Length > 1 && a[1] == "stop")
            {
                if (s_server == null) { Console.WriteLine("not serving"); return; }
                s_server.Stop();
                Console.WriteLine($"stopped serving on port {s_server.Port} ({s_server.Requests} requests)");
                s_server = null;
                return;
            }
            if (s_server != null) { Console.WriteLine($"already serving on port {s_server.Port} ('serve stop' first)"); return; }
            ushort port = 80;
            if (a.Length > 1 && (!ushort.TryParse(a[1], out port) || port == 0)) { Console.WriteLine("usage: serve [port] | serve stop"); return; }
            if (NetworkStack.Default == null) { Console.WriteLine("no network card"); return; }
            string root = System.IO.Directory.GetCurrentDirectory();
            var srv = new HttpFileServer(port, root);
            try { srv.Start(); }
            catch (System.Net.Sockets.SocketException e) { Console.WriteLine($"port {port}: {e.SocketErrorCode}"); return; }
            s_server = srv;
            Console.WriteLine($"serving {root} over HTTP on port {port} (from the host: boot with -- --forward 8080:{port}, then http://127.0.0.1:8080/)");
        }

        public static void Nslookup(string[] a)
        {
            if (a.Length < 2) { Console.WriteLine("usage: nslookup <name>"); return; }
            if (!WaitConfigured()) return;
            var st = NameResolver.Resolve(a[1], 5000, out var all);
            if (st != NameResolutionStatus.Ok) { Resolve(a[1], out _); return; }
            Console.WriteLine("Name: " + a[1]);
            foreach (var x in all) Console.WriteLine("Address: " + x);
        }
    }
}
