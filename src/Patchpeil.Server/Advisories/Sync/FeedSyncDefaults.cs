using Microsoft.EntityFrameworkCore;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Advisories.Sync;

/// <summary>
/// The sources every installation starts with, all disabled: nothing goes to the internet until an administrator
/// enables a source on the feeds page. Missing ones are added at start; an administrator's edits are never overwritten.
/// </summary>
public static class FeedSyncDefaults
{
    public sealed record Preset(string Key, FeedSyncKind Kind, string Name, string Url, int IntervalMinutes);

    private const string OsvBase = "https://osv-vulnerabilities.storage.googleapis.com";

    public static readonly IReadOnlyList<Preset> All =
    [
        new("csaf:ncsc-nl", FeedSyncKind.Csaf, "NCSC-NL", "https://advisories.ncsc.nl/.well-known/csaf/provider-metadata.json", 60),
        new("csaf:cisa", FeedSyncKind.Csaf, "CISA", "https://www.cisa.gov/sites/default/files/csaf/provider-metadata.json", 360),
        new("csaf:redhat", FeedSyncKind.Csaf, "Red Hat", "access.redhat.com", 360),
        new("csaf:siemens", FeedSyncKind.Csaf, "Siemens ProductCERT", "https://cert-portal.siemens.com/productcert/csaf/provider-metadata.json", 720),
        new("csaf:cisco", FeedSyncKind.Csaf, "Cisco", "www.cisco.com", 720),
        new("csaf:microsoft", FeedSyncKind.Csaf, "Microsoft (MSRC)", "msrc.microsoft.com", 720),
        new("kev", FeedSyncKind.Kev, "CISA Known Exploited Vulnerabilities", "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json", 360),
        new("epss", FeedSyncKind.Epss, "EPSS (FIRST)", "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz", 1440),
        new("endoflife", FeedSyncKind.EndOfLife, "endoflife.date", "https://endoflife.date/api/v1/products/full", 1440),
        new("nvd", FeedSyncKind.Nvd, "NVD CVE API 2.0", "https://services.nvd.nist.gov/rest/json/cves/2.0", 120),
        new("osv:debian", FeedSyncKind.Osv, "OSV Debian", $"{OsvBase}/Debian/all.zip", 1440),
        new("osv:ubuntu", FeedSyncKind.Osv, "OSV Ubuntu", $"{OsvBase}/Ubuntu/all.zip", 1440),
        new("osv:alpine", FeedSyncKind.Osv, "OSV Alpine", $"{OsvBase}/Alpine/all.zip", 1440),
        new("osv:redhat", FeedSyncKind.Osv, "OSV Red Hat", $"{OsvBase}/Red%20Hat/all.zip", 1440),
        new("osv:nuget", FeedSyncKind.Osv, "OSV NuGet", $"{OsvBase}/NuGet/all.zip", 1440),
        new("osv:npm", FeedSyncKind.Osv, "OSV npm", $"{OsvBase}/npm/all.zip", 1440),
        new("osv:pypi", FeedSyncKind.Osv, "OSV PyPI", $"{OsvBase}/PyPI/all.zip", 1440),
        new("osv:maven", FeedSyncKind.Osv, "OSV Maven", $"{OsvBase}/Maven/all.zip", 1440),
        new("osv:go", FeedSyncKind.Osv, "OSV Go", $"{OsvBase}/Go/all.zip", 1440),
        new("sofa:macos", FeedSyncKind.Sofa, "SOFA macOS (macadmins)", "https://sofafeed.macadmins.io/v2/macos_data_feed.json", 360),
        new("sofa:ios", FeedSyncKind.Sofa, "SOFA iOS/iPadOS (macadmins)", "https://sofafeed.macadmins.io/v2/ios_data_feed.json", 360),
        new("gdmf", FeedSyncKind.Gdmf, "Apple gdmf (software versions)", "https://gdmf.apple.com/v2/pmv", 720),
        new("chromeos:stable", FeedSyncKind.ChromeVersions, "ChromeOS stable (Google VersionHistory)",
            "https://versionhistory.googleapis.com/v1/chrome/platforms/chromeos/channels/stable/versions/all/releases?filter=endtime=1970-01-01T00:00:00Z&order_by=version%20desc", 360),
    ];

    public static async Task EnsureAsync(PatchpeilDbContext db, CancellationToken cancellationToken)
    {
        var existing = await db.Set<FeedSyncSource>().Select(s => s.Key).ToListAsync(cancellationToken);
        var missing = All.Where(d => !existing.Contains(d.Key)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        foreach (var d in missing)
        {
            db.Add(new FeedSyncSource { Key = d.Key, Kind = d.Kind, Name = d.Name, Url = d.Url, IntervalMinutes = d.IntervalMinutes, Enabled = false });
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another host added them at the same moment.
            db.ChangeTracker.Clear();
        }
    }
}
