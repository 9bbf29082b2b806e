using Patchpeil.Agent.CheckIn;
using Patchpeil.Contracts;

namespace Patchpeil.Agent.Tests;

public sealed class OutboxTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "patchpeil-outbox-" + Guid.NewGuid().ToString("N")[..8]);

    private static AgentReport Report(bool full, DateTime collected) =>
        new(Guid.NewGuid(), collected, "1.0.0", full, new DeviceIdentity("host", null, null, "m"),
            new OperatingSystemInfo("linux", "Debian", null, "12", null, "debian", "12", null, null, false),
            [new InstalledItem("dpkg", "bash", "5.2.15-2+b7")], [], [], [], full ? null : new AgentDelta("abc", []));

    [Fact]
    public void OutboxIsBoundedKeepsOrderAndSaysWhenItDroppedTheOldest()
    {
        var outbox = new Outbox(_folder, capacity: 3);
        var start = new DateTime(2026, 11, 29, 8, 0, 0, DateTimeKind.Utc);
        var reports = Enumerable.Range(0, 4).Select(i => Report(i == 0, start.AddMinutes(i))).ToList();
        Assert.False(outbox.Enqueue(reports[0], start));
        Assert.False(outbox.Enqueue(reports[1], start.AddMinutes(1)));
        Assert.False(outbox.Enqueue(reports[2], start.AddMinutes(2)));
        Assert.True(outbox.Enqueue(reports[3], start.AddMinutes(3)));

        Assert.Equal(reports.Skip(1).Select(r => r.ReportId), outbox.Files.Select(f => Outbox.Read(f).ReportId));
        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in outbox.Files)
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }

        outbox.DropDeltas();
        Assert.Empty(outbox.Files);
    }

    [Fact]
    public void FullReportsSurviveDroppingDeltas()
    {
        var outbox = new Outbox(_folder);
        var now = DateTime.UtcNow;
        outbox.Enqueue(Report(true, now), now);
        outbox.Enqueue(Report(false, now), now.AddSeconds(1));
        outbox.DropDeltas();
        Assert.True(Outbox.Read(Assert.Single(outbox.Files)).Full);
    }

    [Fact]
    public void InventoryHashIgnoresOrderAndDuplicatesButNotVersions()
    {
        var a = new InstalledItem("dpkg", "bash", "5.2.15-2+b7", null, "amd64");
        var b = new InstalledItem("dpkg", "openssl", "3.0.15-1~deb12u1", null, "amd64");
        Assert.Equal(InventoryHash.Of([a, b]), InventoryHash.Of([b, a, a]));
        Assert.NotEqual(InventoryHash.Of([a, b]), InventoryHash.Of([a, b with { Version = "3.0.16-1~deb12u1" }]));

        // Field boundaries cannot be imitated by content.
        Assert.NotEqual(InventoryHash.Of([new InstalledItem("dpkg", "a|b", "1")]), InventoryHash.Of([new InstalledItem("dpkg|a", "b", "1")]));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
