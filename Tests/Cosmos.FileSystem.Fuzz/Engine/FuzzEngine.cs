using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using Cosmos.FileSystem.Iso9660;
using Cosmos.FileSystem.Partitions;

namespace Cosmos.FileSystem.Fuzz;

/// <summary>How one case ended.</summary>
public enum FuzzOutcome
{
    /// <summary>Everything mounted (or was cleanly rejected) and every walk, read and write finished.</summary>
    Ok,
    /// <summary>Some operation ended in a <see cref="FileSystemException"/> (the documented failure).</summary>
    CleanError,
    /// <summary>Any other exception: a bug.</summary>
    Crash,
    /// <summary>The case passed its time limit: a hang.</summary>
    Hang,
}

/// <summary>A mounter the fuzzer tries on every volume it finds.</summary>
public sealed record FuzzMounter(string Name, Func<IBlockDevice, FileSystemVolume> Mount);

/// <summary>Run settings.</summary>
public sealed class FuzzOptions
{
    /// <summary>Number of cases to run.</summary>
    public long Cases { get; set; } = 1000;
    /// <summary>RNG seed; case N uses a generator derived from (Seed, N) only.</summary>
    public int Seed { get; set; } = 1;
    /// <summary>First case number (to replay one case: FirstCase = N, Cases = 1).</summary>
    public long FirstCase { get; set; }
    /// <summary>Per-case time limit in milliseconds (the watchdog).</summary>
    public int TimeLimitMs { get; set; } = 2000;
    /// <summary>Stop after this much wall time (0: no limit).</summary>
    public int BudgetMs { get; set; }
    /// <summary>Directory for failures (and the seed corpus under seeds/ unless <see cref="SeedsDir"/> is set).</summary>
    public string OutDir { get; set; } = "fuzz-out";
    /// <summary>Where seeds are made or reused.</summary>
    public string SeedsDir { get; set; }
    /// <summary>Progress lines go here (null: none).</summary>
    public TextWriter Log { get; set; }
    /// <summary>Failures saved per distinct signature (exception type + first frame).</summary>
    public int MaxSavedPerSignature { get; set; } = 3;
    /// <summary>Most hung worker threads abandoned before the run stops.</summary>
    public int MaxHungThreads { get; set; } = 3;
}

/// <summary>What a run found.</summary>
public sealed class FuzzSummary
{
    /// <summary>Cases run.</summary>
    public long Cases;
    /// <summary>Wall time.</summary>
    public TimeSpan Elapsed;
    /// <summary>Cases by outcome.</summary>
    public Dictionary<FuzzOutcome, long> ByOutcome = new();
    /// <summary>FileSystemException errors seen (every operation, not per case).</summary>
    public Dictionary<string, long> ByError = new();
    /// <summary>Mounts that succeeded, by mounter.</summary>
    public Dictionary<string, long> Mounted = new();
    /// <summary>Crash and hang descriptions (one line each, with the saved folder).</summary>
    public List<string> Failures = new();
    /// <summary>Distinct crash/hang signatures.</summary>
    public Dictionary<string, long> Signatures = new();
    /// <summary>Partition tables read, by kind ("Mbr", "Gpt", "None", "Gpt(backup)"), on the 512-byte view.</summary>
    public Dictionary<string, long> Tables = new();
    /// <summary>Partitions found and opened.</summary>
    public long Partitions;
    /// <summary>Directory entries listed by the walks.</summary>
    public long EntriesWalked;
    /// <summary>File bytes read by the walks.</summary>
    public long BytesRead;
    /// <summary>Why the run stopped early (budget or too many hung threads); null when it ran every case.</summary>
    public string StoppedBecause;

    /// <summary>Cases per second.</summary>
    public double CasesPerSecond => Elapsed.TotalSeconds > 0 ? Cases / Elapsed.TotalSeconds : 0;

    /// <inheritdoc/>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append($"{Cases} cases in {Elapsed.TotalSeconds:F1} s ({CasesPerSecond:F0} cases/s)");
        foreach (var kv in ByOutcome) sb.Append($", {kv.Key}: {kv.Value}");
        sb.AppendLine();
        sb.AppendLine($"  walked {EntriesWalked} directory entries, read {BytesRead / 1048576.0:F1} MiB of file data");
        sb.Append($"  partition tables:");
        foreach (var kv in Tables) sb.Append($" {kv.Key}={kv.Value}");
        sb.AppendLine($", partitions opened: {Partitions}");
        sb.Append("  mounted:");
        foreach (var kv in Mounted) sb.Append($" {kv.Key}={kv.Value}");
        sb.AppendLine();
        sb.Append("  FileSystemException kinds:");
        foreach (var kv in ByError) sb.Append($" {kv.Key}={kv.Value}");
        sb.AppendLine();
        sb.AppendLine($"  distinct failure signatures: {Signatures.Count}");
        foreach (var kv in Signatures) sb.AppendLine($"    {kv.Value} × {kv.Key}");
        if (StoppedBecause != null) sb.AppendLine("  stopped: " + StoppedBecause);
        return sb.ToString();
    }
}

/// <summary>
/// The storage fuzzer: for each case, a seed is mutated (deterministically from (seed, case number)), then the
/// partition table is read, every partition and the raw image are mounted with every registered mounter (512-byte
/// sectors, and 2048-byte sectors when the length allows), every directory is walked, every file read, and writable
/// volumes get a few writes and deletes. A case must end in success or <see cref="FileSystemException"/> within the
/// time limit; anything else is saved (image + mutation log + exception) under the output directory.
/// </summary>
public sealed class FuzzEngine
{
    /// <summary>The mounters tried on every volume (FAT12/16/32 and ISO9660).</summary>
    public List<FuzzMounter> Mounters { get; } = DefaultMounters();

    /// <summary>The registration list: every file system the fuzzer mounts.</summary>
    public static List<FuzzMounter> DefaultMounters() => new()
    {
        new FuzzMounter("ISO9660", dev => Iso9660FileSystem.Mount(dev)),
        new FuzzMounter("FAT", dev => Cosmos.FileSystem.Fat.FatFileSystem.Mount(dev, () => new DateTime(2026, 1, 2, 3, 4, 6, DateTimeKind.Utc))),
    };

    private const int MaxWalkDepth = 12;
    private const int MaxWalkEntries = 3000;
    private const long MaxReadBytesPerCase = 16L << 20;

    /// <summary>Runs <paramref name="options"/>.Cases cases over the seeds (built with the Debian tools when missing).</summary>
    /// <exception cref="InvalidOperationException">A Debian tool is missing (the message names the package).</exception>
    public FuzzSummary Run(FuzzOptions options, List<FuzzSeed> seeds = null)
    {
        Directory.CreateDirectory(options.OutDir);
        seeds ??= FuzzSeeds.Build(options.SeedsDir ?? Path.Combine(options.OutDir, "seeds"));
        if (options.Log != null)
            foreach (FuzzSeed sd in seeds)
                options.Log.WriteLine($"seed {sd.Name}: {sd.Data.Length / 1024} KiB, {sd.VolumeStarts.Count} volume(s), {sd.RecordOffsets.Count} directory records, {sd.FatRegions.Count} FAT region(s)");
        var summary = new FuzzSummary();
        foreach (FuzzOutcome o in Enum.GetValues<FuzzOutcome>()) summary.ByOutcome[o] = 0;
        var total = Stopwatch.StartNew();
        long lastProgress = 0;
        int hungThreads = 0;

        // One worker runs cases; this thread watches it. A case that does I/O past its limit is stopped by the
        // device (FuzzTimeoutException); one stuck in a CPU loop is abandoned with its thread (reported as a hang).
        long next = options.FirstCase, end = options.FirstCase + options.Cases;
        while (next < end)
        {
            var state = new WorkerState();
            long start = next;
            var thread = new Thread(() => WorkerLoop(state, options, seeds, start, end, summary)) { IsBackground = true, Name = "fuzz worker" };
            thread.Start();
            bool abandoned = false;
            while (!thread.Join(50))
            {
                if (options.BudgetMs > 0 && total.ElapsedMilliseconds > options.BudgetMs) state.Stop = true;
                long caseStart = Interlocked.Read(ref state.CaseStartTimestamp);
                if (caseStart != 0 && Stopwatch.GetElapsedTime(caseStart).TotalMilliseconds > options.TimeLimitMs * 2 + 1000)
                {
                    // Hard hang: no device request to interrupt. Record it and leave the thread behind; it records
                    // nothing more (it may finish after Run has returned and its output folder is gone).
                    lock (summary)
                    {
                        if (Interlocked.Read(ref state.CaseStartTimestamp) != caseStart) continue;   // it finished meanwhile
                        state.Abandoned = true;
                        RecordFailure(summary, options, state.CurrentSeed, state.CurrentCase, state.CurrentMutations, state.CurrentImage,
                            FuzzOutcome.Hang, "Hang (no device I/O)", $"case {state.CurrentCase} ran more than {options.TimeLimitMs * 2 + 1000} ms without finishing");
                        summary.Cases++;
                    }
                    hungThreads++;
                    abandoned = true;
                    next = state.CurrentCase + 1;
                    break;
                }
                if (options.Log != null && total.ElapsedMilliseconds - lastProgress >= 2000)
                {
                    lastProgress = total.ElapsedMilliseconds;
                    lock (summary)
                        options.Log.WriteLine($"[{total.Elapsed.TotalSeconds,6:F1}s] {summary.Cases} cases, {summary.Cases / Math.Max(0.001, total.Elapsed.TotalSeconds):F0}/s, crashes {summary.ByOutcome[FuzzOutcome.Crash]}, hangs {summary.ByOutcome[FuzzOutcome.Hang]}");
                }
            }
            if (!abandoned) break;
            if (hungThreads >= options.MaxHungThreads)
            {
                summary.StoppedBecause = $"{hungThreads} worker threads hung";
                break;
            }
        }
        if (options.BudgetMs > 0 && total.ElapsedMilliseconds > options.BudgetMs && summary.StoppedBecause == null && summary.Cases < options.Cases)
            summary.StoppedBecause = $"time budget of {options.BudgetMs} ms reached";
        summary.Elapsed = total.Elapsed;
        return summary;
    }

    private sealed class WorkerState
    {
        public long CaseStartTimestamp;
        public volatile bool Stop;
        /// <summary>Set by the watcher (under the summary lock) when it gives the thread up as hung.</summary>
        public bool Abandoned;
        public long CurrentCase;
        public FuzzSeed CurrentSeed;
        public List<string> CurrentMutations;
        public FuzzImage CurrentImage;
    }

    private void WorkerLoop(WorkerState state, FuzzOptions options, List<FuzzSeed> seeds, long start, long end, FuzzSummary summary)
    {
        for (long n = start; n < end && !state.Stop; n++)
        {
            var rng = new Random(CaseSeed(options.Seed, n));
            FuzzSeed seed = seeds[rng.Next(seeds.Count)];
            var image = new FuzzImage(seed.Data);
            List<string> mutations = rng.Next(20) == 0 ? new List<string> { "none" } : Mutator.Mutate(image, seed, seeds, rng);
            state.CurrentCase = n;
            state.CurrentSeed = seed;
            state.CurrentMutations = mutations;
            state.CurrentImage = image;
            var stats = new CaseStats();
            Interlocked.Exchange(ref state.CaseStartTimestamp, Stopwatch.GetTimestamp());
            FuzzOutcome outcome;
            string signature = null, detail = null;
            long deadline = Stopwatch.GetTimestamp() + (long)(options.TimeLimitMs * (Stopwatch.Frequency / 1000.0));
            try
            {
                RunCase(image, deadline, stats);
                outcome = stats.Errors.Count > 0 ? FuzzOutcome.CleanError : FuzzOutcome.Ok;
            }
            catch (FuzzTimeoutException e)
            {
                outcome = FuzzOutcome.Hang;
                signature = "Hang (device I/O past the limit) " + FirstFrame(e);
                detail = e.ToString();
            }
            catch (Exception e)
            {
                outcome = FuzzOutcome.Crash;
                signature = e.GetType().Name + " " + FirstFrame(e);
                detail = stats.Step + "\n" + e;
            }
            Interlocked.Exchange(ref state.CaseStartTimestamp, 0);
            lock (summary)
            {
                if (state.Abandoned) return;   // already reported as a hang by the watcher
                summary.Cases++;
                if (outcome == FuzzOutcome.Crash || outcome == FuzzOutcome.Hang)
                    RecordFailure(summary, options, seed, n, mutations, image, outcome, signature, detail);
                else
                    summary.ByOutcome[outcome]++;
                foreach (string err in stats.Errors) summary.ByError[err] = summary.ByError.GetValueOrDefault(err) + 1;
                foreach (string m in stats.Mounted) summary.Mounted[m] = summary.Mounted.GetValueOrDefault(m) + 1;
                summary.EntriesWalked += stats.Entries;
                if (stats.Table != null) summary.Tables[stats.Table] = summary.Tables.GetValueOrDefault(stats.Table) + 1;
                summary.Partitions += stats.Partitions;
                summary.BytesRead += stats.BytesRead;
            }
        }
    }

    /// <summary>Runs one case on a saved image without mutating it (to replay a failure's image.bin); returns the outcome and detail.</summary>
    public (FuzzOutcome outcome, string detail) RunImage(byte[] image, int timeLimitMs)
    {
        var stats = new CaseStats();
        long deadline = Stopwatch.GetTimestamp() + (long)(timeLimitMs * (Stopwatch.Frequency / 1000.0));
        try
        {
            RunCase(new FuzzImage(image), deadline, stats);
            return (stats.Errors.Count > 0 ? FuzzOutcome.CleanError : FuzzOutcome.Ok, string.Join(", ", stats.Errors));
        }
        catch (FuzzTimeoutException e)
        {
            return (FuzzOutcome.Hang, e.ToString());
        }
        catch (Exception e)
        {
            return (FuzzOutcome.Crash, stats.Step + "\n" + e);
        }
    }

    /// <summary>The RNG seed of case <paramref name="n"/> (SplitMix64 of the pair).</summary>
    public static int CaseSeed(int seed, long n)
    {
        ulong z = (ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)n + 0x632BE59BD9B4E019UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)(z ^ (z >> 31));
    }

    private static string FirstFrame(Exception e)
    {
        string st = e.StackTrace ?? "";
        foreach (string line in st.Split('\n'))
        {
            string t = line.Trim();
            if (t.Contains("FuzzBlockDevice", StringComparison.Ordinal) || t.Contains("FuzzImage", StringComparison.Ordinal)) continue;
            if (t.StartsWith("at ", StringComparison.Ordinal) && !t.Contains("System.", StringComparison.Ordinal) || t.Contains("Cosmos.", StringComparison.Ordinal))
            {
                int paren = t.IndexOf(" in ", StringComparison.Ordinal);
                return paren > 0 ? t.Substring(0, paren) : t;
            }
        }
        return "(no frame)";
    }

    private static void RecordFailure(FuzzSummary summary, FuzzOptions options, FuzzSeed seed, long n, List<string> mutations,
        FuzzImage image, FuzzOutcome outcome, string signature, string detail)
    {
        summary.ByOutcome[outcome]++;
        long seen = summary.Signatures.GetValueOrDefault(signature) + 1;
        summary.Signatures[signature] = seen;
        string where = "(not saved: signature already saved)";
        if (seen <= options.MaxSavedPerSignature)
        {
            string dir = Path.Combine(options.OutDir, "failures", $"seed{options.Seed}-case{n}");
            Directory.CreateDirectory(dir);
            try { File.WriteAllBytes(Path.Combine(dir, "image.bin"), image.ToArray()); } catch (Exception) { }
            File.WriteAllText(Path.Combine(dir, "description.txt"),
                $"outcome: {outcome}\nseed image: {seed?.Name}\nrng seed: {options.Seed}\ncase: {n}\nreplay: --seed {options.Seed} --first-case {n} --cases 1\nmutations:\n  {string.Join("\n  ", mutations ?? new List<string>())}\n\n{detail}\n");
            where = dir;
        }
        summary.Failures.Add($"case {n} ({seed?.Name}): {signature} -> {where}");
        options.Log?.WriteLine($"FAILURE case {n} ({seed?.Name}): {signature}");
    }

    private sealed class CaseStats
    {
        public readonly List<string> Errors = new();
        public readonly List<string> Mounted = new();
        public string Step = "";
        public string Table;
        public int Partitions;
        public long BytesRead;
        public int Entries;
        /// <summary>The case's deadline (Stopwatch timestamp).</summary>
        public long Deadline = long.MaxValue;
    }

    /// <summary>
    /// A file system may turn the device's <see cref="FuzzTimeoutException"/> into its own error (FAT reports any
    /// device failure as DeviceError, or as a failed mount); past the deadline that is still a hang, not a clean error.
    /// </summary>
    private static void CheckDeadline(CaseStats stats, FileSystemException e = null)
    {
        if (Stopwatch.GetTimestamp() > stats.Deadline)
            throw new FuzzTimeoutException($"time limit passed at {stats.Step}" + (e != null ? $" (reported as {e.Error}: {e.Message})" : ""));
    }

    private void RunCase(FuzzImage image, long deadline, CaseStats stats)
    {
        stats.Deadline = deadline;
        var disk = new FuzzBlockDevice(image, 512, deadline, readOnly: false);
        var volumes = new List<(string, IBlockDevice)>();
        stats.Step = "PartitionTable.Read";
        PartitionTableInfo table = Try(stats, () => PartitionTable.Read(disk));
        if (table != null)
        {
            stats.Table = table.Kind + (table.UsedBackupGpt ? "(backup)" : "");
            stats.Partitions = table.Partitions.Count;
            foreach (string w in table.Warnings) _ = w.Length;
            foreach (PartitionInfo p in table.Partitions)
            {
                stats.Step = $"PartitionTable.Open {p}";
                volumes.Add(($"partition {p.Index}", PartitionTable.Open(disk, p)));
            }
        }
        volumes.Add(("raw/512", disk));
        if (image.Length % 2048 == 0)
        {
            var cd = new FuzzBlockDevice(image, 2048, deadline, readOnly: false);
            volumes.Add(("raw/2048", cd));
            // The partition reader on 2048-byte sectors too (hybrid ISOs, odd media); its partitions are not mounted.
            stats.Step = "PartitionTable.Read (2048-byte sectors)";
            Try(stats, () => PartitionTable.Read(cd));
        }

        foreach (var (where, dev) in volumes)
        {
            foreach (FuzzMounter m in Mounters)
            {
                stats.Step = $"{m.Name}.Mount({where})";
                FileSystemVolume vol = Try(stats, () => m.Mount(dev));
                if (vol == null) continue;
                stats.Mounted.Add(m.Name);
                stats.Step = $"{m.Name} properties ({where})";
                _ = vol.Label; _ = vol.TotalSize; _ = vol.AvailableFreeSpace; _ = vol.TypeName;
                foreach (string w in vol.Warnings) _ = w.Length;
                Walk(vol, "", 0, stats, m.Name + " " + where);
                if (!vol.IsReadOnly)
                {
                    Scribble(vol, stats, m.Name + " " + where);
                    // Oracle: a volume that mounted writable (it passed the mount checks) and stayed writable through
                    // the writes (no corruption met) must mount writable again: the writes kept it consistent.
                    if (!vol.IsReadOnly)
                    {
                        stats.Step = $"{m.Name}.Mount({where}) after writes";
                        string why = null;
                        FileSystemVolume again = Try(stats, () =>
                        {
                            try { return m.Mount(dev); }
                            catch (FileSystemException e) { why = e.Message; throw; }
                        });
                        CheckDeadline(stats);
                        if (again == null)
                            throw new InvalidOperationException($"{m.Name} {where}: the written volume no longer mounts: {why}");
                        if (again.IsReadOnly)
                            throw new InvalidOperationException($"{m.Name} {where}: the written volume remounts read-only: {string.Join("; ", again.Warnings)}");
                    }
                }
            }
        }

        // The partition writer on the (private) mutated disk: a table that read cleanly must take a new partition or
        // refuse with a FileSystemException, read back cleanly with it, and read back empty after Clear.
        if (table != null && table.Kind != PartitionTableKind.None && table.Warnings.Count == 0)
        {
            stats.Step = "PartitionTable.CreatePartition";
            PartitionInfo created = Try(stats, () => PartitionTable.CreatePartition(disk, 1, 0x0C, default, "fuzz"));
            if (created != null)
            {
                PartitionTableInfo again = PartitionTable.Read(disk);
                if (again.Warnings.Count != 0)
                    throw new InvalidOperationException($"table reads with warnings after CreatePartition: {again.Warnings[0]}");
                bool found = false;
                foreach (PartitionInfo p in again.Partitions)
                {
                    if (p.FirstLba == created.FirstLba && p.SectorCount == created.SectorCount) { found = true; continue; }
                    if (p.FirstLba < created.FirstLba + created.SectorCount && created.FirstLba < p.FirstLba + p.SectorCount)
                        throw new InvalidOperationException($"new partition {created} overlaps {p}");
                }
                if (!found) throw new InvalidOperationException($"new partition {created} not read back");
            }
            stats.Step = "PartitionTable.Clear";
            Try(stats, () => PartitionTable.Clear(disk));
            PartitionTableInfo cleared = PartitionTable.Read(disk);
            if (cleared.Partitions.Count != 0 && cleared.Warnings.Count == 0)
                throw new InvalidOperationException($"{cleared.Partitions.Count} partitions left after Clear");
        }
    }

    private static T Try<T>(CaseStats stats, Func<T> f) where T : class
    {
        try
        {
            return f();
        }
        catch (FileSystemException e)
        {
            CheckDeadline(stats, e);
            stats.Errors.Add(e.Error.ToString());
            return null;
        }
    }

    private static void Try(CaseStats stats, Action f)
    {
        try
        {
            f();
        }
        catch (FileSystemException e)
        {
            CheckDeadline(stats, e);
            stats.Errors.Add(e.Error.ToString());
        }
    }

    private static void Walk(FileSystemVolume vol, string dir, int depth, CaseStats stats, string where)
    {
        if (depth > MaxWalkDepth || stats.Entries > MaxWalkEntries) return;
        stats.Step = $"{where}: ListDirectory('{dir}')";
        IReadOnlyList<FileEntryInfo> entries = Try(stats, () => vol.ListDirectory(dir));
        if (entries == null) return;
        var buffer = new byte[65536];
        foreach (FileEntryInfo e in entries)
        {
            if (++stats.Entries > MaxWalkEntries) return;
            if (e.Name == null) throw new InvalidOperationException($"{where}: null name in '{dir}'");
            string path = dir.Length == 0 ? e.Name : dir + "/" + e.Name;
            stats.Step = $"{where}: GetEntry('{path}')";
            Try(stats, () =>
            {
                // Oracle: what a listing shows, a lookup finds (names compare case-insensitively, so a duplicate may
                // resolve to its twin: only existence and kind of the name are checked).
                FileEntryInfo? got = vol.GetEntry(path);
                if (got == null) throw new InvalidOperationException($"{where}: '{path}' is listed but GetEntry finds nothing");
            });
            if (e.IsDirectory)
            {
                Walk(vol, path, depth + 1, stats, where);
                continue;
            }
            stats.Step = $"{where}: read '{path}'";
            Try(stats, () =>
            {
                using FileSystemFile f = vol.OpenFile(path, false);
                long offset = 0;
                while (stats.BytesRead < MaxReadBytesPerCase)
                {
                    int n = f.Read(offset, buffer);
                    if (n < 0 || n > buffer.Length) throw new InvalidOperationException($"Read returned {n}");
                    if (n == 0) break;
                    offset += n;
                    stats.BytesRead += n;
                }
                // Oracle: a file reads exactly Length bytes (a short read before the end must be an exception instead).
                if (offset > f.Length || (stats.BytesRead < MaxReadBytesPerCase && offset != f.Length))
                    throw new InvalidOperationException($"{where}: read {offset} bytes from '{path}' of length {f.Length}");
            });
        }
    }

    /// <summary>A few writes and deletes on a writable volume (the image is the case's private copy).</summary>
    private static void Scribble(FileSystemVolume vol, CaseStats stats, string where)
    {
        stats.Step = $"{where}: writes";
        Try(stats, () => vol.CreateDirectory("fuzzdir"));
        Try(stats, () => vol.CreateFile("fuzzdir/new file.txt"));
        Try(stats, () =>
        {
            using FileSystemFile f = vol.OpenFile("fuzzdir/new file.txt", true);
            var data = new byte[5000];
            for (int i = 0; i < data.Length; i++) data[i] = (byte)i;
            f.Write(0, data);
            f.Write(10000, data.AsSpan(0, 100));
            f.SetLength(7000);
        });
        IReadOnlyList<FileEntryInfo> root = Try(stats, () => vol.ListDirectory(""));
        if (root != null)
            foreach (FileEntryInfo e in root)
                if (!e.IsDirectory) { Try(stats, () => vol.DeleteFile(e.Name)); break; }
        Try(stats, () => vol.Rename("fuzzdir/new file.txt", "renamed.txt", true));
        Try(stats, () => vol.Flush());
        Walk(vol, "", 0, stats, where + " after writes");
    }
}
