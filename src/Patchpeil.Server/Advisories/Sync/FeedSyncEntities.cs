using System.Globalization;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Advisories.Sync;

// Feed sources are global configuration, like the advisories they bring in (ADR 0009): no OrganisationId, no tenant
// filter. Any administrator may change them; every change is in the audit log (IAudited).

/// <summary>What kind of online source this is; each kind has one <see cref="IFeedSync"/> implementation (or none yet).</summary>
public enum FeedSyncKind
{
    Csaf,
    Kev,
    Epss,
    Osv,
    Nvd,
    EndOfLife,

    /// <summary>macadmins SOFA v2 feed (macOS or iOS/iPadOS), one file per source.</summary>
    Sofa,

    /// <summary>Apple gdmf.apple.com/v2/pmv, the documented alternative to SOFA.</summary>
    Gdmf,

    /// <summary>Google VersionHistory: Chrome versions served to ChromeOS.</summary>
    ChromeVersions,
}

public enum FeedRunOutcome
{
    Running,

    /// <summary>Everything fetched and stored.</summary>
    Succeeded,

    /// <summary>The run finished and kept what was valid, but some items were rejected or could not be fetched.</summary>
    Warnings,

    /// <summary>Nothing was stored; the last good data stays.</summary>
    Failed,

    Cancelled,
}

/// <summary>One configured online source: where, how often, and the cursor its sync left for the next run.</summary>
public sealed class FeedSyncSource : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Stable key, e.g. <c>csaf:ncsc-nl</c>; preconfigured sources are found by it.</summary>
    public required string Key { get; set; }

    public FeedSyncKind Kind { get; set; }
    public required string Name { get; set; }

    /// <summary>A provider-metadata.json URL or a domain (CSAF), a download URL (KEV, EPSS, OSV), an API base (NVD).</summary>
    public required string Url { get; set; }

    public bool Enabled { get; set; }
    public int IntervalMinutes { get; set; } = 360;

    /// <summary>API key protected with ASP.NET Data Protection; never shown again, never in the audit log.</summary>
    public string? ProtectedApiKey { get; set; }

    public DateTime? NextRunUtc { get; set; }

    /// <summary>JSON owned by the source's sync: ETags, Last-Modified, cursors. Only written by a run that finished.</summary>
    public string? State { get; set; }

    public DateTime? LastRunUtc { get; set; }
    public FeedRunOutcome? LastOutcome { get; set; }

    /// <summary>Concurrency token: a run claims a source by changing it, so two hosts never run the same source at once.</summary>
    public Guid Version { get; set; } = Guid.NewGuid();

    public string AuditSummary() => string.Create(CultureInfo.InvariantCulture,
        $"key={Key}; url={Url}; enabled={Enabled}; interval={IntervalMinutes}m; apiKey={(ProtectedApiKey is null ? "none" : "set")}");
}

/// <summary>One run of a source: when, how it ended, what it brought and what went wrong.</summary>
public sealed class FeedSyncRun
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid SourceId { get; set; }
    public DateTime StartedUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }
    public FeedRunOutcome Outcome { get; set; }

    /// <summary>"schedule" or the actor who pressed "run now".</summary>
    public required string Trigger { get; set; }

    public int Added { get; set; }
    public int Changed { get; set; }
    public int Unchanged { get; set; }
    public int Rejected { get; set; }
    public int Requests { get; set; }
    public long BytesDownloaded { get; set; }

    /// <summary>One line per problem, naming the URL or document and the reason.</summary>
    public string? Errors { get; set; }
}
