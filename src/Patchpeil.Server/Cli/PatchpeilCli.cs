using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging.Console;
using Patchpeil.Contracts;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Inventory;
using Patchpeil.Core.Ranges;
using Patchpeil.Core.Versions;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Audit;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Cli;

/// <summary>The `patchpeil` command line. Every command runs on the same services as the server.</summary>
public static class PatchpeilCli
{
    private static readonly string[] Commands = ["serve", "setup", "user", "migrate", "backup", "audit", "versions", "inventory", "feeds", "scan", "demo"];

    public static async Task<int> RunAsync(string[] args)
    {
        // No command (or only host options such as --urls): serve, so `dotnet run` and WebApplicationFactory just work.
        if (args.Length == 0 || !Commands.Contains(args[0], StringComparer.Ordinal))
        {
            return await ServeAsync(args);
        }

        if (args[0] == "serve")
        {
            return await ServeAsync(args[1..]);
        }

        return await BuildRoot().Parse(args).InvokeAsync();
    }

    private static async Task<int> ServeAsync(string[] args)
    {
        var app = PatchpeilApp.Build(PatchpeilApp.CreateBuilder(args));
        await app.RunAsync();
        return 0;
    }

    private static RootCommand BuildRoot()
    {
        var root = new RootCommand("Patchpeil: patch and vulnerability management for school boards. Without a command it serves the web application.");

        var serve = new Command("serve", "Run the web application (the default).");
        root.Subcommands.Add(serve);

        var setupOrganisation = new Option<string>("--organisation") { Description = "Name of the first organisation (school board).", Required = true };
        var setupEmail = new Option<string>("--email") { Description = "E-mail address of the first administrator.", Required = true };
        var setup = new Command("setup", "Create the first organisation and administrator on an empty database. The password is read from standard input.")
        {
            setupOrganisation, setupEmail,
        };
        setup.SetAction((r, ct) => WithServicesAsync(async sp =>
        {
            var password = ReadPassword();
            var result = await sp.GetRequiredService<AccountService>().SetupAsync(r.GetValue(setupOrganisation)!, r.GetValue(setupEmail)!, password, ct);
            return Report(result, $"Created organisation and administrator {r.GetValue(setupEmail)}.");
        }));
        root.Subcommands.Add(setup);

        var userEmail = new Option<string>("--email") { Description = "E-mail address (also the user name).", Required = true };
        var userOrganisation = new Option<string>("--organisation") { Description = "Organisation name or id.", Required = true };
        var userRole = new Option<Role>("--role") { Description = "Administrator, ITStaff, Management or Auditor.", DefaultValueFactory = _ => Role.ITStaff };
        var userAdd = new Command("add", "Add a user to an organisation (created if new; the password is read from standard input).")
        {
            userEmail, userOrganisation, userRole,
        };
        userAdd.SetAction((r, ct) => WithServicesAsync(async sp =>
        {
            var db = sp.GetRequiredService<PatchpeilDbContext>();
            var key = r.GetValue(userOrganisation)!;
            var keyId = Guid.TryParse(key, out var g) ? g : Guid.Empty;
            var organisations = await db.Organisations.Where(o => o.Name == key || o.Id == keyId).ToListAsync(ct);
            if (organisations.Count != 1)
            {
                await Console.Error.WriteLineAsync(organisations.Count == 0 ? $"No organisation named '{key}'." : $"Several organisations are named '{key}'; give its id.");
                return 2;
            }

            var email = r.GetValue(userEmail)!;
            var normalisedEmail = email.ToUpperInvariant();
            var exists = await db.Users.AnyAsync(u => u.NormalizedEmail == normalisedEmail, ct);
            var result = await sp.GetRequiredService<AccountService>().AddMemberAsync(email, exists ? null : ReadPassword(), organisations[0].Id, r.GetValue(userRole), ct);
            return Report(result, $"{email} is now {r.GetValue(userRole)} of {organisations[0].Name}.");
        }));
        root.Subcommands.Add(new Command("user", "Manage users.") { userAdd });

        var migrate = new Command("migrate", "Apply pending database migrations (SQLite is backed up first).");
        migrate.SetAction((_, ct) => WithServicesAsync(async sp =>
        {
            var outcome = await sp.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);
            Console.WriteLine(outcome.Applied.Count == 0 ? "The database is up to date." : $"Applied {outcome.Applied.Count} migration(s): {string.Join(", ", outcome.Applied)}");
            if (outcome.BackupFile is not null)
            {
                Console.WriteLine($"Backup before migrating: {outcome.BackupFile}");
            }

            return 0;
        }, migrate: false));
        root.Subcommands.Add(migrate);

        var backupOutput = new Option<FileInfo>("--output") { Description = "File to write the backup to.", Required = true };
        var backup = new Command("backup", "Back up the SQLite database online (for PostgreSQL use pg_dump; see the README).") { backupOutput };
        backup.SetAction((r, ct) => WithServicesAsync(sp =>
        {
            var settings = sp.GetRequiredService<DatabaseSettings>();
            if (settings.Provider != DatabaseProvider.Sqlite)
            {
                Console.Error.WriteLine("This database is PostgreSQL: back it up with pg_dump, e.g. `pg_dump --format=custom --file=patchpeil.dump \"$PATCHPEIL_DATABASE\"`.");
                return Task.FromResult(2);
            }

            var target = r.GetValue(backupOutput)!.FullName;
            DatabaseMigrator.BackupSqlite(settings.ConnectionString, target);
            Console.WriteLine($"Backed up {settings.SqliteFile} to {target}.");
            return Task.FromResult(0);
        }, migrate: false));
        root.Subcommands.Add(backup);

        var verify = new Command("verify", "Check the audit log's hash chain and name the first broken link.");
        verify.SetAction((_, ct) => WithServicesAsync(async sp =>
        {
            var result = await AuditChain.VerifyAsync(sp.GetRequiredService<PatchpeilDbContext>(), ct);
            if (result.Intact)
            {
                Console.WriteLine($"Audit log intact: {result.EventsChecked} events checked.");
                return 0;
            }

            await Console.Error.WriteLineAsync($"Audit log BROKEN at event {result.FirstBrokenEventId}: {result.Problem} ({result.EventsChecked} events before it are intact).");
            return 1;
        }, migrate: false));
        root.Subcommands.Add(new Command("audit", "Audit log commands.") { verify });
        root.Subcommands.Add(VersionsCommand());
        var identify = new Command("identify", "Read lines 'name<TAB>version<TAB>publisher'; write the identity, version scheme and endoflife.date product and cycle, or 'unmapped'.");
        identify.SetAction(_ => InventoryCommands.Identify(SoftwareCatalog.Default, Console.In, Console.Out, Console.Error));
        root.Subcommands.Add(new Command("inventory", "See how Patchpeil reads installed software.") { identify });
        root.Subcommands.Add(FeedsCommand());
        root.Subcommands.Add(ScanCommand.Build());
        root.Subcommands.Add(DemoCommand());

        return root;
    }

    /// <summary>`feeds import`: offline import of feed files for air-gapped schools; exit 1 when anything was quarantined.</summary>
    private static Command FeedsCommand()
    {
        var path = new Argument<string>("PATH") { Description = "A feed file, a folder (searched recursively) or a .zip." };
        var source = new Option<string?>("--source") { Description = "Kind of every file: csaf, osv, nvd, cve5, kev, epss, eol (endoflife.date API v1), sofa, gdmf or chromeos (Google VersionHistory); default: detected per file." };
        var import = new Command("import", "Import advisories, KEV and EPSS from files, without internet.") { path, source };
        import.SetAction((r, ct) =>
        {
            FeedSource? kind;
            try
            {
                kind = FeedImporter.ParseSource(r.GetValue(source));
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return Task.FromResult(2);
            }

            var target = r.GetValue(path)!;
            if (!File.Exists(target) && !Directory.Exists(target))
            {
                Console.Error.WriteLine($"No such file or folder: {target}");
                return Task.FromResult(2);
            }

            return WithServicesAsync(async sp =>
            {
                var summary = await sp.GetRequiredService<FeedImporter>().ImportPathAsync(target, kind, ct);
                foreach (var file in summary.Files)
                {
                    Console.WriteLine(file.ToString());
                    foreach (var reason in file.Quarantined)
                    {
                        Console.WriteLine($"  quarantined: {reason}");
                    }
                }

                Console.WriteLine($"Total: {summary}");
                if (IngestProfile.Enabled)
                {
                    Console.Error.WriteLine(IngestProfile.Report(summary.Files.Sum(f => (long)f.Added + f.Changed + f.Unchanged + f.Quarantined.Count)));
                }

                return summary.Quarantined > 0 ? 1 : 0;
            });
        });
        return new Command("feeds", "Advisory and vulnerability feeds.") { import };
    }

    /// <summary>`demo seed`: a demo school board with real products and versions, and the advisories that match them.</summary>
    private static Command DemoCommand()
    {
        var organisation = new Option<string>("--organisation") { Description = "Name of the demo organisation.", DefaultValueFactory = _ => Demo.DemoSeeder.DefaultOrganisation };
        var email = new Option<string?>("--email") { Description = "An existing user to make administrator of the demo organisation (e.g. the one `setup` created)." };
        var seed = new Command("seed", "Create a demo school board: three schools, about 600 devices, servers, databases and SaaS, and import the demo advisory bundle. Refuses when the organisation exists.")
        {
            organisation, email,
        };
        seed.SetAction((r, ct) => WithServicesAsync(async sp =>
        {
            Demo.DemoSeedResult result;
            try
            {
                result = await sp.GetRequiredService<Demo.DemoSeeder>().SeedAsync(r.GetValue(organisation)!, r.GetValue(email), ct);
            }
            catch (Demo.DemoExistsException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }
            catch (Demo.DemoSeedFailedException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 1;
            }

            foreach (var file in result.Feeds.Files)
            {
                Console.WriteLine(file.ToString());
            }

            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Created '{result.Organisation}' ({result.OrganisationId}): {result.Schools} schools, {result.Assets} assets, {result.AgentReports} agent reports, {result.ConnectorReports} connector reports, in {result.Elapsed.TotalSeconds:0.0} s."));
            foreach (var run in result.ConnectorRuns)
            {
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"  {run.Name}: {run.Outcome}, {run.DevicesRead} devices read, {run.Created} created, {run.Merged} merged, {run.Requests} requests (left disabled)"));
            }

            return result.Feeds.Quarantined > 0 ? 1 : 0;
        }));
        return new Command("demo", "Demo data.") { seed };
    }

    /// <summary>`versions compare` and `versions in-range`: pure Core, no database, for people asking why something matched.</summary>
    private static Command VersionsCommand()
    {
        var names = string.Join('|', VersionSchemes.All.Where(s => s.IsOrdered).Select(s => s.Name));
        var compareScheme = new Option<string>("--scheme") { Description = $"Version scheme: {names}.", Required = true };
        var compare = new Command("compare", "Read lines 'A B' from standard input; write -1, 0 or 1 per line (like dpkg --compare-versions).") { compareScheme };
        compare.SetAction(r => WithScheme(r.GetValue(compareScheme)!, scheme => VersionCommands.Compare(scheme, Console.In, Console.Out, Console.Error)));

        var rangeScheme = new Option<string>("--scheme") { Description = $"Version scheme: {names}.", Required = true };
        var range = new Argument<string>("RANGE") { Description = "A vers range (vers:deb/>=1.0|<2.0) or a vls (>=1.0|<2.0)." };
        var inRange = new Command("in-range", "Read one version per line from standard input; write true or false per line.") { rangeScheme, range };
        inRange.SetAction(r => WithScheme(r.GetValue(rangeScheme)!, scheme => RangeCommands.InRange(scheme, r.GetValue(range)!, Console.In, Console.Out, Console.Error)));
        return new Command("versions", "Compare versions and test ranges exactly as the matcher does.") { compare, inRange };
    }

    private static int WithScheme(string name, Func<VersionScheme, int> action)
    {
        if (!VersionSchemes.TryGet(name, out var scheme))
        {
            Console.Error.WriteLine($"Unknown scheme '{name}'. Known: {string.Join(", ", VersionSchemes.All.Select(s => s.Name))}.");
            return 2;
        }

        return action(scheme);
    }

    private static async Task<int> WithServicesAsync(Func<IServiceProvider, Task<int>> action, bool migrate = true)
    {
        var builder = PatchpeilApp.CreateBuilder([]);

        // A command's standard output is its result (a summary, a table, JSON): log only warnings, and to stderr.
        builder.Configuration.Sources.Insert(1, new MemoryConfigurationSource { InitialData = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" } });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var app = PatchpeilApp.Build(builder);
        await using var scope = app.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        sp.GetRequiredService<RequestContext>().SetSystem($"cli:{Environment.UserName}");
        try
        {
            if (migrate)
            {
                await sp.GetRequiredService<DatabaseMigrator>().MigrateAsync();
            }

            return await action(sp);
        }
        catch (Exception e) when (e is IOException or DbUpdateException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"patchpeil: {e.Message}");
            return 1;
        }
    }

    private static string ReadPassword()
    {
        if (!Console.IsInputRedirected)
        {
            Console.Error.Write("Password: ");
        }

        return Console.In.ReadLine() ?? "";
    }

    private static int Report(AccountResult result, string success)
    {
        if (result.Succeeded)
        {
            Console.WriteLine(success);
            return 0;
        }

        foreach (var error in result.Errors)
        {
            Console.Error.WriteLine(error.Field.Length > 0 ? $"{error.Field}: {error.Message}" : error.Message);
        }

        return 2;
    }
}
