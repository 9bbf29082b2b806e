using Microsoft.EntityFrameworkCore;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.OsVersions;

namespace Patchpeil.Server.Lifecycle;

// Current OS versions are global knowledge like advisories and endoflife.date data (ADR 0009, ADR 0020): no
// OrganisationId, no tenant filter. They change only by import or feed sync, which are recorded as import runs.

/// <summary>
/// One OS line as a version source last stated it: a major version of macOS/iPadOS/iOS (SOFA, gdmf) or a ChromeOS
/// channel (VersionHistory), with the release devices should be on and the file it came from.
/// </summary>
public sealed class OsVersionLine
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Sofa, Gdmf or ChromeVersions: each source keeps its own lines; SOFA is preferred where both speak.</summary>
    public FeedSource Source { get; set; }

    /// <summary>macos, ipados, ios or chromeos (<see cref="OsProducts"/>).</summary>
    public required string Product { get; set; }

    /// <summary>"18", "15", "10.15" or a ChromeOS channel.</summary>
    public required string Line { get; set; }

    public required string Label { get; set; }
    public required string LatestVersion { get; set; }
    public string? LatestBuild { get; set; }
    public DateOnly? LatestReleaseDate { get; set; }
    public DateOnly? LatestExpirationDate { get; set; }

    /// <summary>Whether the latest release carries security content (null: the source cannot say).</summary>
    public bool? LatestSecurityContent { get; set; }

    public string? Revision { get; set; }
    public required string ContentSha256 { get; set; }
    public DateTime FetchedUtc { get; set; }
    public string? FileName { get; set; }
    public List<OsVersionRelease> Releases { get; set; } = [];

    public OsLine ToLine() => new(Product, Line, Label, Releases.OrderBy(r => r.Position).First().ToRelease(), [.. Releases.OrderBy(r => r.Position).Select(r => r.ToRelease())]);

    /// <summary>Everything the line says, to tell a changed line from an unchanged one on re-import.</summary>
    public string Signature() => string.Join('#', [Label, LatestVersion, LatestBuild, LatestReleaseDate, LatestExpirationDate, LatestSecurityContent,
        .. Releases.OrderBy(r => r.Position).Select(r => r.Signature())]);

    public static OsVersionLine From(FeedSource source, OsLine line, Provenance provenance, string fileName) => new()
    {
        Source = source,
        Product = line.Product,
        Line = Cut(line.Line, 50)!,
        Label = Cut(line.Label, 100)!,
        LatestVersion = Cut(line.Latest.Version, 50)!,
        LatestBuild = Cut(line.Latest.Build, 50),
        LatestReleaseDate = line.Latest.ReleaseDate,
        LatestExpirationDate = line.Latest.ExpirationDate,
        LatestSecurityContent = line.Latest.SecurityContent,
        Revision = Cut(provenance.Revision, 100),
        ContentSha256 = provenance.ContentSha256,
        FetchedUtc = provenance.FetchedAt.UtcDateTime,
        FileName = Cut(fileName, 400),
        Releases = [.. line.Releases.Select((r, i) => OsVersionRelease.From(r, i))],
    };

    internal static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..(max - 1)] + "…";
}

/// <summary>One release of a line, with the device models it installs on.</summary>
public sealed class OsVersionRelease
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid LineId { get; set; }

    /// <summary>0 = newest; the order the source gives (by date, then version).</summary>
    public int Position { get; set; }

    public required string Version { get; set; }
    public string? Build { get; set; }

    /// <summary>All builds of the release, one per line.</summary>
    public string? AllBuilds { get; set; }

    public DateOnly? ReleaseDate { get; set; }
    public DateOnly? ExpirationDate { get; set; }
    public bool? SecurityContent { get; set; }
    public int CveCount { get; set; }

    /// <summary>Actively exploited CVE ids, one per line.</summary>
    public string? ActivelyExploitedCves { get; set; }

    /// <summary>Apple product types or Mac board ids, one per line.</summary>
    public string? SupportedModels { get; set; }

    public string? SecurityInfo { get; set; }
    public bool FullyRolledOut { get; set; } = true;
    public bool Serving { get; set; } = true;

    public OsRelease ToRelease() => new(Version, Build, Lines(AllBuilds), ReleaseDate, ExpirationDate, SecurityContent, CveCount, Lines(ActivelyExploitedCves),
        Lines(SupportedModels), SecurityInfo, FullyRolledOut, Serving);

    public string Signature() => string.Join('|', Version, Build, AllBuilds, ReleaseDate, ExpirationDate, SecurityContent, CveCount, ActivelyExploitedCves, SupportedModels, SecurityInfo, FullyRolledOut, Serving);

    public static OsVersionRelease From(OsRelease r, int position) => new()
    {
        Position = position,
        Version = OsVersionLine.Cut(r.Version, 50)!,
        Build = OsVersionLine.Cut(r.Build, 50),
        AllBuilds = Join(r.AllBuilds),
        ReleaseDate = r.ReleaseDate,
        ExpirationDate = r.ExpirationDate,
        SecurityContent = r.SecurityContent,
        CveCount = r.CveCount,
        ActivelyExploitedCves = Join(r.ActivelyExploitedCves),
        SupportedModels = Join(r.SupportedModels),
        SecurityInfo = OsVersionLine.Cut(r.SecurityInfo, 1000),
        FullyRolledOut = r.FullyRolledOut,
        Serving = r.Serving,
    };

    private static string? Join(IReadOnlyList<string> values) => values.Count == 0 ? null : string.Join('\n', values);

    private static string[] Lines(string? text) => text is null ? [] : text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

public static class OsVersionModel
{
    public static void ConfigureOsVersions(this ModelBuilder builder)
    {
        builder.Entity<OsVersionLine>(b =>
        {
            b.Property(l => l.Source).HasConversion<string>().HasMaxLength(20);
            b.Property(l => l.Product).HasMaxLength(20);
            b.Property(l => l.Line).HasMaxLength(50);
            b.Property(l => l.Label).HasMaxLength(100);
            b.Property(l => l.LatestVersion).HasMaxLength(50);
            b.Property(l => l.LatestBuild).HasMaxLength(50);
            b.Property(l => l.Revision).HasMaxLength(100);
            b.Property(l => l.ContentSha256).HasMaxLength(64);
            b.Property(l => l.FileName).HasMaxLength(400);
            b.HasIndex(l => new { l.Source, l.Product, l.Line }).IsUnique();
            b.HasMany(l => l.Releases).WithOne().HasForeignKey(r => r.LineId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<OsVersionRelease>(b =>
        {
            b.Property(r => r.Version).HasMaxLength(50);
            b.Property(r => r.Build).HasMaxLength(50);
            // AllBuilds, ActivelyExploitedCves and SupportedModels are lists of unknown length: unbounded text, never cut.
            b.Property(r => r.SecurityInfo).HasMaxLength(1000);
            b.HasIndex(r => new { r.LineId, r.Position }).IsUnique();
        });
    }
}
