using System;
using Cosmos.Core;
using Cosmos.HAL;
using Cosmos.HAL.Firmware;
using Cosmos.Network;
using Cosmos.System.Network;
using Cosmos.System.Network.IPv4;
using Cosmos.System.Network.IPv4.TCP;

namespace NetBench
{
    /// <summary>
    /// Network figures, per card (eth0 e1000 on 10.0.2.0/24, eth1 virtio-net on 10.0.3.0/24; qemu-args.txt), all in
    /// TSC ticks with the TSC frequency printed first:
    /// <list type="bullet">
    /// <item>raw transmit: 20,000 frames of 1,514 bytes to an absent unicast MAC (slirp drops them), as fast as the
    /// ring takes them — the baseline for the card;</item>
    /// <item>TCP guest→host: 8 MiB to the runner's tcp-sink through the card's gateway, timed until every byte is
    /// acknowledged;</item>
    /// <item>TCP host→guest: 8 MiB from tcp-source, timed from the request to the last byte;</item>
    /// <item>ping: 20 echo round trips to the gateway (min and mean).</item>
    /// </list>
    /// Lines: "bench net tsc-hz F", "bench net CARD raw-tx bytes B ticks T", "bench net CARD tcp-out bytes B ticks T
    /// retransmissions R", "bench net CARD tcp-in bytes B ticks T", "bench net CARD ping n N min-ticks A mean-ticks M",
    /// "bench net CARD error …" on failure, then "bench done".
    /// </summary>
    public sealed class Kernel : Cosmos.System.Kernel
    {
        private const int RawFrames = 20_000;
        private const int TcpBytes = 8 * 1024 * 1024;

        protected override void BeforeRun() { }

        private static int Port(string name) => int.TryParse(QemuFwCfg.ReadString("opt/cosmos/" + name), out int p) ? p : -1;

        protected override void Run()
        {
            Console.WriteLine("bench net tsc-hz " + Cosmos.HAL.Devices.Timers.TSC.Frequency);
            NetworkStack.Initialize();
            foreach (var iface in NetworkStack.Interfaces)
            {
                string card = iface.Device.Name.Split(' ')[0];
                try { Measure(iface, card); }
                catch (Exception e) { Console.WriteLine("bench net " + card + " error " + e.GetType().Name + ": " + e.Message); }
            }
            Console.WriteLine("bench done");
            Stop();
            Cosmos.System.Power.Shutdown();
        }

        private static void Measure(NetworkInterface iface, string card)
        {
            if (!iface.RunDhcp(10_000)) { Console.WriteLine("bench net " + card + " error no DHCP lease"); return; }
            var gw = Address.FromIPv4Address(iface.Host.Gateway);

            // Raw transmit baseline.
            var frame = new byte[NetworkDevice.MaxFrameLength];
            frame[0] = 0x02; frame[5] = 0x99;                                   // locally administered, absent
            var mac = iface.Device.MACAddress.bytes;
            Array.Copy(mac, 0, frame, 6, 6);
            frame[12] = 0x88; frame[13] = 0xB5;                                 // local experimental EtherType
            ulong t0 = Native.Rdtsc();
            for (int i = 0; i < RawFrames; i++) while (!iface.Device.Send(frame)) System.Threading.Thread.Yield();
            ulong t1 = Native.Rdtsc();
            Console.WriteLine("bench net " + card + " raw-tx bytes " + (long)RawFrames * frame.Length + " ticks " + (t1 - t0));

            // TCP guest → host.
            var chunk = new byte[65536];
            for (int i = 0; i < chunk.Length; i++) chunk[i] = (byte)i;
            using (var c = new TcpClient())
            {
                c.Connect(gw, Port("tcp-sink"), 10_000);
                t0 = Native.Rdtsc();
                for (int off = 0; off < TcpBytes; off += chunk.Length) c.Send(chunk);
                while (true)
                {
                    int queued;
                    lock (iface.SyncRoot) queued = c.Connection.BytesQueued;
                    if (queued == 0) break;
                    System.Threading.Thread.Sleep(1);
                }
                t1 = Native.Rdtsc();
                Console.WriteLine("bench net " + card + " tcp-out bytes " + TcpBytes + " ticks " + (t1 - t0) + " retransmissions " + c.Connection.Retransmissions);
            }

            // TCP host → guest.
            using (var c = new TcpClient())
            {
                c.Connect(gw, Port("tcp-source"), 10_000);
                var req = new byte[8];
                System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(req, TcpBytes);
                t0 = Native.Rdtsc();
                c.Send(req);
                long got = 0;
                var from = new EndPoint(Address.Zero, 0);
                while (got < TcpBytes)
                {
                    var part = c.Receive(ref from, 30_000);
                    if (part == null) break;
                    got += part.Length;
                }
                t1 = Native.Rdtsc();
                if (got != TcpBytes) Console.WriteLine("bench net " + card + " error tcp-in got " + got + " of " + TcpBytes);
                else Console.WriteLine("bench net " + card + " tcp-in bytes " + got + " ticks " + (t1 - t0));
            }

            // Ping.
            using (var icmp = new ICMPClient())
            {
                icmp.Connect(gw);
                ulong min = ulong.MaxValue, sum = 0;
                int n = 0;
                for (int i = 0; i < 20; i++)
                {
                    ulong s = Native.Rdtsc();
                    icmp.SendEcho();
                    var from = new EndPoint(Address.Zero, 0);
                    if (icmp.Receive(ref from, 2000) < 0) continue;
                    ulong d = Native.Rdtsc() - s;
                    if (d < min) min = d;
                    sum += d; n++;
                }
                Console.WriteLine("bench net " + card + " ping n " + n + " min-ticks " + (n == 0 ? 0 : min) + " mean-ticks " + (n == 0 ? 0 : sum / (ulong)n));
            }
        }
    }
}
