using System.Globalization;

namespace Patchpeil.Core.Versions;

/// <summary>Client Windows or Windows Server — the same build number can be either (26100 = 11 24H2 and Server 2025).</summary>
public enum WindowsProduct
{
    Client,
    Server,
}

/// <summary>
/// Editions that change which lifecycle a Windows release follows. endoflife.date splits client cycles into
/// <c>-w</c> (Home, Pro, Pro Education, Pro for Workstations), <c>-e</c> (Enterprise, Education, IoT Enterprise),
/// <c>-e-lts</c> (Enterprise LTSC) and <c>-iot-lts</c> (IoT Enterprise LTSC).
/// </summary>
public enum WindowsEdition
{
    Unknown = 0,
    Home,
    Pro,
    ProEducation,
    ProWorkstation,
    Education,
    Enterprise,
    IoTEnterprise,
    EnterpriseLtsc,
    IoTEnterpriseLtsc,
    Server,
}

/// <summary>One endoflife.date release cycle of Windows or Windows Server and the build it ships.</summary>
public sealed record WindowsRelease(WindowsProduct Product, string Cycle, string Label, string Version, bool Lts)
{
    /// <summary>The build number (third part of <see cref="Version"/>, e.g. 26100).</summary>
    public int Build => int.Parse(Version.AsSpan(Version.LastIndexOf('.') + 1), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The endoflife.date product: "windows" or "windows-server".</summary>
    public string EndOfLifeProduct => Product == WindowsProduct.Server ? "windows-server" : "windows";

    /// <summary>Human name without the edition marks: "Windows 11 24H2", "Windows Server 2025".</summary>
    public string Name
    {
        get
        {
            if (Product == WindowsProduct.Server)
            {
                return Label.Length == 0 ? "Windows Server " + Cycle : Label;
            }

            var label = Label;
            foreach (var mark in (ReadOnlySpan<string>)[" (E)", " (W)", " IoT", " IOT"])
            {
                label = label.Replace(mark, string.Empty, StringComparison.Ordinal);
            }

            return "Windows " + label;
        }
    }
}

/// <summary>
/// Build → release lookup for Windows and Windows Server, and the endoflife.date cycle for a (build, edition).
/// The table is derived from endoflife.date's <c>products/windows.md</c> and <c>products/windows-server.md</c>
/// (github.com/endoflife-date/endoflife.date @ a70eca337600e7d721dc48112c271f98661d208b, 2026-08-22, MIT; copies in
/// tests/fixtures/versions/endoflife). Regenerate it from those files when endoflife.date adds a release.
/// </summary>
public static class WindowsReleases
{
    public static IReadOnlyList<WindowsRelease> All { get; } =
    [
        new(WindowsProduct.Client, "11-26h1-e", "11 26H1 (E)", "10.0.28000", false),
        new(WindowsProduct.Client, "11-26h1-w", "11 26H1 (W)", "10.0.28000", false),
        new(WindowsProduct.Client, "11-25h2-e", "11 25H2 (E)", "10.0.26200", false),
        new(WindowsProduct.Client, "11-25h2-w", "11 25H2 (W)", "10.0.26200", false),
        new(WindowsProduct.Client, "11-24h2-iot-lts", "11 24H2 IoT", "10.0.26100", true),
        new(WindowsProduct.Client, "11-24h2-e-lts", "11 24H2 (E)", "10.0.26100", true),
        new(WindowsProduct.Client, "11-24h2-e", "11 24H2 (E)", "10.0.26100", false),
        new(WindowsProduct.Client, "11-24h2-w", "11 24H2 (W)", "10.0.26100", false),
        new(WindowsProduct.Client, "11-23h2-e", "11 23H2 (E)", "10.0.22631", false),
        new(WindowsProduct.Client, "11-23h2-w", "11 23H2 (W)", "10.0.22631", false),
        new(WindowsProduct.Client, "10-22h2", "10 22H2", "10.0.19045", false),
        new(WindowsProduct.Client, "11-22h2-e", "11 22H2 (E)", "10.0.22621", false),
        new(WindowsProduct.Client, "11-22h2-w", "11 22H2 (W)", "10.0.22621", false),
        new(WindowsProduct.Client, "10-21h2-iot-lts", "10 21H2 IoT", "10.0.19044", true),
        new(WindowsProduct.Client, "10-21h2-e-lts", "10 21H2 (E)", "10.0.19044", true),
        new(WindowsProduct.Client, "10-21h2-e", "10 21H2 (E)", "10.0.19044", false),
        new(WindowsProduct.Client, "10-21h2-w", "10 21H2 (W)", "10.0.19044", false),
        new(WindowsProduct.Client, "11-21h2-e", "11 21H2 (E)", "10.0.22000", false),
        new(WindowsProduct.Client, "11-21h2-w", "11 21H2 (W)", "10.0.22000", false),
        new(WindowsProduct.Client, "10-21h1", "10 21H1", "10.0.19043", false),
        new(WindowsProduct.Client, "10-20h2-e", "10 20H2 (E)", "10.0.19042", false),
        new(WindowsProduct.Client, "10-20h2-w", "10 20H2 (W)", "10.0.19042", false),
        new(WindowsProduct.Client, "10-2004", "10 2004", "10.0.19041", false),
        new(WindowsProduct.Client, "10-1909-e", "10 1909 (E)", "10.0.18363", false),
        new(WindowsProduct.Client, "10-1909-w", "10 1909 (W)", "10.0.18363", false),
        new(WindowsProduct.Client, "10-1903", "10 1903", "10.0.18362", false),
        new(WindowsProduct.Client, "10-1809-e-lts", "10 1809 (E)", "10.0.17763", true),
        new(WindowsProduct.Client, "10-1809-e", "10 1809 (E)", "10.0.17763", false),
        new(WindowsProduct.Client, "10-1809-w", "10 1809 (W)", "10.0.17763", false),
        new(WindowsProduct.Client, "10-1803-e", "10 1803 (E)", "10.0.17134", false),
        new(WindowsProduct.Client, "10-1803-w", "10 1803 (W)", "10.0.17134", false),
        new(WindowsProduct.Client, "10-1709-e", "10 1709 (E)", "10.0.16299", false),
        new(WindowsProduct.Client, "10-1709-w", "10 1709 (W)", "10.0.16299", false),
        new(WindowsProduct.Client, "10-1703-e", "10 1703 (E)", "10.0.15063", false),
        new(WindowsProduct.Client, "10-1703-w", "10 1703 (W)", "10.0.15063", false),
        new(WindowsProduct.Client, "10-1607-e-lts", "10 1607 (E)", "10.0.14393", true),
        new(WindowsProduct.Client, "10-1607-e", "10 1607 (E)", "10.0.14393", false),
        new(WindowsProduct.Client, "10-1607-w", "10 1607 (W)", "10.0.14393", false),
        new(WindowsProduct.Client, "10-1511", "10 1511", "10.0.10586", false),
        new(WindowsProduct.Client, "10-1507-e-lts", "10 1507 (E)", "10.0.10240", true),
        new(WindowsProduct.Client, "10-1507", "10 1507", "10.0.10240", false),
        new(WindowsProduct.Client, "10-1507-iot", "10 1507 IOT", "10.0.10240", false),
        new(WindowsProduct.Client, "8.1", "8.1", "6.3.9600", false),
        new(WindowsProduct.Client, "8", "8", "6.2.9200", false),
        new(WindowsProduct.Client, "7-sp1", "7 SP1", "6.1.7601", false),
        new(WindowsProduct.Client, "6-sp2", "Vista SP2", "6.0.6200", false),
        new(WindowsProduct.Client, "5-sp3", "XP SP3", "5.1.2600", false),
        new(WindowsProduct.Server, "2025", "", "10.0.26100", true),
        new(WindowsProduct.Server, "23h2-ac", "Windows Server 23H2 AC", "10.0.25398", false),
        new(WindowsProduct.Server, "2022", "", "10.0.20348", true),
        new(WindowsProduct.Server, "20h2-sac", "Windows Server 20H2 SAC", "10.0.19042", false),
        new(WindowsProduct.Server, "2004-sac", "Windows Server 2004 SAC", "10.0.19041", false),
        new(WindowsProduct.Server, "1909-sac", "Windows Server 1909 SAC", "10.0.18363", false),
        new(WindowsProduct.Server, "1903-sac", "Windows Server 1903 SAC", "10.0.18362", false),
        new(WindowsProduct.Server, "1809-sac", "Windows Server 1809 SAC", "10.0.17763", false),
        new(WindowsProduct.Server, "2019", "", "10.0.17763", true),
        new(WindowsProduct.Server, "1803-sac", "Windows Server 1803 SAC", "10.0.17134", false),
        new(WindowsProduct.Server, "1709-sac", "Windows Server 1709 SAC", "10.0.16299", false),
        new(WindowsProduct.Server, "2016", "", "10.0.14393", true),
        new(WindowsProduct.Server, "2012-r2", "Windows Server 2012 R2", "6.3.9600", true),
        new(WindowsProduct.Server, "2012", "", "6.2.9200", true),
        new(WindowsProduct.Server, "2008-r2-sp1", "Windows Server 2008 R2 SP1", "6.1.7601", true),
        new(WindowsProduct.Server, "2008-sp2", "Windows Server 2008 SP2", "6.0.6003", true),
        new(WindowsProduct.Server, "2003-sp2", "Windows Server 2003 SP2", "5.2.3790", true),
        new(WindowsProduct.Server, "2003-sp1", "Windows Server 2003 SP1", "5.2.3790", false),
        new(WindowsProduct.Server, "2003", "", "5.2.3790", true),
        new(WindowsProduct.Server, "2000", "", "5.0.2195", true),
    ];

    /// <summary>Every cycle whose build is <paramref name="build"/> for the product (several: E/W/LTSC variants).</summary>
    public static IReadOnlyList<WindowsRelease> ForBuild(int build, WindowsProduct product) =>
        [.. All.Where(r => r.Product == product && r.Build == build)];

    /// <summary>
    /// The endoflife.date cycle for a build and edition, e.g. (26100, Enterprise, Client) → <c>11-24h2-e</c>,
    /// (26100, Pro) → <c>11-24h2-w</c>, (26100, EnterpriseLtsc) → <c>11-24h2-e-lts</c>, (26100, Server) →
    /// <c>2025</c>. Null when the build is unknown, or the edition is needed to choose and is
    /// <see cref="WindowsEdition.Unknown"/>.
    /// </summary>
    public static WindowsRelease? Find(int build, WindowsEdition edition, WindowsProduct product)
    {
        var candidates = ForBuild(build, product);
        if (candidates.Count == 0)
        {
            return null;
        }

        if (product == WindowsProduct.Server)
        {
            // Long-term servicing releases (2019) before semi-annual ones (1809-sac) that share the build.
            return candidates.FirstOrDefault(r => r.Lts) ?? candidates[0];
        }

        if (edition == WindowsEdition.IoTEnterprise && candidates.FirstOrDefault(r => r.Cycle.EndsWith("-iot", StringComparison.Ordinal)) is { } iot)
        {
            return iot;
        }

        var suffix = edition switch
        {
            WindowsEdition.EnterpriseLtsc => "-e-lts",
            WindowsEdition.IoTEnterpriseLtsc => "-iot-lts",
            WindowsEdition.Enterprise or WindowsEdition.Education or WindowsEdition.IoTEnterprise => "-e",
            WindowsEdition.Home or WindowsEdition.Pro or WindowsEdition.ProEducation or WindowsEdition.ProWorkstation => "-w",
            _ => null,
        };

        if (suffix is not null && candidates.FirstOrDefault(r => r.Cycle.EndsWith(suffix, StringComparison.Ordinal)) is { } exact)
        {
            return exact;
        }

        // A cycle without an edition mark applies to every edition (10-22h2, 10-1903, 8.1 …).
        var plain = candidates.Where(r => !HasEditionMark(r.Cycle)).ToList();
        if (plain.Count > 0)
        {
            return plain[0];
        }

        // IoT LTSC falls back to Enterprise LTSC where no IoT cycle exists (10 1809).
        if (edition == WindowsEdition.IoTEnterpriseLtsc)
        {
            return candidates.FirstOrDefault(r => r.Cycle.EndsWith("-e-lts", StringComparison.Ordinal));
        }

        return null;
    }

    /// <summary>Convenience: the endoflife.date cycle name, or null (see <see cref="Find"/>).</summary>
    public static string? EndOfLifeCycle(int build, WindowsEdition edition, WindowsProduct product) => Find(build, edition, product)?.Cycle;

    /// <summary>Maps the registry's <c>EditionID</c> (Professional, Core, Education, EnterpriseS, IoTEnterpriseS, ServerStandard …).</summary>
    public static WindowsEdition EditionFromRegistry(string? editionId)
    {
        if (string.IsNullOrWhiteSpace(editionId))
        {
            return WindowsEdition.Unknown;
        }

        var id = editionId.Trim();
        if (id.StartsWith("Server", StringComparison.OrdinalIgnoreCase))
        {
            return WindowsEdition.Server;
        }

        // EditionID values end in N for the European "N" variants; the lifecycle is the same.
        if (id.Length > 1 && id.EndsWith('N'))
        {
            id = id[..^1];
        }

        return id.ToUpperInvariant() switch
        {
            "CORE" or "CORESINGLELANGUAGE" or "CORECOUNTRYSPECIFIC" => WindowsEdition.Home,
            "PROFESSIONAL" => WindowsEdition.Pro,
            "PROFESSIONALEDUCATION" => WindowsEdition.ProEducation,
            "PROFESSIONALWORKSTATION" => WindowsEdition.ProWorkstation,
            "EDUCATION" => WindowsEdition.Education,
            "ENTERPRISE" => WindowsEdition.Enterprise,
            "ENTERPRISES" => WindowsEdition.EnterpriseLtsc,
            "IOTENTERPRISE" => WindowsEdition.IoTEnterprise,
            "IOTENTERPRISES" => WindowsEdition.IoTEnterpriseLtsc,
            _ => WindowsEdition.Unknown,
        };
    }

    /// <summary>Reads build and UBR from <c>10.0.19045.4780</c> (UBR 0 when absent).</summary>
    public static bool TryParseBuild(ReadOnlySpan<char> version, out int build, out int ubr)
    {
        build = ubr = 0;
        Span<Range> parts = stackalloc Range[5];
        var n = version.Split(parts, '.');
        return n is 3 or 4
            && int.TryParse(version[parts[2]], NumberStyles.None, CultureInfo.InvariantCulture, out build)
            && (n == 3 || int.TryParse(version[parts[3]], NumberStyles.None, CultureInfo.InvariantCulture, out ubr));
    }

    private static bool HasEditionMark(string cycle) =>
        cycle.EndsWith("-e", StringComparison.Ordinal) || cycle.EndsWith("-w", StringComparison.Ordinal)
        || cycle.EndsWith("-lts", StringComparison.Ordinal) || cycle.EndsWith("-iot", StringComparison.Ordinal);
}
