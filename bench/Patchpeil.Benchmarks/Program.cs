using BenchmarkDotNet.Running;
using Patchpeil.Benchmarks;

// dotnet run -c Release --project bench/Patchpeil.Benchmarks -- diff [--pairs N] [--seed S] [--examples K] [--scheme deb|rpm|windows] [--malformed PERCENT] [--fixture DIR]
// dotnet run -c Release --project bench/Patchpeil.Benchmarks -- corpus --scheme deb|rpm|windows [--pairs N] [--seed S]
// dotnet run -c Release --project bench/Patchpeil.Benchmarks -- matcher [--devices 20000] [--items 200] [--distinct 50000] [--statements 300000]
// dotnet run -c Release --project bench/Patchpeil.Benchmarks -- --filter '*Version*'   (BenchmarkDotNet)
return args.FirstOrDefault() switch
{
    "diff" => DiffCommand.Run(Options.Parse(args.AsSpan(1))),
    "corpus" => CorpusCommand.Run(Options.Parse(args.AsSpan(1))),
    "matcher" => MatcherScaleCommand.Run(args.AsSpan(1)),
    _ => RunBenchmarks(args),
};

static int RunBenchmarks(string[] args)
{
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(VersionComparisonBenchmarks).Assembly).Run(args);
    return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
}
