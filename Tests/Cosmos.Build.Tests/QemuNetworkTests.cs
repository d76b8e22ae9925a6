using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cosmos.Build.Running;
using Cosmos.Build.Testing;
using Cosmos.Build.Toolchain;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>The runner's network options (-nic, hostfwd) and the host peers of test kernels.</summary>
    public class QemuNetworkTests
    {
        private static string Nic(string model, params string[] forwards)
        {
            var o = new QemuOptions { Iso = "x.iso", Nic = model };
            o.Forwards.AddRange(forwards);
            var a = Qemu.NicArguments(o);
            return a.Count == 0 ? null : string.Join(" ", a);
        }

        [Fact]
        public void Models_Map_To_Qemu_Devices_On_User_Networking()
        {
            Assert.Equal("-netdev user,id=nic0 -device e1000,netdev=nic0", Nic("e1000"));
            Assert.Equal("-netdev user,id=nic0 -device virtio-net-pci,netdev=nic0", Nic("virtio"));
            Assert.Equal("-netdev user,id=nic0 -device e1000-82545em,netdev=nic0", Nic("e1000-82545em"));
            Assert.Equal("-nic none", Nic("none"));
            Assert.Null(Nic(null));
        }

        [Fact]
        public void Forwards_Bind_The_Host_Loopback_Only()
        {
            Assert.Equal("-netdev user,id=nic0,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp:127.0.0.1:5353-:53 -device e1000,netdev=nic0", Nic("e1000", "8080:80", "udp:5353:53"));
        }

        [Theory]
        [InlineData("rtl8139")]
        [InlineData("E1000")]
        public void An_Unknown_Model_Is_COSMOS072_Naming_The_Known_Ones(string model)
        {
            var e = Assert.Throws<BuildStepException>(() => Nic(model));
            Assert.Contains("COSMOS072", e.Code + e.Message);
            Assert.Contains("virtio", e.Message);
        }

        [Theory]
        [InlineData("8080")]
        [InlineData("sctp:1:2")]
        [InlineData("0:80")]
        [InlineData("8080:70000")]
        [InlineData("a:b")]
        public void A_Malformed_Forward_Is_COSMOS073(string forward)
        {
            var e = Assert.Throws<BuildStepException>(() => Nic("e1000", forward));
            Assert.Contains("COSMOS073", e.Code + e.Message);
        }

        [Fact]
        public void Forwards_Without_A_Nic_Are_Refused()
        {
            Assert.Throws<BuildStepException>(() => Nic("none", "8080:80"));
        }

        [Fact]
        public void Arguments_Put_The_Nic_Before_Extra_Arguments()
        {
            var o = new QemuOptions { Iso = "x.iso", Nic = "virtio", Display = false };
            o.Extra.Add("-device");
            o.Extra.Add("foo");
            var a = Qemu.Arguments(o);
            int nic = a.IndexOf("-netdev");
            Assert.True(nic >= 0 && a[nic + 1] == "user,id=nic0" && a[nic + 3] == "virtio-net-pci,netdev=nic0");
            Assert.True(nic < a.IndexOf("foo"));
        }

        [Fact]
        public void The_Udp_Echo_Peer_Echoes_On_Loopback()
        {
            using var peers = new NetworkPeers();
            string token = peers.Expand("name=opt/cosmos/udp-echo,string={peer:udp-echo}");
            int port = int.Parse(token.Split('=').Last());
            using var c = new UdpClient();
            c.Client.ReceiveTimeout = 5000;
            c.Send(Encoding.ASCII.GetBytes("hello"), 5, new IPEndPoint(IPAddress.Loopback, port));
            var from = new IPEndPoint(IPAddress.Any, 0);
            Assert.Equal("hello", Encoding.ASCII.GetString(c.Receive(ref from)));
            Assert.Equal(token, peers.Expand("name=opt/cosmos/udp-echo,string={peer:udp-echo}"));   // one peer per kind
        }

        [Fact]
        public void The_Dns_Peer_Answers_A_And_Nxdomain()
        {
            using var peers = new NetworkPeers();
            int port = int.Parse(peers.Expand("{peer:dns}"));
            using var c = new UdpClient();
            c.Client.ReceiveTimeout = 5000;
            byte[] Query(string name, ushort id)
            {
                var q = new System.Collections.Generic.List<byte> { (byte)(id >> 8), (byte)id, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
                foreach (var l in name.Split('.')) { q.Add((byte)l.Length); q.AddRange(Encoding.ASCII.GetBytes(l)); }
                q.AddRange(new byte[] { 0, 0, 1, 0, 1 });
                return q.ToArray();
            }
            var from = new IPEndPoint(IPAddress.Any, 0);
            var q1 = Query("peer.cosmos.test", 0x1234);
            c.Send(q1, q1.Length, new IPEndPoint(IPAddress.Loopback, port));
            var r = c.Receive(ref from);
            Assert.Equal(0x12, r[0]); Assert.Equal(0x34, r[1]);
            Assert.Equal(0, r[3] & 0x0F);                     // RCODE 0
            Assert.Equal(1, r[7]);                            // one answer
            Assert.Equal(new byte[] { 10, 0, 2, 2 }, r.Skip(r.Length - 4).ToArray());
            var q2 = Query("nothing.cosmos.test", 7);
            c.Send(q2, q2.Length, new IPEndPoint(IPAddress.Loopback, port));
            r = c.Receive(ref from);
            Assert.Equal(3, r[3] & 0x0F);                     // NXDOMAIN
        }

        [Fact]
        public void An_Unknown_Peer_Kind_Is_Refused_With_The_Known_Ones()
        {
            using var peers = new NetworkPeers();
            var e = Assert.Throws<System.ArgumentException>(() => peers.Expand("{peer:smtp}"));
            Assert.Contains("udp-echo", e.Message);
        }
    }
}
