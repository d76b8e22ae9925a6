using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Cosmos.Network.Fuzz;
using Xunit;
using Xunit.Abstractions;

namespace Cosmos.Network.Tests;

/// <summary>A bounded run of the network fuzzer (Tests/Cosmos.Network.Fuzz) and checks of the fuzzer itself.</summary>
public class NetworkFuzzTests
{
    private readonly ITestOutputHelper _output;

    public NetworkFuzzTests(ITestOutputHelper output) => _output = output;

    private static readonly Lazy<SeedCorpus> s_corpus = new(() => SeedCorpus.Load(SeedCorpus.DefaultFolder()));

    /// <summary>
    /// The CI budget: 20,000 cases or 15 s, whichever comes first. Any crash, broken invariant or slow case fails the
    /// test with the case number to replay (dotnet run --project Tests/Cosmos.Network.Fuzz -- --seed S --first-case N --cases 1).
    /// Also checks that the cases reach deep: parsers accept some, the host delivers UDP, reassembles and answers
    /// pings, the DHCP client binds.
    /// </summary>
    [Fact]
    public void BoundedFuzzRunFindsNothing()
    {
        var engine = new FuzzEngine(s_corpus.Value);
        FuzzSummary s = engine.Run(new FuzzOptions { Cases = 20_000, Seed = 20261204, BudgetMs = 15_000, TimeLimitMs = 2000 });
        _output.WriteLine(s.ToString());
        Assert.True(s.FindingCount == 0, "fuzzer findings:\n" + string.Join("\n", s.Findings) + "\n" + s);
        Assert.True(s.Cases >= 1000, $"only {s.Cases} cases ran in the budget");
        foreach (IFuzzTarget t in engine.Targets) Assert.True(s.Outcomes.ContainsKey(t.Name), $"target {t.Name} never ran");
        long Outcome(string target, string prefix) => s.Outcomes[target].Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(kv => kv.Value);
        foreach (string t in new[] { "arp", "ipv4", "icmp", "udp", "dhcp", "dns" }) Assert.True(Outcome(t, "Ok") > 0, $"{t}: nothing parsed: the seeds or mutations are broken");
        foreach (string d in new[] { "ArpReceived", "FragmentsQueued", "EchoRequestsReceived", "UdpDelivered", "Malformed", "NotForUs" })
            Assert.True(Outcome("host", d) > 0, $"host: no frame ended as {d}");
        Assert.True(Outcome("dhcp-client", "Bound") + Outcome("dhcp-client", "Renewing") > 0, "the DHCP client never bound");
        Assert.True(Outcome("reassembly", "Complete") > 0, "the reassembler never completed a datagram");
        Assert.True(Outcome("dns-resolver", "cached") > 0, "no DNS answer reached the cache");
        Assert.True(Outcome("fragmentation", "fragmented") > 0, "nothing was sent fragmented");
    }

    [Fact]
    public void SeedsAreTheCapturedPcaps()
    {
        SeedCorpus c = s_corpus.Value;
        Assert.Equal(new[] { "arp-icmp.pcap", "dhcp.pcap", "dns.pcap", "fragments.pcap", "tcp.pcap", "udp.pcap" }, c.ByFile.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Contains(c.Frames, f => f.Layout.Arp >= 0);
        Assert.Contains(c.Frames, f => f.Layout.IsFragment);
        Assert.Contains(c.Frames, f => f.Layout.IpHeaderLength > 20);
        Assert.Contains(c.Frames, f => f.Layout.Dns >= 0);
        Assert.Contains(c.Frames, f => f.Layout.Dhcp >= 0);
        Assert.Contains(c.Frames, f => f.Layout.HasTransport && f.Layout.Protocol == IPProtocol.Tcp);
        // Every captured IPv4 datagram verifies as captured (the offloads were off).
        foreach (SeedFrame f in c.Frames.Where(f => f.Layout.Ip >= 0))
            Assert.Equal(ParseStatus.Ok, IPv4Header.TryParse(f.Data.AsSpan(14), out _, out _));
        // The pcap writer and reader agree.
        List<byte[]> frames = c.Frames.Select(f => f.Data).ToList();
        List<byte[]> again = Pcap.Read(Pcap.Write(frames));
        Assert.Equal(frames.Count, again.Count);
        for (int i = 0; i < frames.Count; i++) Assert.Equal(frames[i], again[i]);
        Assert.Throws<InvalidDataException>(() => Pcap.Read(new byte[10]));
    }

    [Fact]
    public void CasesAreReproducible()
    {
        SeedCorpus corpus = s_corpus.Value;
        Assert.Equal(FuzzEngine.CaseSeed(7, 1234), FuzzEngine.CaseSeed(7, 1234));
        Assert.NotEqual(FuzzEngine.CaseSeed(7, 1234), FuzzEngine.CaseSeed(7, 1235));
        Assert.NotEqual(FuzzEngine.CaseSeed(7, 1234), FuzzEngine.CaseSeed(8, 1234));
        List<byte[]> Frames(IFuzzTarget t, long n)
        {
            var rng = new Random(FuzzEngine.CaseSeed(7, n));
            List<SeedFrame> seeds = corpus.Frames.Where(t.Accepts).ToList();
            var c = new FuzzCase(n, rng, corpus, seeds[rng.Next(seeds.Count)]);
            t.Run(c);
            return c.Frames;
        }
        foreach (IFuzzTarget t in Check.AllTargets())
            for (long n = 0; n < 20; n++)
                Assert.Equal(Frames(t, n), Frames(t, n));
    }

    /// <summary>A target whose parser has a planted bug (a missing bounds check), and one that hangs: both are reported, with the frames saved.</summary>
    [Fact]
    public void FuzzerReportsCrashesAndHangs()
    {
        string dir = Path.Combine(Path.GetTempPath(), "cosmos-net-fuzz-" + Guid.NewGuid().ToString("N"));
        try
        {
            var engine = new FuzzEngine(s_corpus.Value, new List<IFuzzTarget> { new PlantedBugTarget() });
            FuzzSummary s = engine.Run(new FuzzOptions { Cases = 2000, Seed = 3, OutDir = dir, TimeLimitMs = 1000 });
            _output.WriteLine(s.ToString());
            Assert.Contains(s.Signatures.Keys, k => k.StartsWith("IndexOutOfRangeException planted", StringComparison.Ordinal));
            string saved = Directory.GetDirectories(Path.Combine(dir, "findings")).First();
            Assert.NotEmpty(Pcap.Read(File.ReadAllBytes(Path.Combine(saved, "case.pcap"))));
            Assert.Contains("replay: --seed 3 --first-case", File.ReadAllText(Path.Combine(saved, "description.txt")));

            // Over the per-case limit but ending: slow; stuck past the watchdog (4 × the limit, at least 1 s): a hang,
            // and the run goes on with the next case on a new worker.
            engine = new FuzzEngine(s_corpus.Value, new List<IFuzzTarget> { new SleepingTarget(200) });
            s = engine.Run(new FuzzOptions { Cases = 2, Seed = 3, TimeLimitMs = 50 });
            _output.WriteLine(s.ToString());
            Assert.Equal(2, s.Signatures.GetValueOrDefault("Slow sleeps: over 50 ms"));
            engine = new FuzzEngine(s_corpus.Value, new List<IFuzzTarget> { new SleepingTarget(1500) });
            s = engine.Run(new FuzzOptions { Cases = 2, Seed = 3, TimeLimitMs = 50 });
            _output.WriteLine(s.ToString());
            Assert.Equal(2, s.Signatures.GetValueOrDefault("Hang sleeps"));
            Assert.Equal(2, s.Cases);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    /// <summary>A DNS header "parser" that trusts QDCOUNT to index its input: the kind of bug the fuzzer is for.</summary>
    private sealed class PlantedBugTarget : IFuzzTarget
    {
        public string Name => "planted";
        public bool Accepts(SeedFrame seed) => seed.Layout.Dns >= 0;
        public string Run(FuzzCase c)
        {
            byte[] f = c.Mutate(c.Seed, FuzzLayer.Dns);
            FrameLayout l = FrameLayout.Of(f);
            if (l.Dns < 0 || l.Dns + 12 > f.Length) return "short";
            int qd = f[l.Dns + 4] << 8 | f[l.Dns + 5];
            return f[l.Dns + 12 + qd * 4].ToString(); // no bounds check
        }
    }

    private sealed class SleepingTarget : IFuzzTarget
    {
        private readonly int _ms;
        public SleepingTarget(int ms) => _ms = ms;
        public string Name => "sleeps";
        public bool Accepts(SeedFrame seed) => true;
        public string Run(FuzzCase c)
        {
            System.Threading.Thread.Sleep(_ms);
            return "woke";
        }
    }
}
