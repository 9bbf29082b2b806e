using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.OsVersions;
using Patchpeil.Server.Lifecycle;

namespace Patchpeil.Server.Advisories;

// Current OS versions (ADR 0020): SOFA and gdmf for Apple, VersionHistory for ChromeOS, through the same import path
// as every other feed file (offline import, upload page, feed sync).
public sealed partial class FeedImporter
{
    /// <summary>The OS version source a JSON root is, or null.</summary>
    private static FeedSource? OsVersionKind(JsonElement root) =>
        SofaReader.LooksLike(root) ? FeedSource.Sofa
        : GdmfReader.LooksLike(root) ? FeedSource.Gdmf
        : ChromeVersionReader.LooksLike(root) ? FeedSource.ChromeVersions
        : null;

    /// <summary>
    /// The file is the whole truth about the products it names for its source: its lines are added or updated in place
    /// (stable ids), and lines of those products it no longer lists are removed, unless part of the file was quarantined
    /// (a broken entry must not delete good data). Other sources and products are untouched.
    /// </summary>
    private async Task<Counts> ImportOsVersionsAsync(string name, byte[] bytes, FeedSource kind, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        var (feed, quarantined) = kind switch
        {
            FeedSource.Sofa => SofaReader.Read(bytes, name, fetchedAt),
            FeedSource.Gdmf => GdmfReader.Read(bytes, name, fetchedAt),
            _ => ChromeVersionReader.Read(bytes, name, fetchedAt),
        };
        if (feed is null)
        {
            return new Counts(0, 0, 0, quarantined);
        }

        var products = feed.Products.ToList();
        var existing = await db.Set<OsVersionLine>().Include(l => l.Releases)
            .Where(l => l.Source == kind && products.Contains(l.Product))
            .ToListAsync(cancellationToken);
        var old = existing.ToDictionary(l => (l.Product, l.Line));
        int added = 0, changed = 0, unchanged = 0;
        foreach (var line in feed.Lines)
        {
            var incoming = OsVersionLine.From(kind, line, feed.Provenance, name);
            if (!old.Remove((incoming.Product, incoming.Line), out var current))
            {
                db.Add(incoming);
                added++;
                continue;
            }

            if (current.Signature() == incoming.Signature())
            {
                unchanged++;
                continue;
            }

            // Releases are a list owned by the line: replaced as a whole; the line keeps its id.
            db.RemoveRange(current.Releases);
            current.Releases = [];
            incoming.Id = current.Id;
            db.Entry(current).CurrentValues.SetValues(incoming);
            foreach (var release in incoming.Releases)
            {
                release.LineId = current.Id;
                db.Add(release);
            }

            changed++;
        }

        foreach (var gone in quarantined.Count == 0 ? old.Values.ToList() : [])
        {
            db.Remove(gone);
            changed++;
        }

        return new Counts(added, changed, unchanged, quarantined);
    }
}
