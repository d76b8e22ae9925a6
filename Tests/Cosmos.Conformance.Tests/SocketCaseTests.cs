using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using Cosmos.Build.Testing;
using Cosmos.TestCases;
using Xunit;

namespace Cosmos.Conformance.Tests
{
    /// <summary>Starts the runner's peers (tcp-echo, udp-echo, http) once on 127.0.0.1 for <see cref="SocketCaseTests"/>.</summary>
    public sealed class SocketPeersFixture : IDisposable
    {
        /// <summary>The peers.</summary>
        public NetworkPeers Peers { get; } = new NetworkPeers();

        /// <summary>The environment the cases see on the host.</summary>
        public SocketEnvironment Environment { get; }

        /// <summary>Starts the peers.</summary>
        public SocketPeersFixture()
        {
            Environment = new SocketEnvironment { PeerHost = IPAddress.Loopback, PingTarget = IPAddress.Loopback, HasDnsPeer = false };
            foreach (var k in new[] { "tcp-echo", "udp-echo", "http", "uploader" })
                Environment.Ports[k] = int.Parse(Peers.Expand("{peer:" + k + "}"));
        }

        /// <summary>Stops the peers.</summary>
        public void Dispose() => Peers.Dispose();
    }

    /// <summary>
    /// Runs each case of <see cref="SocketCases"/> with CoreCLR on Linux against the runner's peers on loopback and
    /// checks the expected text: the table states what .NET's System.Net does. The SocketTests kernel runs the same
    /// table through the kernel's socket PAL. Cases that need the dns peer as the system resolver run only in the kernel.
    /// </summary>
    public class SocketCaseTests : IClassFixture<SocketPeersFixture>
    {
        private readonly SocketPeersFixture _fixture;

        /// <summary>Takes the shared peers.</summary>
        public SocketCaseTests(SocketPeersFixture fixture) => _fixture = fixture;

        /// <summary>One row per case the host can run.</summary>
        public static TheoryData<string> CaseNames
        {
            get
            {
                var data = new TheoryData<string>();
                foreach (var c in SocketCases.All) if (!c.NeedsDnsPeer) data.Add(c.Name);
                return data;
            }
        }

        [Theory]
        [MemberData(nameof(CaseNames))]
        public void ResultIsTheExpectedOne(string name)
        {
            var c = SocketCases.All.Single(x => x.Name == name);
            var env = _fixture.Environment;
            Assert.Equal(SocketCases.ExpectedFor(c, env), c.Run(env));
        }

        /// <summary>The POST case's expected hash (a constant in the table) is the SHA-256 of the body it sends.</summary>
        [Fact]
        public void PostBodySha256IsTheHashOfThePostBody() =>
            Assert.Equal(SocketCases.PostBodySha256, System.Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(SocketCases.PostBody())).ToLowerInvariant());

        [Fact]
        public void CaseNamesAreUniqueAndUsableInTheKernelProtocol()
        {
            var seen = new HashSet<string>();
            foreach (var c in SocketCases.All)
            {
                Assert.True(seen.Add(c.Name), "duplicate case name " + c.Name);
                Assert.DoesNotContain(": ", c.Name);
            }
        }
    }
}
