using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Versions;

public class NumericSchemeTests
{
    private static readonly VersionScheme Windows = VersionSchemes.Get(VersionSchemeKind.Windows);

    [Fact]
    public void WindowsUbrAgainstNvdBounds()
    {
        var rows = VersionVectors.ReadCsv(VersionVectors.FixturePath("windows", "windows-ubr-vs-nvd-cve-2024-38063.csv"), out var lines);
        Assert.Equal(45, lines);
        VersionVectors.Run("windows/ubr-vs-nvd-cve-2024-38063", rows, 45, r =>
        {
            var (bound, installed, expected) = (r[2], r[3], r[4]);
            var vulnerable = Windows.Compare(installed, bound) < 0;
            var key = Windows.Parse(installed) < Windows.Parse(bound);
            return vulnerable == (expected == "vulnerable") && key == vulnerable ? null : $"{installed} vs {bound}: expected {expected}";
        });
    }

    [Fact]
    public void WindowsReleaseTableMatchesEndOfLifeFixture()
    {
        var rows = VersionVectors.ReadCsv(VersionVectors.FixturePath("windows", "windows-release-builds.csv"), out var lines);
        Assert.Equal(67, lines);
        Assert.Equal(67, WindowsReleases.All.Count);
        VersionVectors.Run("windows/release-builds", rows, 67, r =>
        {
            var product = r[0] == "windows-server" ? WindowsProduct.Server : WindowsProduct.Client;
            var match = WindowsReleases.All.SingleOrDefault(w => w.Product == product && w.Cycle == r[1]);
            if (match is null || match.Version != r[3] || match.Build.ToString(System.Globalization.CultureInfo.InvariantCulture) != r[4] || match.Label != r[2])
            {
                return $"{r[0]} {r[1]}: not in the embedded table as {r[3]}";
            }

            if (product == WindowsProduct.Client && EditionFor(r[1]) is { } edition
                && WindowsReleases.EndOfLifeCycle(match.Build, edition, product) != r[1])
            {
                return $"{r[1]}: ({match.Build}, {edition}) maps to {WindowsReleases.EndOfLifeCycle(match.Build, edition, product)}";
            }

            return null;
        });
    }

    private static WindowsEdition? EditionFor(string cycle) =>
        cycle.EndsWith("-e-lts", StringComparison.Ordinal) ? WindowsEdition.EnterpriseLtsc
        : cycle.EndsWith("-iot-lts", StringComparison.Ordinal) ? WindowsEdition.IoTEnterpriseLtsc
        : cycle.EndsWith("-iot", StringComparison.Ordinal) ? WindowsEdition.IoTEnterprise
        : cycle.EndsWith("-e", StringComparison.Ordinal) ? WindowsEdition.Education
        : cycle.EndsWith("-w", StringComparison.Ordinal) ? WindowsEdition.Pro
        : WindowsEdition.Home;

    [Theory]
    [InlineData(19045, WindowsEdition.Education, WindowsProduct.Client, "10-22h2", "Windows 10 22H2")]
    [InlineData(22631, WindowsEdition.Enterprise, WindowsProduct.Client, "11-23h2-e", "Windows 11 23H2")]
    [InlineData(22631, WindowsEdition.Pro, WindowsProduct.Client, "11-23h2-w", "Windows 11 23H2")]
    [InlineData(26100, WindowsEdition.Education, WindowsProduct.Client, "11-24h2-e", "Windows 11 24H2")]
    [InlineData(26100, WindowsEdition.Home, WindowsProduct.Client, "11-24h2-w", "Windows 11 24H2")]
    [InlineData(26100, WindowsEdition.EnterpriseLtsc, WindowsProduct.Client, "11-24h2-e-lts", "Windows 11 24H2")]
    [InlineData(26100, WindowsEdition.Server, WindowsProduct.Server, "2025", "Windows Server 2025")]
    [InlineData(20348, WindowsEdition.Server, WindowsProduct.Server, "2022", "Windows Server 2022")]
    [InlineData(17763, WindowsEdition.Server, WindowsProduct.Server, "2019", "Windows Server 2019")]
    [InlineData(17763, WindowsEdition.IoTEnterpriseLtsc, WindowsProduct.Client, "10-1809-e-lts", "Windows 10 1809")]
    public void BuildAndEditionToCycle(int build, WindowsEdition edition, WindowsProduct product, string cycle, string name)
    {
        var release = WindowsReleases.Find(build, edition, product);
        Assert.NotNull(release);
        Assert.Equal(cycle, release.Cycle);
        Assert.Equal(name, release.Name);
    }

    [Fact]
    public void UnknownEditionDoesNotGuessBetweenLifecycles()
    {
        Assert.Null(WindowsReleases.Find(26100, WindowsEdition.Unknown, WindowsProduct.Client));
        Assert.Equal("10-22h2", WindowsReleases.EndOfLifeCycle(19045, WindowsEdition.Unknown, WindowsProduct.Client));
        Assert.Null(WindowsReleases.Find(12345, WindowsEdition.Pro, WindowsProduct.Client));
    }

    [Theory]
    [InlineData("Professional", WindowsEdition.Pro)]
    [InlineData("ProfessionalN", WindowsEdition.Pro)]
    [InlineData("Core", WindowsEdition.Home)]
    [InlineData("Education", WindowsEdition.Education)]
    [InlineData("EnterpriseS", WindowsEdition.EnterpriseLtsc)]
    [InlineData("IoTEnterpriseS", WindowsEdition.IoTEnterpriseLtsc)]
    [InlineData("ServerDatacenter", WindowsEdition.Server)]
    [InlineData("Something", WindowsEdition.Unknown)]
    public void EditionFromRegistry(string id, WindowsEdition expected) => Assert.Equal(expected, WindowsReleases.EditionFromRegistry(id));

    [Theory]
    [InlineData("windows", "10.0.19045.999", "10.0.19045.4780", -1)]
    [InlineData("windows", "10.0.19045.10000", "10.0.19045.4780", 1)]
    [InlineData("windows", "10.0.19045", "10.0.19045.0", 0)]
    [InlineData("windows", "10.0.22631.4780", "10.0.19045.9999", 1)]
    [InlineData("chrome", "120.0.6099.109", "120.0.6099.71", 1)]
    [InlineData("chrome", "99.0.4844.84", "100.0.4896.60", -1)]
    [InlineData("apple", "17.5", "17.5.0", 0)]
    [InlineData("apple", "17.5.1", "17.5", 1)]
    [InlineData("apple", "16.5.1 (a)", "16.5.1", 1)]
    [InlineData("apple", "16.5.1 (c)", "16.5.1 (a)", 1)]
    [InlineData("apple", "16.5.1 (c)", "16.5.2", -1)]
    [InlineData("apple", "10.15.7", "11.0.1", -1)]
    [InlineData("chromeos", "R120-15662.76.0", "15662.76.0", 0)]
    [InlineData("chromeos", "15917.71.0", "R120-15662.76.0", 1)]
    [InlineData("generic", "23.01", "23.1", 0)]
    [InlineData("generic", "23.01", "22.01", 1)]
    [InlineData("generic", "128.0esr", "128.0", 1)]
    [InlineData("generic", "128.0esr", "128.0.1", -1)]
    [InlineData("generic", "128.0esr", "128.1.0esr", -1)]
    [InlineData("generic", "2.0rc1", "2.0", -1)]
    [InlineData("generic", "2.0rc1", "2.0beta3", 1)]
    [InlineData("generic", "1.0-beta2", "1.0b2", 0)]
    [InlineData("generic", "1.0a1", "1.0alpha1", 0)]
    [InlineData("generic", "1.0.0", "1", 0)]
    [InlineData("generic", "1.0rc1", "1rc1", 0)]
    [InlineData("generic", "24.002.20933", "24.002.20895", 1)]
    [InlineData("generic", "24.002.20933", "24.1.20933", 1)]
    [InlineData("generic", "v1.2", "1.2", 0)]
    [InlineData("generic", "1.2-final", "1.2", 0)]
    [InlineData("generic", "1.2.0.1", "1.2", 1)]
    [InlineData("generic", "1.2p1", "1.2", 1)]
    [InlineData("generic", "1.0.0.0.1", "1.0.1", -1)]
    public void Ordering(string scheme, string a, string b, int expected)
    {
        Assert.True(VersionSchemes.TryGet(scheme, out var s));
        Assert.Null(VersionVectors.CheckPair(s, a, b, expected));
    }

    [Theory]
    [InlineData("windows", "10")]
    [InlineData("windows", "10.0.19045.4780.1")]
    [InlineData("windows", "10.0.x")]
    [InlineData("windows", "10..0")]
    [InlineData("chrome", "120.0.6099.109-beta")]
    [InlineData("apple", "17.5.1 (1)")]
    [InlineData("chromeos", "R-15662.76.0")]
    [InlineData("generic", "esr")]
    [InlineData("generic", " 1.0")]
    public void RejectsInvalid(string scheme, string text)
    {
        Assert.True(VersionSchemes.TryGet(scheme, out var s));
        Assert.False(s.TryParse(text, out _, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    public static readonly TheoryData<string> Schemes = ["windows", "chrome", "apple", "chromeos", "generic"];

    [Theory]
    [MemberData(nameof(Schemes))]
    public void OrderLawsHoldOnHostileInput(string scheme)
    {
        Assert.True(VersionSchemes.TryGet(scheme, out var s));
        SchemeProperties.Check(s, SchemeProperties.Structured(
            ["", "", "R120-", "v"],
            ["0", "00", "1", "2", "10", "01", "19045", "99999999999999999999"],
            ["", "-", "_", " ", "~"],
            ["esr", "rc", "a", "b", "beta", "1", "0", "final", "p", "(a)", "(c)"],
            ["0", "1", ".", ".", "-", "esr", "rc", "a", "Z", " (a)", "é", "\u0000", "R1-"]));
    }
}
