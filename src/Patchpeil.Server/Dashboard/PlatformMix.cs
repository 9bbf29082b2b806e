using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Dashboard;

/// <summary>
/// The platform mix per school (issue #7): devices and servers counted by operating-system family, from
/// <see cref="Asset.Platform"/> as agents and connectors report it. One grouped query; the families are told apart in memory.
/// </summary>
public static class PlatformMix
{
    /// <summary>Families in display order; <see cref="Other"/> takes what none of them names.</summary>
    public static readonly string[] Families = ["Windows", "ChromeOS", "iPadOS", "macOS", "Linux", "Other"];

    public const string Other = "Other";

    /// <summary>The search term that finds a family in the asset list (its platform text contains it), or null.</summary>
    public static string? SearchTerm(string family) => family switch
    {
        "Windows" => "windows",
        "ChromeOS" => "chromeos",
        "iPadOS" => "ipados",
        "macOS" => "macos",
        _ => null,
    };

    public static string FamilyOf(string? platform)
    {
        var p = platform ?? "";
        bool Has(string s) => p.Contains(s, StringComparison.OrdinalIgnoreCase);
        return Has("windows") ? "Windows"
            : Has("chrome") ? "ChromeOS"
            : Has("ipados") ? "iPadOS"
            : Has("macos") || Has("mac os") ? "macOS"
            : Has("linux") || Has("debian") || Has("ubuntu") || Has("red hat") || Has("rocky") || Has("alma") || Has("suse") || Has("alpine") || Has("centos") || Has("fedora") ? "Linux"
            : Other;
    }

    /// <summary>Rows per school (schools without devices included, so the table lists every school), then unassigned devices.</summary>
    public static async Task<List<SchoolMix>> ComputeAsync(PatchpeilDbContext db, CancellationToken ct)
    {
        var groups = await db.Assets.AsNoTracking()
            .Where(a => a.Kind == AssetKind.Device || a.Kind == AssetKind.Server)
            .GroupBy(a => new { a.SchoolId, a.Platform })
            .Select(g => new { g.Key.SchoolId, g.Key.Platform, Count = g.Count() })
            .ToListAsync(ct);
        var schools = await db.Schools.AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct);
        var rows = schools.Select(s => new SchoolMix(s.Id, s.Name)).ToList();
        var unassigned = new SchoolMix(null, null);
        foreach (var g in groups)
        {
            var row = g.SchoolId is { } id ? rows.FirstOrDefault(r => r.SchoolId == id) ?? unassigned : unassigned;
            var family = FamilyOf(g.Platform);
            row.Counts[family] = row.Counts.GetValueOrDefault(family) + g.Count;
        }

        if (unassigned.Total > 0)
        {
            rows.Add(unassigned);
        }

        return rows;
    }

    public sealed class SchoolMix(Guid? schoolId, string? name)
    {
        public Guid? SchoolId { get; } = schoolId;

        /// <summary>Null for devices not assigned to a school.</summary>
        public string? Name { get; } = name;

        public Dictionary<string, int> Counts { get; } = [];

        public int Total => Counts.Values.Sum();

        public int Count(string family) => Counts.GetValueOrDefault(family);

        /// <summary>Whole percent of this school's devices, for the bar and the table.</summary>
        public int Percent(string family) => Total == 0 ? 0 : (int)Math.Round(100.0 * Count(family) / Total, MidpointRounding.AwayFromZero);
    }
}
