using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Cosmos.FileSystem.Fuzz;
using Xunit;
using Xunit.Abstractions;

namespace Cosmos.FileSystem.Tests;

public class FuzzTests
{
    private readonly ITestOutputHelper _output;

    public FuzzTests(ITestOutputHelper output) => _output = output;

    private static readonly Lazy<(string dir, List<FuzzSeed> seeds)> s_seeds = new(() =>
    {
        foreach (string tool in new[] { "mkfs.fat", "mcopy", "mmd", "xorriso", "sfdisk" }) HostTools.Require(tool);
        // The seeds are loaded into memory by Build, so their directory goes at once (the test host may be killed
        // rather than exit, so no exit hook would be reliable).
        string dir = Path.Combine(Path.GetTempPath(), "cosmos-fs-fuzz-seeds-" + Guid.NewGuid().ToString("N"));
        try
        {
            return (dir, FuzzSeeds.Build(dir));
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    });

    private static FuzzOptions Options(string outDir, long cases, int budgetMs, int limitMs = 2000) => new()
    {
        Cases = cases,
        Seed = 20261204,
        BudgetMs = budgetMs,
        TimeLimitMs = limitMs,
        OutDir = outDir,
    };

    /// <summary>
    /// The CI budget: ~3,000 cases or 30 s, whichever comes first; any crash or hang fails with its saved folder. The
    /// per-case limit is 10 s here (2 s in the fuzz command): the test shares the cores with booting kernels, and a few
    /// legitimate cases (a FAT16 root claiming 65,535 entries) take over 2 s on a loaded machine; a real hang still trips it.
    /// </summary>
    [Fact]
    public void BoundedFuzzRunEndsCleanly()
    {
        var (_, seeds) = s_seeds.Value;
        Assert.Equal(8, seeds.Count);
        using var dir = new HostTools.TempDir();
        var engine = new FuzzEngine();
        FuzzSummary s = engine.Run(Options(dir.Path, 3000, 30_000, limitMs: 10_000), seeds);
        _output.WriteLine(s.ToString());
        Assert.True(s.ByOutcome[FuzzOutcome.Crash] + s.ByOutcome[FuzzOutcome.Hang] == 0,
            "fuzzer failures:\n" + string.Join("\n", s.Failures) + "\n" + s);
        Assert.True(s.Cases >= 500, $"only {s.Cases} cases ran in the budget");
        Assert.True(s.Mounted.GetValueOrDefault("ISO9660") > 0, "no ISO9660 volume mounted: the corpus or the mutations are broken");
        Assert.True(s.Mounted.GetValueOrDefault("FAT") > 0, "no FAT volume mounted: the corpus or the mutations are broken");
        Assert.True(s.EntriesWalked > 0 && s.BytesRead > 0);
    }

    /// <summary>The fuzzer itself: a mounter that crashes, one that hangs in I/O and one that spins are all caught and saved.</summary>
    [Fact]
    public void FuzzerReportsCrashesAndHangs()
    {
        var (_, seeds) = s_seeds.Value;
        using var dir = new HostTools.TempDir();
        var engine = new FuzzEngine();
        engine.Mounters.Clear();
        engine.Mounters.Add(new FuzzMounter("crashy", dev =>
        {
            var b = new byte[dev.SectorSize];
            dev.Read(0, b);
            if (b[0] == 0xEB) throw new NullReferenceException("planted bug");
            throw new FileSystemException(FileSystemError.Corrupt, "", "not mine");
        }));
        FuzzSummary s = engine.Run(Options(dir.Path, 200, 30_000), seeds);
        _output.WriteLine(s.ToString());
        Assert.True(s.ByOutcome[FuzzOutcome.Crash] > 0);
        Assert.Contains(s.Signatures.Keys, k => k.StartsWith("NullReferenceException", StringComparison.Ordinal));
        string saved = Directory.GetDirectories(Path.Combine(dir.Path, "failures")).First();
        Assert.True(File.Exists(Path.Combine(saved, "image.bin")));
        Assert.Contains("mutations:", File.ReadAllText(Path.Combine(saved, "description.txt")));

        engine.Mounters.Clear();
        engine.Mounters.Add(new FuzzMounter("io-loop", dev =>
        {
            var b = new byte[dev.SectorSize];
            while (true) dev.Read(0, b);
        }));
        s = engine.Run(Options(Path.Combine(dir.Path, "io"), 3, 30_000, limitMs: 100), seeds);
        _output.WriteLine(s.ToString());
        Assert.Equal(3, s.ByOutcome[FuzzOutcome.Hang]);

        engine.Mounters.Clear();
        // A loop without device I/O; it sleeps rather than spins, so its abandoned workers cost no CPU (the whole test
        // run shares two cores). The engine calls a case without I/O a hang after 2 × limit + 1 s; it ends well after that.
        var stop = DateTime.UtcNow.AddSeconds(4);
        engine.Mounters.Add(new FuzzMounter("no-io-loop", dev =>
        {
            while (DateTime.UtcNow < stop) Thread.Sleep(10);
            throw new FileSystemException(FileSystemError.Corrupt, "", "done looping");
        }));
        s = engine.Run(Options(Path.Combine(dir.Path, "cpu"), 2, 30_000, limitMs: 100), seeds);
        _output.WriteLine(s.ToString());
        Assert.True(s.ByOutcome[FuzzOutcome.Hang] >= 1);
        Assert.Contains(s.Signatures.Keys, k => k.Contains("no device I/O"));

        // The abandoned threads end once the spin stops; they must record nothing more after Run has returned (they
        // used to save their cases again into the output folder, after the caller had deleted it).
        long cases = s.Cases;
        string[] savedHangs = Directory.GetDirectories(Path.Combine(dir.Path, "cpu", "failures"));
        Directory.Delete(Path.Combine(dir.Path, "cpu"), true);
        Thread.Sleep(TimeSpan.FromMilliseconds(Math.Max(0, (stop - DateTime.UtcNow).TotalMilliseconds + 1000)));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "cpu")), "an abandoned worker wrote into the output folder after Run returned");
        Assert.Equal(cases, s.Cases);
        Assert.NotEmpty(savedHangs);
    }

    /// <summary>
    /// The remount oracle: a volume that was writable, took the writes and stayed writable must mount writable again.
    /// The planted mounter answers a second mount of the same device read-only, as if the writes had broken it.
    /// </summary>
    [Fact]
    public void FuzzerReportsWritesThatBreakTheVolume()
    {
        var (_, seeds) = s_seeds.Value;
        using var dir = new HostTools.TempDir();
        var engine = new FuzzEngine();
        engine.Mounters.Clear();
        var mounted = new System.Runtime.CompilerServices.ConditionalWeakTable<IBlockDevice, object>();
        engine.Mounters.Add(new FuzzMounter("breaks-on-write", dev =>
        {
            if (mounted.TryAdd(dev, null)) return Cosmos.FileSystem.Fat.FatFileSystem.Mount(dev);
            var copy = new byte[(long)dev.SectorCount * dev.SectorSize];
            dev.Read(0, copy);
            return Cosmos.FileSystem.Fat.FatFileSystem.Mount(new MemoryBlockDevice(copy, dev.SectorSize, readOnly: true));
        }));
        FuzzSummary s = engine.Run(Options(dir.Path, 60, 60_000), seeds);
        _output.WriteLine(s.ToString());
        Assert.True(s.ByOutcome[FuzzOutcome.Crash] > 0);
        Assert.Contains(s.Signatures.Keys, k => k.StartsWith("InvalidOperationException", StringComparison.Ordinal));
        string saved = Directory.GetDirectories(Path.Combine(dir.Path, "failures")).First();
        Assert.Contains("remounts read-only", File.ReadAllText(Path.Combine(saved, "description.txt")));
    }

    [Fact]
    public void CasesAreReproducible()
    {
        var (_, seeds) = s_seeds.Value;
        Assert.Equal(FuzzEngine.CaseSeed(5, 123), FuzzEngine.CaseSeed(5, 123));
        Assert.NotEqual(FuzzEngine.CaseSeed(5, 123), FuzzEngine.CaseSeed(5, 124));
        byte[] Make(long n)
        {
            var rng = new Random(FuzzEngine.CaseSeed(5, n));
            FuzzSeed seed = seeds[rng.Next(seeds.Count)];
            var img = new FuzzImage(seed.Data);
            Mutator.Mutate(img, seed, seeds, rng);
            return img.ToArray();
        }
        Assert.Equal(Make(77), Make(77));
    }
}
