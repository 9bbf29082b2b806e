using System.Text.Json.Nodes;

namespace Patchpeil.Server.Advisories.Sync;

/// <summary>
/// One kind of online source. The runner gives it the source's configuration, the state the last finished run left and
/// an HTTP helper; it fetches, verifies and imports through <see cref="FeedImporter"/>, counting into the context.
/// Throwing fails the run: nothing of the new state is kept, and what was already stored stays (each file is one
/// transaction). Problems with single items are reported through <see cref="FeedSyncContext.Reject"/> and
/// <see cref="FeedSyncContext.Problem"/> and leave the run's outcome at "warnings".
/// </summary>
public interface IFeedSync
{
    FeedSyncKind Kind { get; }

    Task RunAsync(FeedSyncContext context, CancellationToken cancellationToken);
}

/// <summary>What one run works with and what it found.</summary>
public sealed class FeedSyncContext(FeedSyncSource source, string? apiKey, JsonObject previousState, FeedHttp http, FeedImporter importer)
{
    private readonly List<string> _errors = [];

    public FeedSyncSource Source => source;

    /// <summary>The decrypted API key, or null.</summary>
    public string? ApiKey => apiKey;

    /// <summary>State of the last run that finished (read only by convention).</summary>
    public JsonObject PreviousState => previousState;

    /// <summary>State for the next run; saved only when this run does not fail.</summary>
    public JsonObject NewState { get; } = [];

    public FeedHttp Http => http;

    public FeedImporter Importer => importer;

    public int Added { get; private set; }
    public int Changed { get; private set; }
    public int Unchanged { get; private set; }
    public int Rejected { get; private set; }

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Adds what the importer did with one file; quarantined records count as rejected, with their reasons.</summary>
    public void Count(ImportSummary summary)
    {
        foreach (var file in summary.Files)
        {
            Added += file.Added;
            Changed += file.Changed;
            Unchanged += file.Unchanged;
            Rejected += file.Quarantined.Count;
            // The importer names the record (a document id); the URL or file it came from is said first.
            _errors.AddRange(file.Quarantined.Select(q => q.StartsWith(file.FileName, StringComparison.Ordinal) ? q : $"{file.FileName}: {q}"));
        }
    }

    /// <summary>An item refused before import (hash, signature, namespace …): never stored, reported here.</summary>
    public void Reject(string location, string reason)
    {
        Rejected++;
        _errors.Add($"{location}: {reason}");
    }

    /// <summary>A problem that is not a rejected item (a download that failed and will be tried again next run).</summary>
    public void Problem(string message) => _errors.Add(message);
}
