using System;
using System.Collections.Generic;
using System.IO;
using Cosmos.Network.Fuzz;

// dotnet run --project Tests/Cosmos.Network.Fuzz -c Release -- [--cases 100000] [--seed S] [--first-case N]
//   [--target NAME]... [--time-limit-ms MS] [--budget-ms MS] [--out DIR] [--seeds DIR] [--list]
var options = new FuzzOptions { Cases = 100_000, Log = Console.Out, OutDir = "net-fuzz-out", Targets = new List<string>() };
string seeds = null;
bool list = false;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--cases": options.Cases = long.Parse(Next()); break;
        case "--seed": options.Seed = int.Parse(Next()); break;
        case "--first-case": options.FirstCase = long.Parse(Next()); break;
        case "--target": options.Targets.Add(Next()); break;
        case "--time-limit-ms": options.TimeLimitMs = int.Parse(Next()); break;
        case "--budget-ms": options.BudgetMs = int.Parse(Next()); break;
        case "--out": options.OutDir = Next(); break;
        case "--seeds": seeds = Next(); break;
        case "--list": list = true; break;
        case "-h":
        case "--help":
            Console.WriteLine("usage: Cosmos.Network.Fuzz [--cases N] [--seed S] [--first-case N] [--target NAME]... [--time-limit-ms MS] [--budget-ms MS] [--out DIR] [--seeds DIR] [--list]");
            return 0;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}");
            return 2;
    }
}
seeds ??= SeedCorpus.DefaultFolder();
SeedCorpus corpus = SeedCorpus.Load(seeds);
var engine = new FuzzEngine(corpus);
if (list)
{
    foreach (IFuzzTarget t in engine.Targets) Console.WriteLine($"{t.Name}: {corpus.Frames.FindAll(t.Accepts).Count} seed frames");
    return 0;
}
Console.WriteLine($"Cosmos.Network fuzzer: seed {options.Seed}, cases {options.FirstCase}..{options.FirstCase + options.Cases - 1}, " +
    $"{corpus.Frames.Count} seed frames from {corpus.ByFile.Count} pcaps in {seeds}, targets: {string.Join(", ", engine.Targets.ConvertAll(t => t.Name))}" +
    (options.Targets.Count > 0 ? $" (running {string.Join(", ", options.Targets)})" : "") + $", findings under {Path.GetFullPath(options.OutDir)}");
FuzzSummary summary = engine.Run(options);
Console.Write(summary.ToString());
foreach (string f in summary.Findings) Console.WriteLine("  " + f);
return summary.FindingCount == 0 ? 0 : 1;
