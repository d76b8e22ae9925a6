using System;
using System.Collections.Generic;
using System.Linq;

namespace Cosmos.Network.Fuzz;

/// <summary>
/// One thing the fuzzer exercises (a parser, the host's receive path, the DHCP client). Targets are found by
/// reflection: a public non-abstract class with a parameterless constructor implementing this interface is a target,
/// so a new one (TCP) is one new file under Engine/Targets.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>Short unique name (used by --target and in reports).</summary>
    string Name { get; }

    /// <summary>True when <paramref name="seed"/> is a useful starting point for this target (e.g. DNS frames for the DNS parser).</summary>
    bool Accepts(SeedFrame seed);

    /// <summary>
    /// Runs one case: mutates <see cref="FuzzCase.Seed"/> (through <see cref="FuzzCase.Mutate"/>, so the mutations
    /// are logged and the frames saved on failure), feeds the code under test and checks its invariants. Returns a
    /// short outcome for the statistics ("Ok", "Truncated", …). Throws <see cref="FuzzInvariantException"/> when an
    /// invariant breaks; any other exception is a crash.
    /// </summary>
    string Run(FuzzCase c);
}

/// <summary>An invariant of the code under test does not hold (a finding, like a crash).</summary>
public sealed class FuzzInvariantException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FuzzInvariantException(string message) : base(message) { }
}

/// <summary>One case: its number, generator, seed, and what it did (for the report and the saved pcap).</summary>
public sealed class FuzzCase
{
    /// <summary>Creates a case.</summary>
    public FuzzCase(long number, Random rng, SeedCorpus corpus, SeedFrame seed)
    {
        Number = number; Rng = rng; Corpus = corpus; Seed = seed;
    }

    /// <summary>The case number.</summary>
    public long Number { get; }
    /// <summary>The case's generator (derived from the run seed and the case number only).</summary>
    public Random Rng { get; }
    /// <summary>The seed corpus.</summary>
    public SeedCorpus Corpus { get; }
    /// <summary>The chosen seed frame.</summary>
    public SeedFrame Seed { get; }
    /// <summary>Mutation and step descriptions.</summary>
    public List<string> Log { get; } = new List<string>();
    /// <summary>Every frame given to the code under test, in order (saved as a pcap on failure).</summary>
    public List<byte[]> Frames { get; } = new List<byte[]>();

    /// <summary>A mutated copy of <paramref name="frame"/> (one time in 20 an unmutated copy), logged and recorded.</summary>
    public byte[] Mutate(SeedFrame frame, FuzzLayer focus)
    {
        byte[] m;
        if (Rng.Next(20) == 0)
        {
            Log.Add($"{frame.File}#{frame.Index}: unmutated");
            m = (byte[])frame.Data.Clone();
        }
        else
        {
            var log = new List<string>();
            m = Mutator.Mutate(frame.Data, focus, Corpus, Rng, log);
            Log.Add($"{frame.File}#{frame.Index} ({focus}): " + string.Join("; ", log));
        }
        Frames.Add(m);
        return m;
    }

    /// <summary>An unmutated copy of <paramref name="frame"/>, logged and recorded.</summary>
    public byte[] Original(SeedFrame frame)
    {
        Log.Add($"{frame.File}#{frame.Index}: unmutated (context)");
        byte[] m = (byte[])frame.Data.Clone();
        Frames.Add(m);
        return m;
    }
}

/// <summary>Invariant checks.</summary>
public static class Check
{
    /// <summary>Throws <see cref="FuzzInvariantException"/> with <paramref name="message"/> when <paramref name="condition"/> is false.</summary>
    public static void That(bool condition, string message)
    {
        if (!condition) throw new FuzzInvariantException(message);
    }

    /// <summary>Every public target class in this assembly, ordered by name.</summary>
    public static List<IFuzzTarget> AllTargets()
        => typeof(IFuzzTarget).Assembly.GetTypes()
            .Where(t => t.IsPublic && typeof(IFuzzTarget).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface && t.GetConstructor(Type.EmptyTypes) != null)
            .Select(t => (IFuzzTarget)Activator.CreateInstance(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
}
