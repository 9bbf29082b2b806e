using Patchpeil.Contracts;

namespace Patchpeil.Agent.Linux;

/// <summary>
/// Reads dpkg's status database (/var/lib/dpkg/status): RFC 822-style stanzas, one per package. Only packages whose
/// status is "install ok installed" count. The Source field is kept, because Debian and Ubuntu advisories name
/// source packages: "Source: openssl" or "Source: linux-signed-amd64 (6.1.115+1)".
/// </summary>
public static class DpkgStatus
{
    public static List<InstalledItem> Parse(TextReader reader)
    {
        var items = new List<InstalledItem>();
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? lastKey = null;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                Flush(fields, items);
                lastKey = null;
                continue;
            }

            if (line[0] is ' ' or '\t')
            {
                // Continuation lines (descriptions, conffiles) carry nothing we need.
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            lastKey = line[..colon];
            fields[lastKey] = line[(colon + 1)..].Trim();
        }

        Flush(fields, items);
        return items;
    }

    private static void Flush(Dictionary<string, string> fields, List<InstalledItem> items)
    {
        if (fields.TryGetValue("Package", out var name) && fields.TryGetValue("Version", out var version)
            && fields.TryGetValue("Status", out var status) && status.EndsWith(" installed", StringComparison.Ordinal) && status.StartsWith("install ", StringComparison.Ordinal))
        {
            string? sourcePackage = null, sourceVersion = null;
            if (fields.TryGetValue("Source", out var source) && source.Length > 0)
            {
                var open = source.IndexOf('(', StringComparison.Ordinal);
                if (open > 0 && source.EndsWith(')'))
                {
                    sourcePackage = source[..open].Trim();
                    sourceVersion = source[(open + 1)..^1].Trim();
                }
                else
                {
                    sourcePackage = source;
                }
            }

            fields.TryGetValue("Architecture", out var arch);
            fields.TryGetValue("Maintainer", out var maintainer);
            items.Add(new InstalledItem("dpkg", name, version, maintainer, arch, sourcePackage ?? name, sourceVersion ?? version));
        }

        fields.Clear();
    }
}
