using System.Globalization;

namespace Patchpeil.Benchmarks;

internal sealed record Options(long Pairs, ulong Seed, int Examples, string? Scheme, string? FixtureDirectory = null, int MalformedPercent = 5)
{
    public static Options Parse(ReadOnlySpan<string> args)
    {
        var options = new Options(1_000_000, Peers.VersionCorpus.DefaultSeed, 20, null);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options = args[i] switch
            {
                "--pairs" => options with { Pairs = long.Parse(args[i + 1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture) },
                "--seed" => options with { Seed = ulong.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--examples" => options with { Examples = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--scheme" => options with { Scheme = args[i + 1] },
                "--fixture" => options with { FixtureDirectory = args[i + 1] },
                "--malformed" => options with { MalformedPercent = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options;
    }
}
