using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Patchpeil.Peers;

/// <summary>
/// Collects real-world Debian version strings from the machine's package indexes: <c>Version:</c> fields, the
/// version in <c>Source: name (version)</c> and every version in relationship fields (<c>Depends: x (&gt;= 1.2)</c>).
/// The result is de-duplicated and sorted ordinally so that the same indexes always give the same corpus.
/// </summary>
public static partial class VersionHarvest
{
    public const string AptListsDirectory = "/var/lib/apt/lists";
    public const string DpkgStatusFile = "/var/lib/dpkg/status";

    // apt-helper decompresses whatever apt stored (lz4, xz, zstd, gz) with apt's own code.
    private const string AptHelper = "/usr/lib/apt/apt-helper";

    private static readonly string[] RelationFields =
    [
        "Depends", "Pre-Depends", "Recommends", "Suggests", "Enhances", "Breaks", "Conflicts", "Replaces", "Provides",
        "Built-Using", "Static-Built-Using",
    ];

    /// <summary>Versions from the apt lists and the dpkg status file; the built-in sample when neither exists.</summary>
    public static HarvestResult FromMachine()
    {
        var sources = new List<string>();
        if (Directory.Exists(AptListsDirectory))
        {
            sources.AddRange(Directory.EnumerateFiles(AptListsDirectory)
                .Where(f => Path.GetFileName(f).Contains("_Packages", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal));
        }

        if (File.Exists(DpkgStatusFile))
        {
            sources.Add(DpkgStatusFile);
        }

        return FromFiles(sources);
    }

    public static HarvestResult FromFiles(IEnumerable<string> paths)
    {
        var versions = new HashSet<string>(StringComparer.Ordinal);
        var read = new List<string>();
        var skipped = new List<string>();
        foreach (var path in paths)
        {
            using var reader = Open(path);
            if (reader is null)
            {
                skipped.Add(path);
                continue;
            }

            Collect(reader, versions);
            read.Add(path);
        }

        var fromSample = versions.Count == 0;
        if (fromSample)
        {
            versions.UnionWith(SampleVersions);
        }

        var sorted = versions.Order(StringComparer.Ordinal).ToArray();
        return new HarvestResult(sorted, read, skipped, fromSample);
    }

    public static void Collect(TextReader reader, ISet<string> versions)
    {
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith("Version:", StringComparison.Ordinal))
            {
                AddIfPlausible(line.AsSpan("Version:".Length).Trim(), versions);
            }
            else if (line.StartsWith("Source:", StringComparison.Ordinal))
            {
                var open = line.IndexOf('(', StringComparison.Ordinal);
                var close = line.LastIndexOf(')');
                if (open > 0 && close > open)
                {
                    AddIfPlausible(line.AsSpan(open + 1, close - open - 1).Trim(), versions);
                }
            }
            else if (IsRelationField(line))
            {
                foreach (Match match in RelationVersion().Matches(line))
                {
                    AddIfPlausible(match.Groups["v"].ValueSpan, versions);
                }
            }
        }
    }

    private static bool IsRelationField(string line)
    {
        foreach (var field in RelationFields)
        {
            if (line.Length > field.Length && line[field.Length] == ':' &&
                line.StartsWith(field, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void AddIfPlausible(ReadOnlySpan<char> version, ISet<string> versions)
    {
        // Substitution variables (${binary:Version}) only occur in source packages; anything with spaces or
        // non-ASCII text is not a version dpkg would accept either.
        if (version.IsEmpty || version.Length > 200)
        {
            return;
        }

        foreach (var c in version)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '+' or '~' or '-' or ':'))
            {
                return;
            }
        }

        versions.Add(version.ToString());
    }

    private static TextReader? Open(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        if (path.EndsWith(".gz", StringComparison.Ordinal))
        {
            return new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        }

        if (!path.EndsWith(".lz4", StringComparison.Ordinal) && !path.EndsWith(".xz", StringComparison.Ordinal) &&
            !path.EndsWith(".zst", StringComparison.Ordinal) && !path.EndsWith(".bz2", StringComparison.Ordinal) &&
            !path.EndsWith(".lzma", StringComparison.Ordinal))
        {
            return new StreamReader(path);
        }

        if (!File.Exists(AptHelper))
        {
            return null;
        }

        // Read the whole output before returning: the indexes are tens of megabytes at most and this keeps the
        // child process's lifetime inside this method.
        var start = new ProcessStartInfo(AptHelper)
        {
            ArgumentList = { "cat-file", path },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start);
        if (process is null)
        {
            return null;
        }

        var stderr = process.StandardError.ReadToEndAsync();
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        _ = stderr.Result;
        return process.ExitCode == 0 ? new StringReader(text) : null;
    }

    [GeneratedRegex(@"\(\s*(?:<<|<=|>=|>>|=|<|>)\s*(?<v>[^\s)]+)\s*\)", RegexOptions.CultureInvariant)]
    private static partial Regex RelationVersion();

    /// <summary>
    /// Used only when a machine has no Debian package data at all, so the generator still produces a corpus; real
    /// runs harvest tens of thousands of versions.
    /// </summary>
    public static readonly IReadOnlyList<string> SampleVersions =
    [
        "1.0", "1.0-1", "1:2.3.4-5", "2.36-9+deb12u4", "3.0.11-1~deb12u2", "1.2.3~rc1-1", "0.9.8zh-1", "7.88.1-10+deb12u8",
        "252.30-1~deb12u2", "2:9.0.1378-2", "1.22.1-9", "5.2.15-2+b7", "3.11.2-1+b1", "6.1.0-28", "20230311", "1.0.2+dfsg-1",
        "2.7.4+really2.6.1-1", "1:1.2.13.dfsg-1", "0.23.22-1", "9.2p1-2+deb12u3", "1.1.1w-0+deb11u1", "2.4.57-2",
        "4.19.0-3ubuntu0.1", "1.0~git20230101.abc123-2", "10.2.1-6", "12.2.0-14", "0.0~git20220324.0.1a2b3c4-1",
    ];
}

/// <summary>What a harvest found and from where.</summary>
public sealed record HarvestResult(
    IReadOnlyList<string> Versions,
    IReadOnlyList<string> SourcesRead,
    IReadOnlyList<string> SourcesSkipped,
    bool FromBuiltInSample);
