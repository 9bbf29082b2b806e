using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.Csaf;
using Patchpeil.Core.Feeds.Cve5;
using Patchpeil.Core.Feeds.Nvd;
using Patchpeil.Core.Feeds.Osv;
using Patchpeil.Core.Matching;
using Patchpeil.Server.Advisories;

namespace Patchpeil.Server.Findings;

/// <summary>
/// Feed bytes → the matcher's prepared advisories, with the Core parsers. Shared by <c>patchpeil scan</c> (files) and
/// the server's matching service (stored advisory revisions), so both match exactly the same statements.
/// </summary>
public static class AdvisoryPreparation
{
    /// <summary>The matcher's key of a stored advisory (the same key <see cref="AdvisoryStatements"/> gives the parsed document).</summary>
    public static string KeyOf(AdvisorySource source, string documentId) => source switch
    {
        AdvisorySource.Csaf => "csaf:",
        AdvisorySource.Osv => "osv:",
        AdvisorySource.Nvd => "nvd:",
        _ => "cve5:",
    } + documentId;

    public static FeedSource ToFeedSource(AdvisorySource source) => source switch
    {
        AdvisorySource.Csaf => FeedSource.Csaf,
        AdvisorySource.Osv => FeedSource.Osv,
        AdvisorySource.Nvd => FeedSource.Nvd,
        _ => FeedSource.Cve5,
    };

    /// <summary>Parses one advisory file of a known kind; unreadable parts are added to <paramref name="problems"/>.</summary>
    public static IReadOnlyList<PreparedAdvisory> Prepare(FeedSource kind, string name, byte[] bytes, DateTimeOffset fetchedAt, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        switch (kind)
        {
            case FeedSource.Csaf:
                return Collect(CsafReader.Read(bytes, name, fetchedAt), AdvisoryStatements.FromCsaf, problems);
            case FeedSource.Osv:
                return Collect(OsvReader.Read(bytes, name, fetchedAt), AdvisoryStatements.FromOsv, problems);
            case FeedSource.Cve5:
                return Collect(Cve5Reader.Read(bytes, name, fetchedAt), AdvisoryStatements.FromCve5, problems);
            case FeedSource.Nvd:
                var single = NvdReader.ReadCve(bytes, name, fetchedAt);
                if (single.Items.Count > 0)
                {
                    return Collect(single, AdvisoryStatements.FromNvd, problems);
                }

                using (var stream = new MemoryStream(bytes))
                {
                    var page = NvdReader.ReadPageAsync(stream, fetchedAt).GetAwaiter().GetResult();
                    return Collect(page.Vulnerabilities, AdvisoryStatements.FromNvd, problems);
                }

            default:
                return [];
        }
    }

    private static List<PreparedAdvisory> Collect<T>(ParseResult<T> result, Func<T, PreparedAdvisory> prepare, List<string> problems)
    {
        problems.AddRange(result.Quarantined.Select(q => q.ToString()));
        return [.. result.Items.Select(prepare)];
    }
}
