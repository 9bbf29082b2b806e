using Patchpeil.Contracts;

namespace Patchpeil.Agent.Linux;

/// <summary>The rpm database, read through rpm itself with a tab-separated query format.</summary>
public static class RpmQuery
{
    /// <summary>Passed to `rpm -qa --queryformat`; one package per line.</summary>
    public const string Format = "%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\t%{VENDOR}\\n";

    public static List<InstalledItem> Parse(TextReader reader)
    {
        var items = new List<InstalledItem>();
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split('\t');
            if (f.Length < 5 || f[0].Length == 0 || f[0] == "gpg-pubkey")
            {
                continue;
            }

            var epoch = f[1] is "0" or "" or "(none)" ? "" : f[1] + ":";
            var evr = $"{epoch}{f[2]}-{f[3]}";
            var sourceRpm = f.Length > 5 && f[5] != "(none)" ? f[5] : null;
            var vendor = f.Length > 6 && f[6] != "(none)" ? f[6] : null;
            items.Add(new InstalledItem("rpm", f[0], evr, vendor, f[4], SourceName(sourceRpm) ?? f[0], evr));
        }

        return items;
    }

    /// <summary>"openssl-3.0.7-27.el9.src.rpm" → "openssl": the name is everything before the last two hyphens.</summary>
    private static string? SourceName(string? sourceRpm)
    {
        if (sourceRpm is null)
        {
            return null;
        }

        var release = sourceRpm.LastIndexOf('-');
        var version = release > 0 ? sourceRpm.LastIndexOf('-', release - 1) : -1;
        return version > 0 ? sourceRpm[..version] : null;
    }
}
