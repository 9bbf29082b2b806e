using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Patchpeil.Agent;
using Patchpeil.Agent.Linux;
using Patchpeil.Contracts;

namespace Patchpeil.Agent.Tests;

public class LinuxCollectorTests
{
    private static readonly string[] PackageNames = ["postgresql-15", "libpq5", "mariadb-server", "mariadb-client", "redis-server", "mssql-server", "mongodb-org-server", "mysql-common"];
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "fixtures", "agent");

    [Fact]
    public void ThisMachinesDpkgDatabaseMatchesDpkgQuery()
    {
        if (!File.Exists("/var/lib/dpkg/status") || !File.Exists("/usr/bin/dpkg-query"))
        {
            Assert.Skip("Not a Debian or Ubuntu machine: no dpkg database to read.");
        }

        using var reader = File.OpenText("/var/lib/dpkg/status");
        var ours = DpkgStatus.Parse(reader).Select(i => $"{i.Name}:{i.Architecture} {i.Version}").Order(StringComparer.Ordinal).ToList();

        // dpkg itself is the reference: every package it lists as installed, with the same version.
        var dpkg = Run("dpkg-query", "-W", "-f=${db:Status-Abbrev}\t${Package}:${Architecture} ${Version}\n")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith("ii", StringComparison.Ordinal))
            .Select(l => l.Split('\t')[1])
            .Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(dpkg);
        Assert.Equal(dpkg, ours);
    }

    [Fact]
    public void SourcePackagesAreKeptForDebianAdvisories()
    {
        using var reader = File.OpenText(Path.Combine(Fixtures, "debian12", "var", "lib", "dpkg", "status"));
        var items = DpkgStatus.Parse(reader).ToDictionary(i => i.Name);
        Assert.Equal(10, items.Count);
        Assert.Equal("glibc", items["libc6"].SourcePackage);
        Assert.Equal(items["libc6"].Version, items["libc6"].SourceVersion);
        Assert.Equal("openssl", items["libssl3"].SourcePackage);
        Assert.Equal("bash", items["bash"].SourcePackage);
        Assert.All(items.Values, i => Assert.Equal("dpkg", i.Source));
    }

    [Fact]
    public void BinNmuSourceVersionIsReadFromTheSourceField()
    {
        const string status = """
            Package: libfoo1
            Status: install ok installed
            Architecture: amd64
            Source: foo (1.2-3)
            Version: 1.2-3+b1

            Package: removed-but-configured
            Status: deinstall ok config-files
            Version: 9.9

            """;
        var item = Assert.Single(DpkgStatus.Parse(new StringReader(status)));
        Assert.Equal(("foo", "1.2-3", "1.2-3+b1"), (item.SourcePackage, item.SourceVersion, item.Version));
    }

    [Fact]
    public async Task RecordedDebianRootGivesOsDeviceDatabasesAndReboot()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var report = await new LinuxCollector(Path.Combine(Fixtures, "debian12") + "/", time).CollectAsync(TestContext.Current.CancellationToken);
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", report.OperatingSystem.Name);
        Assert.Equal(("debian", "12"), (report.OperatingSystem.DistributionId, report.OperatingSystem.DistributionVersion));
        Assert.True(report.OperatingSystem.PendingReboot);
        Assert.Equal("agent-fixture-host", report.Device.Hostname);
        Assert.Equal(time.GetUtcNow().UtcDateTime, report.CollectedUtc);
        Assert.Equal(10, report.Software.Count);
        var database = Assert.Single(report.Databases);
        Assert.Equal(("PostgreSQL", "dpkg:postgresql-15"), (database.Engine, database.Evidence));
        Assert.Empty(report.PendingUpdates);
    }

    [Fact]
    public void PendingUpdatesAreReadFromAptListOutput()
    {
        var lines = File.ReadAllLines(Path.Combine(Fixtures, "apt-list-upgradable.txt"));
        var updates = AptUpgradable.Parse(new StringReader(string.Join('\n', lines)));
        Assert.Equal(lines.Count(l => l.Contains("[upgradable from: ", StringComparison.Ordinal)), updates.Count);
        Assert.NotEmpty(updates);
        var baseFiles = updates.Single(u => u.Name == "base-files");
        Assert.Equal(("12.4+deb12u11", "12.4+deb12u15", "oldstable"), (baseFiles.InstalledVersion, baseFiles.AvailableVersion, baseFiles.Origin));
    }

    [Fact]
    public void ApkDatabaseKeepsOrigin()
    {
        // The field layout of Alpine's /lib/apk/db/installed (apk-tools' documented database format).
        const string db = "C:Q1abc=\nP:libcrypto3\nV:3.3.2-r1\nA:x86_64\no:openssl\nm:Ariadne Conill <ariadne@dereferenced.org>\n\nP:busybox\nV:1.36.1-r29\nA:x86_64\no:busybox\n";
        var items = ApkDatabase.Parse(new StringReader(db));
        Assert.Equal(2, items.Count);
        Assert.Equal(("libcrypto3", "3.3.2-r1", "openssl"), (items[0].Name, items[0].Version, items[0].SourcePackage));
        Assert.Equal("busybox", items[1].SourcePackage);
    }

    [Fact]
    public void RpmQueryOutputBecomesEpochVersionRelease()
    {
        var output = "openssl-libs\t1\t3.0.7\t27.el9\tx86_64\topenssl-3.0.7-27.el9.src.rpm\tRed Hat, Inc.\n"
            + "bash\t0\t5.1.8\t9.el9\tx86_64\tbash-5.1.8-9.el9.src.rpm\tRed Hat, Inc.\n"
            + "gpg-pubkey\t0\tfd431d51\t4ae0493b\t(none)\t(none)\t(none)\n";
        var items = RpmQuery.Parse(new StringReader(output));
        Assert.Equal(2, items.Count);
        Assert.Equal(("openssl-libs", "1:3.0.7-27.el9", "openssl"), (items[0].Name, items[0].Version, items[0].SourcePackage));
        Assert.Equal("5.1.8-9.el9", items[1].Version);
    }

    [Fact]
    public void DatabasesAreRecognisedByTheirServerPackages()
    {
        var software = PackageNames.Select(n => new InstalledItem("dpkg", n, "1.0"));
        Assert.Equal(["PostgreSQL", "MariaDB", "Redis", "SQL Server", "MongoDB"], DatabaseRecognizer.Recognise(software).Select(d => d.Engine));
    }

    [Fact]
    public void AgentRunsOnThisMachineAndWritesAReport()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("The collector in this build is Linux-only.");
        }

        var output = Path.Combine(Path.GetTempPath(), $"patchpeil-report-{Guid.NewGuid():N}.json");
        var result = Run("dotnet", Path.Combine(AppContext.BaseDirectory, "patchpeil-agent.dll"), "run", "--output", output);
        Assert.Contains("packages", result);
        var report = System.Text.Json.JsonSerializer.Deserialize<AgentReport>(File.ReadAllText(output), PatchpeilClient.JsonOptions)!;
        Assert.Equal("linux", report.OperatingSystem.Family);
        Assert.NotEmpty(report.Software);
        File.Delete(output);
    }

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} exited {process.ExitCode}: {error}");
        return output.Result + error;
    }
}
