namespace Patchpeil.Server.Advisories.Sync;

/// <summary>
/// One kind of online feed (a CSAF provider, an OSV ecosystem export, NVD, KEV, EPSS, endoflife.date). The sync job
/// calls it with the source's configuration and the state it returned last time, stores what it returns, and shows
/// the counts and errors on the feed status page. A failed run returns its errors and keeps the last good data.
/// </summary>
public interface IFeedSync
{
    /// <summary>The source kind this sync handles, e.g. <c>csaf</c>, <c>osv</c>, <c>nvd</c>, <c>kev</c>, <c>epss</c>, <c>endoflife</c>.</summary>
    string Kind { get; }

    Task<FeedSyncResult> RunAsync(FeedSyncRequest request, CancellationToken cancellationToken);
}

/// <summary>What a sync run is given.</summary>
/// <param name="SourceKey">Stable key of the configured source, e.g. <c>csaf:ncsc-nl</c>.</param>
/// <param name="Url">The configured address (provider-metadata.json, a domain, an export or API base).</param>
/// <param name="Settings">Source settings as JSON (e.g. an NVD API key reference, an OSV ecosystem), or null.</param>
/// <param name="State">What the previous successful run returned as <see cref="FeedSyncResult.State"/>, or null on the first run.</param>
public sealed record FeedSyncRequest(string SourceKey, Uri Url, string? Settings, string? State);

/// <summary>What a sync run did.</summary>
/// <param name="State">State for the next run (e.g. last seen changes.csv time, NVD window, ETags); null keeps the old one.</param>
/// <param name="Errors">One line per problem, naming the URL or document and the reason; empty when all went well.</param>
public sealed record FeedSyncResult(
    int Added,
    int Changed,
    int Unchanged,
    int Rejected,
    int Quarantined,
    IReadOnlyList<string> Errors,
    string? State)
{
    public bool Succeeded => Errors.Count == 0;
}
