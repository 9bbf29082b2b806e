using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Agent.CheckIn;
using Patchpeil.Agent.Linux;
using Patchpeil.Contracts;
using Patchpeil.Server.Inventory.Agents;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

/// <summary>The agent's own enroll and upload code, with this machine's real collector, against the real server on 127.0.0.1.</summary>
public abstract class AgentEndToEndTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    [Fact]
    public async Task AgentEnrollsReportsQueuesWhileTheServerIsAwayAndSendsOnlyChangesAfterwards()
    {
        if (!File.Exists("/var/lib/dpkg/status"))
        {
            Assert.Skip("Not a Debian or Ubuntu machine: no dpkg database to report.");
        }

        var app = await AppAsync();
        app.UseKestrel(0);
        app.StartServer();
        var server = app.ClientOptions.BaseAddress;
        var organisation = await app.CreateOrganisationAsync("Stichting Agent E2E");
        var admin = new PatchpeilClient(await organisation.ApiClientAsync());
        var secret = (await admin.CreateEnrollmentSecretAsync(new EnrollmentSecretInput("E2E", null, null))).Secret!;
        var folder = Path.Combine(Path.GetTempPath(), "patchpeil-agent-" + Guid.NewGuid().ToString("N")[..8]);
        Func<CancellationToken, Task<AgentReport>> collect = ct => new LinuxCollector("/", TimeProvider.System).CollectAsync(ct);
        try
        {
            Assert.Equal(0, await AgentCommands.EnrollAsync(["enroll", "--server", server.ToString(), "--secret", secret, "--config", folder], collect));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, AgentState.ConfigFile)));
            }

            Assert.DoesNotContain(secret, await File.ReadAllTextAsync(Path.Combine(folder, AgentState.ConfigFile)), StringComparison.Ordinal);
            var state = AgentState.Load(folder)!;

            // First run: full, with this machine's packages.
            var uploader = new Uploader(folder, collect, TimeProvider.System);
            var first = await uploader.RunOnceAsync();
            Assert.Null(first.Problem);
            Assert.Equal(1, first.Sent);
            var machine = await collect(CancellationToken.None);
            var snapshots = await SnapshotsAsync(app);
            Assert.True(snapshots[^1].Full);
            Assert.Equal(InventoryHash.Of(machine.Software), snapshots[^1].InventoryHash);
            Assert.Equal(machine.Software.Distinct().Count(), snapshots[^1].ItemCount);

            // Nothing changed: a delta with nothing in it, recorded as seen.
            Assert.Equal(1, (await uploader.RunOnceAsync()).Sent);
            snapshots = await SnapshotsAsync(app);
            Assert.False(snapshots[^1].Full);
            Assert.True(snapshots[^1].Unchanged);

            // A package goes away and another changes version: only that travels, and the server's list follows.
            var removed = machine.Software[0];
            var changed = machine.Software[1] with { Version = machine.Software[1].Version + "+patchpeil1" };
            Func<CancellationToken, Task<AgentReport>> changedCollect = async ct =>
            {
                var r = await collect(ct);
                return r with { Software = r.Software.Where(i => i != removed && i.Name != changed.Name).Append(changed).ToList() };
            };
            var expected = (await changedCollect(CancellationToken.None)).Software;
            Assert.Null((await new Uploader(folder, changedCollect, TimeProvider.System).RunOnceAsync()).Problem);
            snapshots = await SnapshotsAsync(app);
            Assert.False(snapshots[^1].Full);
            Assert.False(snapshots[^1].Unchanged);
            Assert.Equal(InventoryHash.Of(expected), snapshots[^1].InventoryHash);

            // The server is away: the report waits on disk, and goes out with the next one when it is back.
            new AgentState { Server = new Uri($"http://127.0.0.1:{ClosedPort()}/"), DeviceId = state.DeviceId, AssetId = state.AssetId, DeviceKey = state.DeviceKey, InventoryHash = AgentState.Load(folder)!.InventoryHash, FullNext = false }.Save(folder);
            var away = await uploader.RunOnceAsync();
            Assert.Contains("unreachable", away.Problem, StringComparison.Ordinal);
            Assert.Single(new Outbox(folder).Files);
            new AgentState { Server = server, DeviceId = state.DeviceId, AssetId = state.AssetId, DeviceKey = state.DeviceKey, InventoryHash = AgentState.Load(folder)!.InventoryHash, FullNext = false }.Save(folder);
            var back = await uploader.RunOnceAsync();
            Assert.Null(back.Problem);
            Assert.Equal(2, back.Sent);
            Assert.Empty(new Outbox(folder).Files);
            snapshots = await SnapshotsAsync(app);
            Assert.Equal(InventoryHash.Of(machine.Software), snapshots[^1].InventoryHash);

            // The server asks for a full list: the next run sends one.
            await admin.RequestFullReportAsync(state.DeviceId);
            Assert.Null((await uploader.RunOnceAsync()).Problem);
            snapshots = await SnapshotsAsync(app);
            Assert.True(snapshots[^1].Full);
            Assert.Equal(6, snapshots.Count);
            Assert.False((await admin.GetAgentDevicesAsync()).Single().FullReportRequested);
            Assert.Equal(machine.OperatingSystem.Name, (await admin.GetAssetAsync(state.AssetId)).Platform);

            // Revoked: the agent says so and keeps its report.
            await admin.RevokeAgentDeviceAsync(state.DeviceId);
            var refused = await uploader.RunOnceAsync();
            Assert.Contains("403", refused.Problem, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Task<List<AssetSnapshot>> SnapshotsAsync(PatchpeilFactory app) =>
        app.WithSystemAsync((_, db) => db.Set<AssetSnapshot>().OrderBy(s => s.ReceivedUtc).ThenBy(s => s.Id).ToListAsync());

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed class AgentEndToEndTestsSqlite(PostgresServer postgres) : AgentEndToEndTests(postgres, Provider.Sqlite);

public sealed class AgentEndToEndTestsPostgres(PostgresServer postgres) : AgentEndToEndTests(postgres, Provider.Postgres);
