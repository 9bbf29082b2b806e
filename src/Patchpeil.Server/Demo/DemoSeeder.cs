using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Connectors;
using Patchpeil.Server.Connectors.Google;
using Patchpeil.Server.Connectors.Intune;
using Patchpeil.Server.Connectors.Jamf;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory.Agents;

namespace Patchpeil.Server.Demo;

/// <summary>What `patchpeil demo seed` did.</summary>
public sealed record DemoSeedResult(
    Guid OrganisationId, string Organisation, int Schools, int Assets, int AgentReports, int ConnectorReports,
    ImportSummary Feeds, TimeSpan Elapsed)
{
    /// <summary>The connector runs that brought in the platform devices, in order.</summary>
    public IReadOnlyList<DemoConnectorRun> ConnectorRuns { get; init; } = [];

    /// <summary>What the simulated platforms held (with the demo secrets): lets a test serve the same fleet again.</summary>
    internal DemoFleet? Fleet { get; init; }
}

/// <summary>One demo connector's run against the vendor simulator.</summary>
public sealed record DemoConnectorRun(Guid ConnectorId, string Name, ConnectorKind Kind, ConnectorRunOutcome Outcome, int DevicesRead, int Created, int Merged, int Requests);

/// <summary>
/// A connector run of the seed did not succeed. The organisation, its agent-managed machines and the pages merged so
/// far stay (connector runs commit page by page); the name is taken, so a new attempt needs --organisation.
/// </summary>
public sealed class DemoSeedFailedException(string name, Guid id, string reason)
    : InvalidOperationException($"The demo seed of '{name}' (id {id}) failed: {reason}. The organisation and what was merged before the failure stay; seed again under another name with --organisation.");

/// <summary>Refused: the demo organisation is there already.</summary>
public sealed class DemoExistsException(string name, Guid id)
    : InvalidOperationException($"An organisation named '{name}' already exists (id {id}); nothing was changed. Give another name with --organisation.");

/// <summary>
/// Fills a demo school board: three schools with the device mix Dutch schools have (primary ~60% Chromebooks, 25% iPads,
/// 15% Windows; secondary ~58% Windows, 32% Chromebooks, 10% iPads and Macs), servers with databases and SaaS. Every
/// product and version is a real one on one side or the other of a real advisory in the embedded bundle
/// (demo/feeds), so matching finds real findings and rightly skips the patched machines. Inventories go in through
/// the agent check-in code, and Chromebooks, iPads and the primary schools' Windows laptops through the real connectors
/// (Google Admin, Jamf School, Intune) run against <see cref="DemoVendorSimulator"/> (ADR 0021). Deterministic: one
/// seeded <see cref="Random"/>; vendor ids are derived from serial numbers.
/// </summary>
public sealed class DemoSeeder(
    PatchpeilDbContext db, FeedImporter feeds, AccountService accounts, TimeProvider time, Findings.IFindingsJobs findings,
    ConnectorRunner runner, IDataProtectionProvider protection)
{
    public const string DefaultOrganisation = "Stichting Demo Onderwijs";

    /// <summary>Every demo connector's name starts with this: it points at a simulator that no longer runs.</summary>
    public const string SimulatorPrefix = "Demo-simulator · ";

    /// <summary>The run trigger the seed records.</summary>
    public const string SeedTrigger = "demo seed";
    private const string FeedResourcePrefix = "demo-feeds/";

    private Random _random = new(20261129);
    private int _serial;

    /// <summary>The demo schools; fractions per platform as the connectors issue gives them.</summary>
    internal static readonly DemoSchool[] Schools =
    [
        new("OBS De Regenboog", "21QK", "Hoofdgebouw", "Schoolstraat 12, 3511 AB Utrecht", "RB", 170, Primary: true),
        new("CBS Het Kompas", "23FR", "Hoofdgebouw", "Kompaslaan 3, 3431 CD Nieuwegein", "KP", 140, Primary: true),
        new("Demo College", "30DM", "Campus", "Collegeweg 1, 3584 EF Utrecht", "DC", 280, Primary: false),
    ];

    public async Task<DemoSeedResult> SeedAsync(string organisationName, string? adminEmail, CancellationToken ct)
    {
        if (!db.Request.IsSystem)
        {
            throw new InvalidOperationException("The demo seed runs as the system (command line), not inside a request.");
        }

        var watch = Stopwatch.StartNew();
        organisationName = organisationName.Trim();
        var existing = await db.Organisations.Where(o => o.Name == organisationName).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
        if (existing is { } existingId)
        {
            throw new DemoExistsException(organisationName, existingId);
        }

        _random = new Random(20261129);
        _serial = 0;
        var now = time.GetUtcNow().UtcDateTime;

        // Advisories first: they are shared by all organisations, and re-importing the same documents changes nothing.
        var summary = await ImportFeedsAsync(ct);

        // One transaction for the organisation, its agent-managed machines and their reports: a failure here leaves nothing.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var organisation = new Organisation { Name = organisationName, CreatedUtc = now };
        db.Organisations.Add(organisation);
        var plan = new List<PlannedAsset>();
        var schools = new List<(DemoSchool Demo, School School)>();
        foreach (var s in Schools)
        {
            var school = new School { OrganisationId = organisation.Id, Name = s.Name, Brin = s.Brin };
            school.Locations.Add(new Location { OrganisationId = organisation.Id, SchoolId = school.Id, Name = s.Location, Address = s.Address });
            db.Schools.Add(school);
            schools.Add((s, school));
            plan.AddRange(PlanSchool(s, school.Id));
        }

        var boardSchool = schools.Single(x => x.Demo.Brin == Schools[2].Brin).School;
        plan.AddRange(PlanServers(boardSchool.Id));
        plan.AddRange(PlanServices());

        // Devices a management platform reports are not made here: the connectors create them (below).
        foreach (var p in plan.Where(p => p.Platform is null))
        {
            p.Asset.OrganisationId = organisation.Id;
            p.Asset.CreatedUtc = now;
            p.Asset.UpdatedUtc = now;
            db.Assets.Add(p.Asset);
            if (p.Report is not null)
            {
                var (_, prefix, hash) = AgentKeys.NewDeviceKey();
                p.Device = new AgentDevice
                {
                    OrganisationId = organisation.Id,
                    AssetId = p.Asset.Id,
                    KeyPrefix = prefix,
                    KeyHash = hash,
                    HardwareUuid = p.Report.Device.HardwareUuid,
                    SerialNumber = p.Report.Device.SerialNumber,
                    MachineId = p.Report.Device.MachineId,
                    EnrolledUtc = now,
                    AgentVersion = p.Report.AgentVersion,
                    FullReportRequested = true,
                };
                db.Set<AgentDevice>().Add(p.Device);
            }
        }

        await db.SaveChangesAsync(ct);

        var agentReports = 0;
        foreach (var p in plan.Where(p => p.Report is not null))
        {
            // Each report is saved on its own, as check-ins are; a fresh tracker keeps every save small.
            db.ChangeTracker.Clear();

            // The same validation the agent API applies before CheckIn.
            var report = p.Report! with { CollectedUtc = now - p.Age };
            if (ReportValidation.Validate(report, now) is { Count: > 0 } errors)
            {
                throw new InvalidOperationException($"Demo report for {p.Asset.Name} is invalid: {string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(' ', e.Value)}"))}");
            }

            db.Attach(p.Device!);
            var (outcome, _) = await CheckIn.AcceptAsync(db, p.Device!, report, now, ct);
            if (outcome != CheckIn.Outcome.Accepted)
            {
                throw new InvalidOperationException($"Demo report for {p.Asset.Name} was not accepted: {outcome}.");
            }

            agentReports++;
        }

        if (!string.IsNullOrWhiteSpace(adminEmail))
        {
            var added = await accounts.AddMemberAsync(adminEmail.Trim(), null, organisation.Id, Role.Administrator, ct);
            if (!added.Succeeded)
            {
                throw new InvalidOperationException($"The demo organisation was created, but {adminEmail} could not be made its administrator: {string.Join("; ", added.Errors.Select(e => e.Message))}");
            }
        }

        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();

        // Chromebooks, iPads and Intune laptops come in through the real connectors, run against the demo's vendor
        // simulator; each run commits page by page (ADR 0019), so from here a failure keeps what was merged and says so.
        var (runs, fleet) = await RunPlatformsAsync(organisation, schools, plan, now, ct);
        await LabelPlatformDevicesAsync(organisation.Id, plan, ct);

        // Match the new board's assets (a running server does it within seconds; `patchpeil serve` matches everything at start).
        var assetIds = await db.Assets.Where(a => a.OrganisationId == organisation.Id).Select(a => a.Id).ToListAsync(ct);
        await findings.AssetsChangedAsync(assetIds, ct);
        return new DemoSeedResult(organisation.Id, organisation.Name, Schools.Length, assetIds.Count, agentReports, runs.Sum(r => r.DevicesRead), summary, watch.Elapsed)
        {
            ConnectorRuns = runs,
            Fleet = fleet,
        };
    }

    /// <summary>
    /// Configures the board's connectors against a <see cref="DemoVendorSimulator"/> holding the planned platform devices
    /// (one Google Admin, Jamf School and Intune connection per school that has such devices: a connector's new assets
    /// belong to its school), runs each once through <see cref="ConnectorRunner"/> exactly as a scheduled run, and leaves
    /// them disabled: the simulator is gone when the seed ends, a schedule would only fail.
    /// </summary>
    private async Task<(List<DemoConnectorRun> Runs, DemoFleet Fleet)> RunPlatformsAsync(Organisation organisation, List<(DemoSchool Demo, School School)> schools, List<PlannedAsset> plan, DateTime now, CancellationToken ct)
    {
        var (fleet, connectors) = Fleet(organisation.Id, schools, plan, now);
        await using var simulator = await DemoVendorSimulator.StartAsync(fleet, ct);
        foreach (var connector in connectors)
        {
            connector.BaseUrl = simulator.BaseUrl.ToString().TrimEnd('/');
            connector.AuthUrl = connector.Kind is ConnectorKind.JamfSchool ? null : connector.BaseUrl;
            db.Add(connector);
        }

        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        var runs = new List<DemoConnectorRun>();
        foreach (var connector in connectors)
        {
            var run = await runner.RunAsync(connector.Id, SeedTrigger, ct);
            runs.Add(new DemoConnectorRun(connector.Id, connector.Name, connector.Kind, run.Outcome, run.DevicesRead, run.Created, run.Merged, run.Requests));
            if (run.Outcome != ConnectorRunOutcome.Succeeded)
            {
                throw new DemoSeedFailedException(organisation.Name, organisation.Id,
                    $"connector '{connector.Name}' ended {run.Outcome} after {run.DevicesRead} devices: {run.Errors ?? "no error recorded"}");
            }
        }

        // Not scheduled: the simulator's port is closed once the seed ends.
        var ids = connectors.Select(c => c.Id).ToList();
        foreach (var stored in await db.Set<Connector>().Where(c => ids.Contains(c.Id)).ToListAsync(ct))
        {
            stored.Enabled = false;
            stored.NextRunUtc = null;
        }

        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return (runs, fleet);
    }

    /// <summary>What the demo's platforms hold, and the connectors that read them (secrets made here and kept only protected).</summary>
    private (DemoFleet Fleet, List<Connector> Connectors) Fleet(Guid organisationId, List<(DemoSchool Demo, School School)> schools, List<PlannedAsset> plan, DateTime now)
    {
        var connectors = new List<Connector>();
        Connector NewConnector(ConnectorKind kind, string vendor, School school, Dictionary<string, string> settings, string secret) => new()
        {
            OrganisationId = organisationId,
            Kind = kind,
            Name = $"{SimulatorPrefix}{vendor} · {school.Name}",
            SchoolId = school.Id,
            BaseUrl = "http://127.0.0.1/",
            Settings = settings,
            ProtectedSecret = ConnectorSecrets.Protect(protection, secret),
            SecretSetUtc = now,
            Enabled = false,
            CreatedUtc = now,
        };

        using var serviceAccount = RSA.Create(2048);
        const string customerId = "C03dem0pp";
        const string delegatedAdmin = "ict-beheer@demo-onderwijs.nl";
        const string serviceAccountEmail = "patchpeil-demo@patchpeil-demo.iam.gserviceaccount.com";
        var keyJson = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "patchpeil-demo",
            ["private_key_id"] = DemoIds.Hex("key:" + organisationId, 40).ToLowerInvariant(),
            ["private_key"] = serviceAccount.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = serviceAccountEmail,
            ["client_id"] = "1" + string.Concat(DemoIds.Hex("sa:" + organisationId, 20).Select(c => (char)('0' + (c % 10)))),
            ["token_uri"] = "https://oauth2.googleapis.com/token",
        }.ToJsonString();

        var chromebooks = new List<ChromeDevice>();
        var intune = new List<IntuneTenant>();
        var jamf = new List<JamfSchoolInstance>();
        foreach (var (demo, school) in schools)
        {
            var mine = plan.Where(p => p.Asset.SchoolId == school.Id).ToList();
            var orgUnit = "/Scholen/" + school.Name;
            var cb = mine.Where(p => p.Platform?.Origin == "google").Select(p => new ChromeDevice(
                DemoIds.FromText("google:" + p.Asset.SerialNumber).ToString(), p.Asset.SerialNumber!, p.Asset.Name, p.Asset.Model!, p.Platform!.Os.Version!,
                ChromeOsPlatformVersion(p.Platform.Os.Version!, p.Asset.Model!), orgUnit, now - p.Age, p.Asset.UpdateExpiresOn!.Value)).ToList();
            if (cb.Count > 0)
            {
                chromebooks.AddRange(cb);
                connectors.Add(NewConnector(ConnectorKind.Google, "Google Admin", school, new(StringComparer.Ordinal)
                {
                    [GoogleSource.CustomerIdKey] = customerId,
                    [GoogleSource.DelegatedAdminKey] = delegatedAdmin,
                    [GoogleSource.OrgUnitPathKey] = orgUnit,
                }, keyJson));
            }

            var ipads = mine.Where(p => p.Platform?.Origin == "jamf-school").Select(p => new JamfSchoolDevice(
                "00008" + DemoIds.Hex("udid:" + p.Asset.SerialNumber, 3) + "-" + DemoIds.Hex("jamf:" + p.Asset.SerialNumber, 16), p.Asset.SerialNumber!, p.Asset.Name,
                p.Platform!.Os.Version!, p.Asset.Model!, p.Platform.ModelIdentifier!, now - p.Age,
                [.. p.Platform.Software.Select(a => new DemoApp(a.Name, a.Version, a.Publisher, a.SourcePackage))])).ToList();
            if (ipads.Count > 0)
            {
                var instance = new JamfSchoolInstance(DemoIds.Hex("network:" + demo.Brin, 8), Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), ipads);
                jamf.Add(instance);
                connectors.Add(NewConnector(ConnectorKind.JamfSchool, "Jamf School", school, new(StringComparer.Ordinal) { [JamfSchoolSource.NetworkIdKey] = instance.NetworkId }, instance.ApiKey));
            }

            var laptops = mine.Where(p => p.Platform?.Origin == "intune" || p.AlsoIntune).Select(p => new IntuneDevice(
                DemoIds.FromText("intune:" + p.Asset.SerialNumber).ToString(), p.Asset.Name, p.Asset.SerialNumber!, p.Asset.Model!,
                p.Asset.Model!.StartsWith("HP", StringComparison.Ordinal) ? "HP" : "LENOVO", (p.Platform?.Os ?? p.Report!.OperatingSystem).Build!, now - p.Age,
                [.. (p.Platform?.Software ?? p.Report!.Software).Select(a => new DemoApp(a.Name, a.Version, a.Publisher))])).ToList();
            if (laptops.Count > 0)
            {
                var tenant = new IntuneTenant(DemoIds.FromText("tenant:" + demo.Brin).ToString(), DemoIds.FromText("app:" + demo.Brin).ToString(),
                    Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)), laptops);
                intune.Add(tenant);
                connectors.Add(NewConnector(ConnectorKind.Intune, "Intune", school, new(StringComparer.Ordinal)
                {
                    [IntuneSource.TenantIdKey] = tenant.TenantId,
                    [IntuneSource.ClientIdKey] = tenant.ClientId,
                }, tenant.ClientSecret));
            }
        }

        var google = new GoogleCustomer(customerId, delegatedAdmin, serviceAccountEmail, serviceAccount.ExportSubjectPublicKeyInfo(), chromebooks);
        return (new DemoFleet(intune, google, jamf), connectors);
    }

    /// <summary>The platform version (and board) ChromeOS reports next to the Chrome version of the same release.</summary>
    private static string ChromeOsPlatformVersion(string chrome, string model)
    {
        var platform = chrome.Split('.')[0] switch { "126" => "15886.44.0", "130" => "16033.58.0", "131" => "16093.57.0", _ => "16093.57.0" };
        var board = model switch
        {
            _ when model.Contains("Fortis", StringComparison.Ordinal) || model.Contains("300e", StringComparison.Ordinal) => "nissa",
            _ when model.Contains("511", StringComparison.Ordinal) || model.Contains("11 G8", StringComparison.Ordinal) => "dedede",
            _ => "octopus",
        };
        return $"{platform} (Official Build) stable-channel {board}";
    }

    /// <summary>What a school's administrator adds after the first sync: who uses the device, and a tag for its kind.</summary>
    private async Task LabelPlatformDevicesAsync(Guid organisationId, List<PlannedAsset> plan, CancellationToken ct)
    {
        var labels = plan.Where(p => p.Platform is not null).ToDictionary(p => p.Asset.SerialNumber!, p => p.Asset, StringComparer.Ordinal);
        var serials = labels.Keys.ToList();
        foreach (var chunk in serials.Chunk(200))
        {
            foreach (var asset in await db.Assets.Where(a => a.OrganisationId == organisationId && a.SerialNumber != null && chunk.Contains(a.SerialNumber)).ToListAsync(ct))
            {
                var planned = labels[asset.SerialNumber!];
                asset.Owner = planned.Owner;
                asset.Tags = planned.Tags;
            }

            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Imports the embedded bundle through the normal feed importer, file by file.</summary>
    private async Task<ImportSummary> ImportFeedsAsync(CancellationToken ct)
    {
        var assembly = typeof(DemoSeeder).Assembly;
        var files = new List<FileImportSummary>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(FeedResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            await using var stream = assembly.GetManifestResourceStream(name)!;
            var result = await feeds.ImportStreamAsync(name[FeedResourcePrefix.Length..], stream, null, ct);
            files.AddRange(result.Files);
        }

        if (files.Count == 0)
        {
            throw new InvalidOperationException("The demo advisory bundle is missing from this build (demo/feeds).");
        }

        return new ImportSummary(files);
    }

    private IEnumerable<PlannedAsset> PlanSchool(DemoSchool s, Guid schoolId)
    {
        var n = s.Devices;
        int chromebooks, ipads, windows, macs;
        if (s.Primary)
        {
            chromebooks = (int)Math.Round(n * 0.60);
            ipads = (int)Math.Round(n * 0.25);
            macs = 0;
            windows = n - chromebooks - ipads;
        }
        else
        {
            windows = (int)Math.Round(n * 0.58);
            chromebooks = (int)Math.Round(n * 0.32);
            ipads = (int)Math.Round(n * 0.06);
            macs = n - windows - chromebooks - ipads;
        }

        for (var i = 1; i <= chromebooks; i++)
        {
            yield return Chromebook(s, schoolId, i);
        }

        for (var i = 1; i <= ipads; i++)
        {
            yield return IPad(s, schoolId, i);
        }

        for (var i = 1; i <= windows; i++)
        {
            // Primary schools manage their few Windows laptops in Intune; the secondary school runs the agent.
            yield return WindowsLaptop(s, schoolId, i, viaIntune: s.Primary, alsoIntune: !s.Primary && i % OverlapEvery == 1);
        }

        for (var i = 1; i <= macs; i++)
        {
            yield return Mac(s, schoolId, i);
        }
    }

    /// <summary>Every this many secondary-school laptops (the 1st, 41st …) is also enrolled in Intune next to the agent.</summary>
    internal const int OverlapEvery = 40;

    // Chromebook models with their Auto Update Expiration relative to the first of this month: past, near (one to two
    // months ahead, inside the matcher's 90-day "ending soon" horizon) and far.
    private static readonly (string Model, int AueMonths, string Version)[] ChromebookModels =
    [
        ("Lenovo 100e Chromebook Gen 2", -17, "126.0.6478.222"),
        ("HP Chromebook 11 G8 EE", -5, "126.0.6478.222"),
        ("Dell Chromebook 3100", 2, "131.0.6778.88"),
        ("Acer Chromebook 511 (C734)", 38, "131.0.6778.88"),
        ("Lenovo 300e Yoga Chromebook Gen 4", 66, "131.0.6778.88"),
        ("HP Fortis 14 G10 Chromebook", 84, "130.0.6723.118"),
    ];

    private PlannedAsset Chromebook(DemoSchool s, Guid schoolId, int i)
    {
        var (model, aueMonths, version) = Pick(ChromebookModels, [2, 3, 3, 4, 3, 2]);
        var first = new DateTime(time.GetUtcNow().Year, time.GetUtcNow().Month, 1);
        var asset = new Asset
        {
            Kind = AssetKind.Device,
            Name = $"{s.Prefix}-CB-{i:000}",
            SchoolId = schoolId,
            Model = model,
            SerialNumber = Serial("5CD"),
            UpdateExpiresOn = DateOnly.FromDateTime(first.AddMonths(aueMonths)),
            Owner = s.Primary ? $"Groep {1 + _random.Next(8)}" : "Leerlingen",
            Tags = ["chromebook"],
        };
        var os = new OperatingSystemInfo("chromeos", "ChromeOS", null, version, null, null, null, null, null, false);
        return new PlannedAsset(asset, Age: Hours(1, 72)) { Platform = new PlatformReport("google", os, []) };
    }

    // iPad models, their Apple product type (Wi-Fi), and the iPadOS releases they run (the 6th generation stops at iPadOS 17).
    private static readonly (string Model, string[] Versions)[] IPadModels =
    [
        ("iPad (9th generation)", ["18.1", "18.0.1", "17.7.2"]),
        ("iPad (7th generation)", ["17.7.2", "17.6.1"]),
        ("iPad (6th generation)", ["17.7", "17.5.1"]),
        ("iPad (10th generation)", ["18.1", "18.1"]),
    ];

    private static readonly Dictionary<string, string> IPadIdentifiers = new(StringComparer.Ordinal)
    {
        ["iPad (9th generation)"] = "iPad12,1",
        ["iPad (7th generation)"] = "iPad7,11",
        ["iPad (6th generation)"] = "iPad7,5",
        ["iPad (10th generation)"] = "iPad13,18",
    };

    private PlannedAsset IPad(DemoSchool s, Guid schoolId, int i)
    {
        var (model, versions) = Pick(IPadModels, [4, 2, 2, 2]);
        var version = versions[_random.Next(versions.Length)];
        var asset = new Asset
        {
            Kind = AssetKind.Device,
            Name = $"{s.Prefix}-IPAD-{i:000}",
            SchoolId = schoolId,
            Model = model,
            SerialNumber = Serial("DMP"),
            Owner = s.Primary ? $"Groep {1 + _random.Next(8)}" : "Leerlingen",
            Tags = ["ipad"],
        };
        var os = new OperatingSystemInfo("ipados", "iPadOS", null, version, null, null, null, null, null, false);
        InstalledItem[] apps =
        [
            new("ios-app", "Keynote", "14.2", "Apple", SourcePackage: "com.apple.Keynote"),
            new("ios-app", "Book Creator", "5.6.2", "Red Jumper", SourcePackage: "com.redjumper.bookcreator"),
        ];
        return new PlannedAsset(asset, Age: Hours(1, 96)) { Platform = new PlatformReport("jamf-school", os, apps, IPadIdentifiers[model]) };
    }

    // Windows builds on both sides of CVE-2024-38063's fix (19045.4780 and 22631.4037).
    private static readonly (string Name, string Version, string Build)[] WindowsBuilds =
    [
        ("Windows 11 Education", "23H2", "10.0.22631.3880"),
        ("Windows 11 Education", "23H2", "10.0.22631.4037"),
        ("Windows 11 Education", "23H2", "10.0.22631.4460"),
        ("Windows 10 Education", "22H2", "10.0.19045.4651"),
        ("Windows 10 Education", "22H2", "10.0.19045.4780"),
        ("Windows 10 Education", "22H2", "10.0.19045.5131"),
    ];

    // Chrome before and after 120.0.6099.224 (CVE-2024-0519, KEV) and later releases behind the latest.
    private static readonly string[] ChromeVersions = ["119.0.6045.200", "120.0.6099.217", "120.0.6099.225", "131.0.6778.86", "131.0.6778.109"];

    private PlannedAsset WindowsLaptop(DemoSchool s, Guid schoolId, int i, bool viaIntune, bool alsoIntune)
    {
        var (name, version, build) = Pick(WindowsBuilds, [2, 3, 4, 2, 2, 2]);
        var hostname = $"{s.Prefix}-LT-{i:000}";
        var serial = Serial("PF");
        var software = new List<InstalledItem>
        {
            new("windows-registry", "Google Chrome", ChromeVersions[_random.Next(ChromeVersions.Length)], "Google LLC"),
            new("windows-registry", "Microsoft Edge", "131.0.2903.70", "Microsoft Corporation"),
            new("windows-registry", "Microsoft 365 Apps for enterprise - nl-nl", "16.0.17928.20286", "Microsoft Corporation"),
            new("windows-registry", "7-Zip 23.01 (x64)", "23.01", "Igor Pavlov"),
        };
        if (_random.Next(3) == 0)
        {
            software.Add(_random.Next(2) == 0
                ? new("windows-registry", "Mozilla Firefox ESR (x64 nl)", "115.17.0", "Mozilla")
                : new("windows-registry", "Mozilla Firefox (x64 nl)", _random.Next(2) == 0 ? "132.0.2" : "133.0", "Mozilla"));
        }

        if (_random.Next(2) == 0)
        {
            software.Add(new("windows-registry", "VLC media player", _random.Next(2) == 0 ? "3.0.20" : "3.0.21", "VideoLAN"));
        }

        if (!s.Primary && _random.Next(5) == 0)
        {
            // Informatica classrooms: Git for Windows before and after CVE-2025-48384's fixes.
            software.Add(new("windows-registry", "Git", _random.Next(2) == 0 ? "2.43.0" : "2.50.1", "The Git Development Community"));
        }

        var asset = new Asset
        {
            Kind = AssetKind.Device,
            Name = hostname,
            Hostname = hostname,
            SchoolId = schoolId,
            Model = _random.Next(2) == 0 ? "HP ProBook 440 G9" : "Lenovo ThinkPad L13 Gen 3",
            SerialNumber = serial,
            Owner = s.Primary ? "Leerkrachten" : "Leerlingen",
            Tags = ["laptop"],
        };
        var os = new OperatingSystemInfo("windows", name, "Education", version, build, "windows", null, null, null, false);
        var age = Hours(1, 48);
        if (viaIntune)
        {
            return new PlannedAsset(asset, age) { Platform = new PlatformReport("intune", os, software) };
        }

        return new PlannedAsset(asset, age) { Report = AgentReportFor(hostname, serial, os, software, []), AlsoIntune = alsoIntune };
    }

    private PlannedAsset Mac(DemoSchool s, Guid schoolId, int i)
    {
        var hostname = $"{s.Prefix}-MAC-{i:000}";
        var serial = Serial("C02");
        var (version, build) = _random.Next(3) switch { 0 => ("13.7.1", "22H221"), 1 => ("14.7.1", "23H222"), _ => ("15.1.1", "24B91") };
        var asset = new Asset
        {
            Kind = AssetKind.Device,
            Name = hostname,
            Hostname = hostname,
            SchoolId = schoolId,
            Model = "MacBook Air (M1, 2020)",
            SerialNumber = serial,
            Owner = "Sectie kunst en media",
            Tags = ["mac"],
        };
        InstalledItem[] software =
        [
            new("macos-app", "Google Chrome", ChromeVersions[_random.Next(ChromeVersions.Length)], "Google LLC"),
            new("macos-app", "Firefox", "133.0", "Mozilla"),
        ];
        var os = new OperatingSystemInfo("macos", "macOS", null, version, build, "macos", version, null, null, false);
        return new PlannedAsset(asset, Hours(1, 48)) { Report = AgentReportFor(hostname, serial, os, software, []) };
    }

    /// <summary>The board's servers: Windows and Linux, with the databases the agent recognises, on both sides of real fixes.</summary>
    private IEnumerable<PlannedAsset> PlanServers(Guid schoolId)
    {
        yield return Server("SRV-DC01", "Domeincontroller", schoolId, WindowsServer("Windows Server 2022 Standard", "21H2", "10.0.20348.2582"), [], [], internet: false);
        yield return Server("SRV-SQL01", "Administratie (SQL Server)", schoolId, WindowsServer("Windows Server 2019 Standard", "1809", "10.0.17763.6189"),
            [new("windows-registry", "Microsoft SQL Server 2019 (64-bit)", "15.0.4385.2", "Microsoft Corporation")],
            [new DatabaseInfo("SQL Server", "15.0.4385.2", "service:MSSQLSERVER")], internet: false);
        yield return Server("SRV-WEB01", "Intranet (PHP op IIS)", schoolId, WindowsServer("Windows Server 2022 Standard", "21H2", "10.0.20348.2655"),
            [new("windows-registry", "PHP 8.1.28", "8.1.28", "The PHP Group")], [], internet: true);

        // Ubuntu 22.04 OpenSSH before and at 1:8.9p1-3ubuntu0.10 (USN-6859-1, CVE-2024-6387), 24.04 before 1:9.6p1-3ubuntu13.3.
        yield return Server("lx-moodle01", "Moodle (MySQL)", schoolId, Ubuntu("22.04", "jammy"),
            [
                Deb("openssh-server", "1:8.9p1-3ubuntu0.6", "openssh"),
                Deb("openssh-client", "1:8.9p1-3ubuntu0.6", "openssh"),
                Deb("mysql-server-8.0", "8.0.39-0ubuntu0.22.04.1", "mysql-8.0"),
                Deb("php8.1-fpm", "8.1.2-1ubuntu2.19", "php8.1"),
            ],
            [new DatabaseInfo("MySQL", "8.0.39-0ubuntu0.22.04.1", "dpkg:mysql-server-8.0")], internet: true);
        yield return Server("lx-backup01", "Back-up", schoolId, Ubuntu("22.04", "jammy"),
            [Deb("openssh-server", "1:8.9p1-3ubuntu0.10", "openssh"), Deb("openssh-client", "1:8.9p1-3ubuntu0.10", "openssh")], [], internet: false);
        yield return Server("lx-monitor01", "Monitoring", schoolId, Ubuntu("24.04", "noble"),
            [Deb("openssh-server", "1:9.6p1-3ubuntu13", "openssh"), Deb("openssh-client", "1:9.6p1-3ubuntu13", "openssh")], [], internet: false);

        // Debian 12 with the packages of the agent's dpkg fixture; Debian 11 is past its end of life.
        yield return Server("lx-pg01", "Leerlingvolgsysteem (PostgreSQL)", schoolId, Debian("12", "bookworm", "6.1.0-28-amd64"),
            [
                Deb("libc6", "2.36-9+deb12u14", "glibc"),
                Deb("libssl3", "3.0.19-1~deb12u2", "openssl"),
                Deb("openssl", "3.0.19-1~deb12u2", null),
                Deb("postgresql-15", "15.18-0+deb12u1", null),
                Deb("libpq5", "15.18-0+deb12u1", "postgresql-15"),
            ],
            [new DatabaseInfo("PostgreSQL", "15.18-0+deb12u1", "dpkg:postgresql-15")], internet: false);
        yield return Server("lx-legacy01", "Oude roosterserver (PostgreSQL)", schoolId, Debian("11", "bullseye", "5.10.0-32-amd64"),
            [Deb("postgresql-13", "13.16-0+deb11u1", null), Deb("openssl", "1.1.1w-0+deb11u1", null)],
            [new DatabaseInfo("PostgreSQL", "13.16-0+deb11u1", "dpkg:postgresql-13")], internet: false);

        // Databases kept as assets of their own (entered by hand: no agent reports for them).
        yield return Database("Leerlingvolgsysteem database", "PostgreSQL 15", "15.18", schoolId);
        yield return Database("Administratie database", "Microsoft SQL Server 2019", "15.0.4385.2", schoolId);
        yield return Database("Moodle database", "MySQL 8.0", "8.0.39", schoolId);
    }

    private static IEnumerable<PlannedAsset> PlanServices()
    {
        (string Name, string Owner)[] services =
        [
            ("Magister", "Iddink"),
            ("ParnasSys", "ParnasSys"),
            ("Microsoft 365", "Microsoft"),
            ("Google Workspace for Education", "Google"),
            ("Basispoort", "Basispoort"),
        ];
        foreach (var (name, owner) in services)
        {
            yield return new PlannedAsset(new Asset
            {
                Kind = AssetKind.Saas,
                Name = name,
                Platform = "SaaS",
                Owner = owner,
                Confidentiality = BivLevel.High,
                InternetFacing = true,
                Tags = ["saas"],
            }, TimeSpan.Zero);
        }
    }

    private PlannedAsset Server(string hostname, string role, Guid schoolId, OperatingSystemInfo os, InstalledItem[] software, DatabaseInfo[] databases, bool internet)
    {
        var asset = new Asset
        {
            Kind = AssetKind.Server,
            Name = hostname,
            Hostname = hostname,
            SchoolId = schoolId,
            Owner = role,
            Availability = BivLevel.High,
            Integrity = BivLevel.High,
            Confidentiality = databases.Length > 0 ? BivLevel.High : BivLevel.Medium,
            InternetFacing = internet,
            Tags = ["server"],
        };
        return new PlannedAsset(asset, Hours(0, 6)) { Report = AgentReportFor(hostname, null, os, software, databases) };
    }

    private static PlannedAsset Database(string name, string platform, string version, Guid schoolId) => new(new Asset
    {
        Kind = AssetKind.Database,
        Name = name,
        Platform = platform,
        PatchLevel = version,
        SchoolId = schoolId,
        Confidentiality = BivLevel.High,
        Integrity = BivLevel.High,
        Tags = ["database"],
    }, TimeSpan.Zero);

    private static OperatingSystemInfo WindowsServer(string name, string version, string build) =>
        new("windows", name, "ServerStandard", version, build, "windows-server", null, null, null, false);

    private static OperatingSystemInfo Ubuntu(string version, string codename) =>
        new("linux", $"Ubuntu {version} LTS ({codename})", null, version, null, "ubuntu", version, "5.15.0-125-generic", null, false);

    private static OperatingSystemInfo Debian(string version, string codename, string kernel) =>
        new("linux", $"Debian GNU/Linux {version} ({codename})", null, version, null, "debian", version, kernel, null, false);

    private static InstalledItem Deb(string name, string version, string? source) =>
        new("dpkg", name, version, null, "amd64", source ?? name, version);

    private AgentReport AgentReportFor(string hostname, string? serial, OperatingSystemInfo os, IReadOnlyList<InstalledItem> software, IReadOnlyList<DatabaseInfo> databases) =>
        new(Guid.CreateVersion7(), default, "1.0.0-demo", true,
            new DeviceIdentity(hostname, DeterministicGuid().ToString().ToUpperInvariant(), serial, DeterministicGuid().ToString()),
            os, software, [], [], databases);

    private Guid DeterministicGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        return new Guid(bytes);
    }

    private string Serial(string prefix)
    {
        _serial++;
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
        var tail = new char[7];
        for (var i = 0; i < tail.Length; i++)
        {
            tail[i] = alphabet[_random.Next(alphabet.Length)];
        }

        return prefix + new string(tail);
    }

    private TimeSpan Hours(int min, int max) => TimeSpan.FromMinutes(_random.Next(min * 60, (max * 60) + 1));

    private T Pick<T>(T[] options, int[] weights)
    {
        var roll = _random.Next(weights.Sum());
        for (var i = 0; i < options.Length; i++)
        {
            roll -= weights[i];
            if (roll < 0)
            {
                return options[i];
            }
        }

        return options[^1];
    }

    /// <summary>A device as its management platform knows it; the simulator serves it, the connector makes the asset.</summary>
    private sealed record PlatformReport(string Origin, OperatingSystemInfo Os, IReadOnlyList<InstalledItem> Software, string? ModelIdentifier = null);

    private sealed record PlannedAsset(Asset Asset, TimeSpan Age)
    {
        public AgentReport? Report { get; init; }
        public PlatformReport? Platform { get; init; }

        /// <summary>An agent-managed laptop that is also enrolled in Intune: both report it, it stays one asset.</summary>
        public bool AlsoIntune { get; init; }

        public AgentDevice? Device { get; set; }
    }
}

internal sealed record DemoSchool(string Name, string Brin, string Location, string Address, string Prefix, int Devices, bool Primary);
