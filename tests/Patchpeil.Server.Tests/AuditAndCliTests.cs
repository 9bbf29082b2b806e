using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Server.Audit;
using Patchpeil.Server.Data;
using Patchpeil.Server.Tests.Infrastructure;

namespace Patchpeil.Server.Tests;

public abstract class AuditAndCliTests(PostgresServer postgres, Provider provider) : AppTest(postgres, provider)
{
    [Fact]
    public async Task ChangesAreAuditedWithBeforeAndAfter()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Audit");
        var client = new PatchpeilClient(await organisation.ApiClientAsync(Role.ITStaff));
        var school = await client.CreateSchoolAsync(new SchoolInput("De Wilg", "10AA"));
        await client.UpdateSchoolAsync(school.Id, new SchoolInput("De Wilg", "10AB"));
        await client.DeleteSchoolAsync(school.Id);

        var events = await app.WithSystemAsync((_, db) => db.AuditEvents.Where(e => e.EntityId == school.Id.ToString()).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(["School.Created", "School.Changed", "School.Deleted"], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal(organisation.Id, e.OrganisationId));
        Assert.All(events, e => Assert.Contains("(token ", e.Actor));
        Assert.Null(events[0].Before);
        Assert.Contains("brin=10AA", events[0].After);
        Assert.Contains("brin=10AA", events[1].Before);
        Assert.Contains("brin=10AB", events[1].After);
        Assert.Null(events[2].After);
        Assert.All(events, e => Assert.Equal(DateTimeKind.Utc, e.TimestampUtc.Kind));
        Assert.True((await app.WithSystemAsync((_, db) => AuditChain.VerifyAsync(db))).Intact);
    }

    [Fact]
    public async Task TamperingWithOneAuditRowIsDetectedByTheCommandLine()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Manipulatie");
        var client = new PatchpeilClient(await organisation.ApiClientAsync());
        for (var i = 0; i < 3; i++)
        {
            await client.CreateSchoolAsync(new SchoolInput($"School {i}", $"2{i}AA"));
        }

        var (intact, total) = await RunCliAsync(app, "audit", "verify");
        Assert.Equal(0, intact.ExitCode);
        Assert.Contains("Audit log intact", intact.Output);

        var target = await app.WithSystemAsync((_, db) => db.AuditEvents.Where(e => e.Action == "School.Created").OrderBy(e => e.Id).Select(e => e.Id).FirstAsync());
        await app.WithSystemAsync((_, db) => db.Database.ExecuteSqlRawAsync("UPDATE \"AuditEvents\" SET \"After\" = 'name=Nooit bestaan; brin=00XX' WHERE \"Id\" = {0}", target));
        var (broken, _) = await RunCliAsync(app, "audit", "verify");
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains($"BROKEN at event {target}", broken.Error);

        var page = await (await organisation.SignedInClientAsync()).PostFormAsync("/audit", "/audit?handler=verify", []);
        Assert.Contains($"De keten is verbroken bij gebeurtenis {target}", await page.Content.ReadAsStringAsync());
        Assert.True(total > 0);
    }

    [Fact]
    public async Task DeletingAnAuditRowIsDetected()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Gat");
        var client = new PatchpeilClient(await organisation.ApiClientAsync());
        await client.CreateSchoolAsync(new SchoolInput("School A", "30AA"));
        await client.CreateSchoolAsync(new SchoolInput("School B", "31AA"));
        var middle = await app.WithSystemAsync((_, db) => db.AuditEvents.Where(e => e.Action == "School.Created").OrderBy(e => e.Id).Select(e => e.Id).FirstAsync());
        await app.WithSystemAsync((_, db) => db.AuditEvents.Where(e => e.Id == middle).ExecuteDeleteAsync());
        var result = await app.WithSystemAsync((_, db) => AuditChain.VerifyAsync(db));
        Assert.False(result.Intact);
        Assert.Equal(middle, result.FirstBrokenEventId);
    }

    [Fact]
    public async Task AuditorExportsTheAuditLogAsCsv()
    {
        var app = await AppAsync();
        var organisation = await app.CreateOrganisationAsync("Bestuur Export");
        await new PatchpeilClient(await organisation.ApiClientAsync()).CreateSchoolAsync(new SchoolInput("=HYPERLINK(\"x\")", "40AA"));
        var auditor = await organisation.SignedInClientAsync(await organisation.AddMemberAsync(Role.Auditor));
        var csv = await auditor.GetStringAsync("/audit?handler=csv&action=School.");
        var lines = csv.TrimEnd('\n').Split('\n');
        Assert.StartsWith("id,timestamp_utc,actor,action", lines[0], StringComparison.Ordinal);
        Assert.Single(lines.Skip(1));
        Assert.Contains("School.Created", lines[1]);
        Assert.Contains("\"name==HYPERLINK(\"\"x\"\"); brin=40AA\"", lines[1]);
    }

    /// <summary>Runs the real `patchpeil` executable against this test's database.</summary>
    protected static async Task<(CliResult Result, long Events)> RunCliAsync(PatchpeilFactory app, params string[] args) =>
        (await CliRunner.RunAsync(app.ConnectionString, null, args),
         await app.WithSystemAsync((_, db) => db.AuditEvents.LongCountAsync()));
}

public sealed class AuditAndCliTestsSqlite(PostgresServer postgres) : AuditAndCliTests(postgres, Provider.Sqlite)
{
    [Fact]
    public async Task SetupUserAddAndBackupFromTheCommandLine()
    {
        var folder = Directory.CreateTempSubdirectory("patchpeil-cli-").FullName;
        var database = $"Data Source={Path.Combine(folder, "patchpeil.db")}";
        var setup = await CliRunner.RunAsync(database, "een lang wachtwoord\n", "setup", "--organisation", "Stichting CLI", "--email", "cli@example.nl");
        Assert.Equal(0, setup.ExitCode);
        var again = await CliRunner.RunAsync(database, "een lang wachtwoord\n", "setup", "--organisation", "Tweede", "--email", "ander@example.nl");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("Setup has been done already", again.Error);

        var add = await CliRunner.RunAsync(database, "nog een lang wachtwoord\n", "user", "add", "--email", "auditor@example.nl", "--organisation", "Stichting CLI", "--role", "Auditor");
        Assert.Equal(0, add.ExitCode);
        var unknown = await CliRunner.RunAsync(database, null, "user", "add", "--email", "x@example.nl", "--organisation", "Bestaat niet");
        Assert.Equal(2, unknown.ExitCode);

        var backupFile = Path.Combine(folder, "backup.db");
        Assert.Equal(0, (await CliRunner.RunAsync(database, null, "backup", "--output", backupFile)).ExitCode);
        var fromBackup = await CliRunner.RunAsync($"Data Source={backupFile}", null, "audit", "verify");
        Assert.Equal(0, fromBackup.ExitCode);
        Assert.Contains("Audit log intact", fromBackup.Output);
        Assert.Equal(0, (await CliRunner.RunAsync(database, null, "migrate")).ExitCode);
        Directory.Delete(folder, recursive: true);
    }
}

public sealed class AuditAndCliTestsPostgres(PostgresServer postgres) : AuditAndCliTests(postgres, Provider.Postgres);

public sealed record CliResult(int ExitCode, string Output, string Error);

public static class CliRunner
{
    public static async Task<CliResult> RunAsync(string connectionString, string? input, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PATCHPEIL_DATABASE"] = connectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input ?? "");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return new CliResult(process.ExitCode, await output, await error);
    }
}
