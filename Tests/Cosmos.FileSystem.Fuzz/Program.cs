using System;
using System.IO;
using Cosmos.FileSystem.Fuzz;

// dotnet run --project Tests/Cosmos.FileSystem.Fuzz -- --cases 100000 [--seed S] [--time-limit-ms 2000] [--out dir]
//   [--first-case N] [--seeds-dir dir] [--budget-ms MS] [--replay failures/.../image.bin]
var options = new FuzzOptions { Cases = 100000, Log = Console.Out };
string replay = null;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--cases": options.Cases = long.Parse(Next()); break;
        case "--seed": options.Seed = int.Parse(Next()); break;
        case "--first-case": options.FirstCase = long.Parse(Next()); break;
        case "--time-limit-ms": options.TimeLimitMs = int.Parse(Next()); break;
        case "--budget-ms": options.BudgetMs = int.Parse(Next()); break;
        case "--out": options.OutDir = Next(); break;
        case "--seeds-dir": options.SeedsDir = Next(); break;
        case "--replay": replay = Next(); break;
        case "-h":
        case "--help":
            Console.WriteLine("usage: Cosmos.FileSystem.Fuzz [--cases N] [--seed S] [--first-case N] [--time-limit-ms MS] [--budget-ms MS] [--out DIR] [--seeds-dir DIR] [--replay IMAGE]");
            return 0;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}");
            return 2;
    }
}
if (replay != null)
{
    byte[] image = File.ReadAllBytes(replay);
    if (image.Length % 512 != 0) Array.Resize(ref image, (image.Length + 511) / 512 * 512);
    var (outcome, detail) = new FuzzEngine().RunImage(image, options.TimeLimitMs);
    Console.WriteLine($"{replay}: {outcome}\n{detail}");
    return outcome == FuzzOutcome.Crash || outcome == FuzzOutcome.Hang ? 1 : 0;
}
Console.WriteLine($"Cosmos.FileSystem fuzzer: seed {options.Seed}, cases {options.FirstCase}..{options.FirstCase + options.Cases - 1}, time limit {options.TimeLimitMs} ms/case, out {Path.GetFullPath(options.OutDir)}");
var engine = new FuzzEngine();
Console.WriteLine("mounters: " + string.Join(", ", engine.Mounters.ConvertAll(m => m.Name)));
FuzzSummary summary;
try
{
    summary = engine.Run(options);
}
catch (InvalidOperationException e) when (e.Message.Contains("Debian package"))
{
    Console.Error.WriteLine(e.Message);
    return 3;
}
Console.WriteLine(summary.ToString());
foreach (string f in summary.Failures) Console.WriteLine("  " + f);
return summary.ByOutcome[FuzzOutcome.Crash] + summary.ByOutcome[FuzzOutcome.Hang] == 0 ? 0 : 1;
