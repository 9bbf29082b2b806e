using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Patchpeil.Core.Feeds.Osv;

namespace Patchpeil.Core.Feeds.Debian;

/// <summary>
/// Reads the Debian security tracker's <c>data/DSA/list</c> (or <c>DLA/list</c>) into OSV-shaped records, one per
/// advisory: ecosystem <c>Debian:&lt;release&gt;</c>, the SOURCE package, introduced 0 and the fixed version per suite.
/// Suites marked &lt;not-affected&gt; or &lt;unfixed&gt; produce no range (never widened); unknown codenames are reported.
/// </summary>
public static partial class DsaListReader
{
    private static readonly Dictionary<string, string> Releases = new(StringComparer.Ordinal)
    {
        ["woody"] = "3.0",
        ["sarge"] = "3.1",
        ["etch"] = "4",
        ["lenny"] = "5",
        ["squeeze"] = "6",
        ["wheezy"] = "7",
        ["jessie"] = "8",
        ["stretch"] = "9",
        ["buster"] = "10",
        ["bullseye"] = "11",
        ["bookworm"] = "12",
        ["trixie"] = "13",
    };

    public static ParseResult<OsvRecord> Read(byte[] bytes, string location, DateTimeOffset fetchedAt)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var sha = Provenance.Sha256Hex(bytes);
        var records = new List<OsvRecord>();
        var quarantined = new List<Quarantined>();
        string? id = null;
        DateTimeOffset published = default;
        var cves = new List<string>();
        var affected = new List<OsvAffected>();
        var lineNo = 0;

        void Flush()
        {
            if (id is not null && affected.Count > 0)
            {
                records.Add(new OsvRecord(null, id, published, published, null, [.. cves], [], [], null, null, [], [.. affected], [], [], null,
                    new Provenance(FeedSource.Osv, id, null, published, sha, fetchedAt, location)));
            }

            id = null;
            cves.Clear();
            affected.Clear();
        }

        foreach (var raw in Encoding.UTF8.GetString(bytes).Split('\n'))
        {
            lineNo++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '[')
            {
                Flush();
                var head = Header().Match(line);
                if (!head.Success)
                {
                    quarantined.Add(new Quarantined(location, lineNo, [new QuarantineReason(FeedReasonCodes.InvalidValue, $"line {lineNo}", "not '[DD Mon YYYY] DSA-N-R package'")]));
                    continue;
                }

                id = head.Groups["id"].Value;
                published = DateTime.TryParseExact(head.Groups["date"].Value, "dd MMM yyyy", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)
                    ? new DateTimeOffset(d, TimeSpan.Zero) : default;
                continue;
            }

            var trimmed = line.Trim();
            if (trimmed.StartsWith('{'))
            {
                cves.AddRange(trimmed.Trim('{', '}').Split(' ', StringSplitOptions.RemoveEmptyEntries));
                continue;
            }

            var fix = Fix().Match(trimmed);
            if (!fix.Success || id is null)
            {
                continue; // NOTE lines and the like
            }

            var codename = fix.Groups["suite"].Value;
            var version = fix.Groups["version"].Value;
            if (!Releases.TryGetValue(codename, out var release))
            {
                quarantined.Add(new Quarantined(location, lineNo, [new QuarantineReason(FeedReasonCodes.InvalidValue, $"line {lineNo}", $"unknown suite '{codename}' in {id}")]));
                continue;
            }

            if (version.StartsWith('<'))
            {
                continue; // <not-affected>, <unfixed>, <removed>: no range is stated
            }

            affected.Add(new OsvAffected(new OsvPackage("Debian:" + release, fix.Groups["package"].Value, null), [],
                [new OsvRange("ECOSYSTEM", null, [new OsvEvent(OsvEventKind.Introduced, "0"), new OsvEvent(OsvEventKind.Fixed, version)], null)], [], null, null));
        }

        Flush();
        return new ParseResult<OsvRecord>(records, quarantined);
    }

    [GeneratedRegex(@"^\[(?<date>\d{2} \w{3} \d{4})\] (?<id>D[SL]A-\d+-\d+) ", RegexOptions.CultureInvariant)]
    private static partial Regex Header();

    [GeneratedRegex(@"^\[(?<suite>[a-z]+)\] - (?<package>\S+) (?<version>\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex Fix();
}
