using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace Cosmos.Network.Fuzz;

/// <summary>Run settings.</summary>
public sealed class FuzzOptions
{
    /// <summary>Number of cases.</summary>
    public long Cases { get; set; } = 100_000;
    /// <summary>Run seed: case N depends on (Seed, N) only.</summary>
    public int Seed { get; set; } = 1;
    /// <summary>First case number (to replay case N: FirstCase = N, Cases = 1).</summary>
    public long FirstCase { get; set; }
    /// <summary>Per-case time limit in milliseconds: a case over it is a finding (hang or pathological slowness).</summary>
    public int TimeLimitMs { get; set; } = 1000;
    /// <summary>Stop after this much wall time (0: no limit).</summary>
    public int BudgetMs { get; set; }
    /// <summary>Only these targets (null or empty: all).</summary>
    public List<string> Targets { get; set; }
    /// <summary>Where failures are saved (null: not saved).</summary>
    public string OutDir { get; set; }
    /// <summary>Failures saved per distinct signature.</summary>
    public int MaxSavedPerSignature { get; set; } = 3;
    /// <summary>Progress lines (null: none).</summary>
    public TextWriter Log { get; set; }
}

/// <summary>What a run found.</summary>
public sealed class FuzzSummary
{
    /// <summary>Cases run.</summary>
    public long Cases;
    /// <summary>Frames fed to the code under test.</summary>
    public long Frames;
    /// <summary>Wall time.</summary>
    public TimeSpan Elapsed;
    /// <summary>Outcomes per target ("dns" → {"Ok": n, "BadField": m}).</summary>
    public SortedDictionary<string, SortedDictionary<string, long>> Outcomes = new SortedDictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal);
    /// <summary>Findings per signature (exception type or invariant, and where).</summary>
    public SortedDictionary<string, long> Signatures = new SortedDictionary<string, long>(StringComparer.Ordinal);
    /// <summary>One line per saved or first-seen finding: signature, case number, folder.</summary>
    public List<string> Findings = new List<string>();
    /// <summary>Slowest case (milliseconds) and its number.</summary>
    public double SlowestMs;
    /// <summary>The number of the slowest case.</summary>
    public long SlowestCase;
    /// <summary>Why the run stopped early, or null.</summary>
    public string StoppedBecause;

    /// <summary>Total findings.</summary>
    public long FindingCount => Signatures.Values.Sum();
    /// <summary>Cases per second.</summary>
    public double CasesPerSecond => Elapsed.TotalSeconds > 0 ? Cases / Elapsed.TotalSeconds : 0;

    /// <inheritdoc/>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{Cases} cases ({Frames} frames) in {Elapsed.TotalSeconds:F1} s: {CasesPerSecond:F0} cases/s; findings: {FindingCount} ({Signatures.Count} distinct); slowest case {SlowestCase}: {SlowestMs:F1} ms");
        foreach (var t in Outcomes)
            sb.AppendLine($"  {t.Key,-12} " + string.Join(", ", t.Value.Select(kv => $"{kv.Key} {kv.Value}")));
        foreach (var kv in Signatures) sb.AppendLine($"  FINDING {kv.Value} × {kv.Key}");
        if (StoppedBecause != null) sb.AppendLine("  stopped: " + StoppedBecause);
        return sb.ToString();
    }
}

/// <summary>
/// The network fuzzer: case N draws a target and a seed frame with a generator seeded from (run seed, N), lets the
/// target mutate and run it, and records the outcome. A case that throws anything (other than what a target treats
/// as documented), breaks an invariant, or runs past the time limit is a finding: saved as case.pcap (the frames
/// fed, in order) and description.txt (seed, case number, target, mutation log, exception) under OutDir/findings.
/// Cases run on a worker thread watched by the calling one, so a case stuck in a loop is reported and abandoned.
/// </summary>
public sealed class FuzzEngine
{
    /// <summary>Creates an engine over <paramref name="corpus"/> with <paramref name="targets"/> (default: every target).</summary>
    public FuzzEngine(SeedCorpus corpus, List<IFuzzTarget> targets = null)
    {
        Corpus = corpus;
        Targets = targets ?? Check.AllTargets();
    }

    /// <summary>The seeds.</summary>
    public SeedCorpus Corpus { get; }
    /// <summary>The targets.</summary>
    public List<IFuzzTarget> Targets { get; }

    /// <summary>The generator seed of case <paramref name="n"/> of run <paramref name="seed"/> (a 64-bit mix of both, folded to 32 bits).</summary>
    public static int CaseSeed(int seed, long n)
    {
        ulong x = ((ulong)(uint)seed << 32) ^ (ulong)n ^ 0xD1B54A32D192ED03UL;
        x ^= x >> 33; x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33; x *= 0xC4CEB9FE1A85EC53UL;
        x ^= x >> 33;
        return (int)(x ^ (x >> 32));
    }

    private sealed class Worker
    {
        public long CaseStart;      // Stopwatch timestamp of the running case, 0 between cases
        public long CurrentCase;
        public volatile bool Stop;
        public volatile bool Abandoned;  // reported as hung: if it ever wakes up it records nothing and ends
        public FuzzCase Current;
        public IFuzzTarget CurrentTarget;
    }

    /// <summary>Runs the cases of <paramref name="options"/>.</summary>
    public FuzzSummary Run(FuzzOptions options)
    {
        List<IFuzzTarget> targets = Targets;
        if (options.Targets != null && options.Targets.Count > 0)
        {
            targets = Targets.Where(t => options.Targets.Contains(t.Name)).ToList();
            if (targets.Count == 0) throw new ArgumentException("no such target: " + string.Join(", ", options.Targets) + " (have " + string.Join(", ", Targets.Select(t => t.Name)) + ")");
        }
        var seedsFor = new Dictionary<IFuzzTarget, List<SeedFrame>>();
        foreach (IFuzzTarget t in targets)
        {
            List<SeedFrame> s = Corpus.Frames.Where(t.Accepts).ToList();
            seedsFor[t] = s.Count > 0 ? s : Corpus.Frames;
        }
        var summary = new FuzzSummary();
        var total = Stopwatch.StartNew();
        long next = options.FirstCase, end = options.FirstCase + options.Cases;
        int abandoned = 0;
        long lastProgress = 0;
        while (next < end)
        {
            var w = new Worker();
            long start = next;
            var thread = new Thread(() => WorkerLoop(w, options, targets, seedsFor, start, end, summary)) { IsBackground = true, Name = "net fuzz worker" };
            thread.Start();
            bool hung = false;
            while (!thread.Join(20))
            {
                if (options.BudgetMs > 0 && total.ElapsedMilliseconds > options.BudgetMs) w.Stop = true;
                long cs = Interlocked.Read(ref w.CaseStart);
                if (cs != 0 && Stopwatch.GetElapsedTime(cs).TotalMilliseconds > HangMs(options))
                {
                    // Stuck: report it and leave the thread behind (it is a background thread).
                    lock (summary)
                    {
                        if (Interlocked.Read(ref w.CaseStart) != cs) continue; // it finished meanwhile
                        w.Abandoned = true; w.Stop = true;
                        summary.Cases++;
                        Record(summary, options, w.CurrentTarget, w.Current, "Hang " + w.CurrentTarget?.Name,
                            $"case {w.CurrentCase} still running after {HangMs(options)} ms");
                    }
                    next = w.CurrentCase + 1;
                    hung = true;
                    abandoned++;
                    break;
                }
                if (options.Log != null && total.ElapsedMilliseconds - lastProgress >= 5000)
                {
                    lastProgress = total.ElapsedMilliseconds;
                    lock (summary)
                        options.Log.WriteLine($"[{total.Elapsed.TotalSeconds,6:F1} s] {summary.Cases} cases, {summary.Cases / Math.Max(0.001, total.Elapsed.TotalSeconds):F0}/s, findings {summary.FindingCount}");
                }
            }
            if (!hung) break;
            if (abandoned >= 3) { summary.StoppedBecause = "3 cases hung"; break; }
        }
        if (summary.StoppedBecause == null && summary.Cases < options.Cases && options.BudgetMs > 0)
            summary.StoppedBecause = $"time budget of {options.BudgetMs} ms reached";
        summary.Elapsed = total.Elapsed;
        return summary;
    }

    // A case still running after this long is abandoned as a hang (one over TimeLimitMs that ends is reported as slow).
    private static int HangMs(FuzzOptions o) => Math.Max(1000, o.TimeLimitMs * 4);

    private void WorkerLoop(Worker w, FuzzOptions options, List<IFuzzTarget> targets, Dictionary<IFuzzTarget, List<SeedFrame>> seedsFor,
        long start, long end, FuzzSummary summary)
    {
        for (long n = start; n < end && !w.Stop; n++)
        {
            var rng = new Random(CaseSeed(options.Seed, n));
            IFuzzTarget target = targets[rng.Next(targets.Count)];
            List<SeedFrame> seeds = seedsFor[target];
            var c = new FuzzCase(n, rng, Corpus, seeds[rng.Next(seeds.Count)]);
            w.Current = c; w.CurrentTarget = target; w.CurrentCase = n;
            long t0 = Stopwatch.GetTimestamp();
            Interlocked.Exchange(ref w.CaseStart, t0);
            string outcome = null, signature = null, detail = null;
            try
            {
                outcome = target.Run(c);
            }
            catch (FuzzInvariantException e)
            {
                signature = $"Invariant {target.Name}: {Generalise(e.Message)}";
                detail = e.ToString();
            }
            catch (Exception e)
            {
                signature = $"{e.GetType().Name} {target.Name} at {FirstFrame(e)}";
                detail = e.ToString();
            }
            double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            lock (summary)
            {
                // The watchdog decides under the same lock: either it abandoned this case already, or it never will.
                if (w.Abandoned) return;
                Interlocked.Exchange(ref w.CaseStart, 0);
            }
            if (signature == null && ms > options.TimeLimitMs)
            {
                signature = $"Slow {target.Name}: over {options.TimeLimitMs} ms";
                detail = $"case took {ms:F0} ms (limit {options.TimeLimitMs} ms)";
            }
            lock (summary)
            {
                summary.Cases++;
                summary.Frames += c.Frames.Count;
                if (ms > summary.SlowestMs) { summary.SlowestMs = ms; summary.SlowestCase = n; }
                if (signature != null) Record(summary, options, target, c, signature, detail);
                else
                {
                    if (!summary.Outcomes.TryGetValue(target.Name, out var o)) summary.Outcomes[target.Name] = o = new SortedDictionary<string, long>(StringComparer.Ordinal);
                    o[outcome ?? "?"] = o.GetValueOrDefault(outcome ?? "?") + 1;
                }
            }
        }
    }

    // Numbers in invariant messages vary per case; the signature keeps the words.
    private static string Generalise(string message)
    {
        var sb = new StringBuilder();
        foreach (char ch in message.Length > 120 ? message.Substring(0, 120) : message)
            if (!char.IsDigit(ch)) sb.Append(ch); else if (sb.Length == 0 || sb[^1] != '#') sb.Append('#');
        return sb.ToString();
    }

    private static string FirstFrame(Exception e)
    {
        foreach (string line in (e.StackTrace ?? "").Split('\n'))
        {
            string t = line.Trim();
            if (t.Contains("Cosmos.Network", StringComparison.Ordinal))
            {
                int i = t.IndexOf(" in ", StringComparison.Ordinal);
                if (i > 0) t = t.Substring(0, i);
                return t.StartsWith("at ", StringComparison.Ordinal) ? t.Substring(3) : t;
            }
        }
        return "(no Cosmos frame)";
    }

    private static string Restriction(FuzzOptions o)
        => o.Targets == null || o.Targets.Count == 0 ? "" : " --target " + string.Join(" --target ", o.Targets);

    private static void Record(FuzzSummary summary, FuzzOptions options, IFuzzTarget target, FuzzCase c, string signature, string detail)
    {
        long seen = summary.Signatures.GetValueOrDefault(signature);
        summary.Signatures[signature] = seen + 1;
        if (seen >= options.MaxSavedPerSignature) return;
        string folder = null;
        if (options.OutDir != null && c != null)
        {
            folder = Path.Combine(options.OutDir, "findings", $"{target?.Name}-seed{options.Seed}-case{c.Number}");
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, "case.pcap"), Pcap.Write(c.Frames));
            File.WriteAllText(Path.Combine(folder, "description.txt"),
                $"{signature}\nreplay: --seed {options.Seed} --first-case {c.Number} --cases 1{Restriction(options)}\ntarget: {target?.Name}\nseed frame: {c.Seed}\n\nsteps:\n  "
                + string.Join("\n  ", c.Log) + "\n\n" + detail + "\n");
        }
        summary.Findings.Add($"{signature} — case {c?.Number}{(folder != null ? " — " + folder : "")}\n    {(detail ?? "").Split('\n')[0]}");
    }
}
