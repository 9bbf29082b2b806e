using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Core.Inventory;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Inventory;

/// <summary>
/// CSV and SBOM imports. All or nothing per file: one bad row refuses the whole file (422 with every problem), so a
/// list is never half in. A refused file is recorded in the history with its problems; a check-only run is not.
/// Re-importing replaces the components the same kind of import gave an asset before.
/// </summary>
public sealed class ImportService(PatchpeilDbContext db, TimeProvider time, Findings.IFindingsJobs? findings = null)
{
    public const int MaxSbomBytes = 20 * 1024 * 1024;
    public const int MaxSbomComponents = 50_000;
    public const int MaxStoredProblems = 200;

    /// <summary>Upload limit for the import endpoints and page (the largest file plus form overhead).</summary>
    public const long MaxUploadBytes = MaxSbomBytes + (1024 * 1024);

    private sealed record PlannedComponent(Guid AssetKey, InventoryCsvRow? Row, string Name, string? Version, string? Publisher, bool IsOperatingSystem, string Origin, string? Purl, string? Cpe);

    public async Task<ImportResultDto> ImportCsvAsync(string fileName, byte[] content, bool checkOnly, CancellationToken cancellationToken)
    {
        var parsed = InventoryCsv.Read(content);
        var problems = parsed.Errors.Select(e => new ImportProblem(e.Line, e.Column, e.Message)).ToList();
        var schools = await db.Schools.AsNoTracking().Select(s => new { s.Id, s.Brin, s.Name }).ToListAsync(cancellationToken);
        var assets = await db.Assets.AsNoTracking().Select(a => new { a.Id, a.Name, a.Hostname }).ToListAsync(cancellationToken);

        // Resolve every asset group first; only when nothing is wrong is anything written.
        var groups = new List<(InventoryCsvRow First, List<InventoryCsvRow> Rows, Guid? ExistingId, Guid? SchoolId)>();
        foreach (var group in parsed.Rows.GroupBy(r => r.AssetKey, StringComparer.Ordinal))
        {
            var rows = group.ToList();
            var first = rows[0];
            Guid? schoolId = null;
            if (rows.Select(r => r.School).FirstOrDefault(s => s is not null) is { } school)
            {
                var found = schools.Where(s => string.Equals(s.Brin, school, StringComparison.OrdinalIgnoreCase) || string.Equals(s.Name, school, StringComparison.OrdinalIgnoreCase)).ToList();
                if (found.Count == 1)
                {
                    schoolId = found[0].Id;
                }
                else
                {
                    problems.Add(new ImportProblem(rows.First(r => r.School is not null).Line, "school",
                        found.Count == 0 ? $"no school with BRIN or name '{school}'; add it under Scholen first" : $"'{school}' names {found.Count} schools; use the BRIN"));
                }
            }

            var matches = first.Hostname is { } host
                ? assets.Where(a => string.Equals(a.Hostname, host, StringComparison.OrdinalIgnoreCase)).ToList()
                : assets.Where(a => a.Hostname is null && string.Equals(a.Name, first.Name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count > 1)
            {
                problems.Add(new ImportProblem(first.Line, first.Hostname is null ? "name" : "hostname",
                    $"{matches.Count} assets are called '{first.Hostname ?? first.Name}'; give them distinct host names first"));
            }
            else if (matches.Count == 0 && rows.All(r => r.Kind is null))
            {
                problems.Add(new ImportProblem(first.Line, "kind", $"'{first.Hostname ?? first.Name}' is a new asset and needs a kind (soort)"));
            }

            groups.Add((first, rows, matches.Count == 1 ? matches[0].Id : null, schoolId));
        }

        var plannedCount = parsed.Rows.Count(r => r.Software is not null) + groups.Count(g => g.Rows.Any(r => r.OperatingSystem is not null));
        if (problems.Count > 0 || checkOnly)
        {
            return await FinishAsync(ImportKind.Csv, fileName, content, null, checkOnly, problems, parsed.Rows.Count, plannedCount, 0,
                groups.Count(g => g.ExistingId is null), groups.Count(g => g.ExistingId is not null), cancellationToken);
        }

        var identifier = await ComponentIdentifier.LoadAsync(db, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var import = NewImport(ImportKind.Csv, fileName, content, null, now);
        var strategy = db.Database.CreateExecutionStrategy();
        var unmapped = 0;
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.Add(import);
            var touched = new List<Guid>();
            foreach (var (first, rows, existingId, schoolId) in groups)
            {
                var os = rows.FirstOrDefault(r => r.OperatingSystem is not null);
                Asset asset;
                if (existingId is { } id)
                {
                    asset = await db.Assets.SingleAsync(a => a.Id == id, cancellationToken);
                }
                else
                {
                    asset = new Asset
                    {
                        Name = first.Name,
                        Hostname = first.Hostname?.ToLowerInvariant(),
                        Kind = Enum.Parse<AssetKind>(rows.First(r => r.Kind is not null).Kind!),
                        CreatedUtc = now,
                        UpdatedUtc = now,
                    };
                    db.Assets.Add(asset);
                }

                if (schoolId is not null && asset.SchoolId != schoolId)
                {
                    asset.SchoolId = schoolId;
                    asset.LocationId = null;
                    asset.UpdatedUtc = now;
                }

                if (os is not null)
                {
                    var platform = Truncate(os.OperatingSystem + (os.OperatingSystemVersion is null ? "" : " " + os.OperatingSystemVersion), InventoryValidation.MaxNameLength);
                    if (asset.Platform != platform)
                    {
                        asset.Platform = platform;
                        asset.UpdatedUtc = now;
                    }
                }

                touched.Add(asset.Id);
                if (os is not null)
                {
                    unmapped += Add(identifier, import, asset.Id, os.OperatingSystem!, os.OperatingSystemVersion, null, true, $"line {os.Line}", null, null);
                }

                foreach (var row in rows.Where(r => r.Software is not null))
                {
                    unmapped += Add(identifier, import, asset.Id, row.Software!, row.Version, row.Publisher, false, $"line {row.Line}", null, null);
                }
            }

            await db.Set<ImportedComponent>().Where(c => touched.Contains(c.AssetId) && c.Source == ImportKind.Csv).ExecuteDeleteAsync(cancellationToken);
            import.Rows = parsed.Rows.Count;
            import.Components = plannedCount;
            import.AssetsCreated = groups.Count(g => g.ExistingId is null);
            import.AssetsUpdated = groups.Count(g => g.ExistingId is not null);
            db.RecordAudit("Inventory.Imported", nameof(InventoryImport), import.Id.ToString(), null, import.AuditSummary());
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (findings is not null)
            {
                await findings.AssetsChangedAsync(touched, cancellationToken);
            }
        });

        return ToDto(import, unmapped);
    }

    public async Task<ImportResultDto> ImportSbomAsync(Guid assetId, string fileName, byte[] content, bool checkOnly, CancellationToken cancellationToken)
    {
        var problems = new List<ImportProblem>();
        IReadOnlyList<SbomComponent> components = [];
        if (content.Length > MaxSbomBytes)
        {
            problems.Add(new ImportProblem(0, null, string.Create(CultureInfo.InvariantCulture, $"the file is {content.Length:N0} bytes; at most {MaxSbomBytes:N0} bytes are accepted")));
        }
        else
        {
            var parsed = Patchpeil.Core.Inventory.SbomReader.Read(content, fileName);
            components = parsed.Items;
            foreach (var q in parsed.Quarantined)
            {
                problems.AddRange(q.Reasons.Select(r => new ImportProblem(0, r.Path.Length == 0 ? null : r.Path, r.Message)));
            }

            if (components.Count > MaxSbomComponents)
            {
                problems.Add(new ImportProblem(0, "/components", string.Create(CultureInfo.InvariantCulture, $"{components.Count:N0} components; at most {MaxSbomComponents:N0} are accepted")));
            }
        }

        if (problems.Count > 0 || checkOnly)
        {
            return await FinishAsync(ImportKind.Sbom, fileName, content, assetId, checkOnly, problems, components.Count, components.Count, 0, 0, problems.Count == 0 ? 1 : 0, cancellationToken);
        }

        var identifier = await ComponentIdentifier.LoadAsync(db, cancellationToken);
        var import = NewImport(ImportKind.Sbom, fileName, content, assetId, time.GetUtcNow().UtcDateTime);
        var unmapped = 0;
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.Add(import);
            foreach (var c in components)
            {
                var name = c.Group is null ? c.Name : $"{c.Group}/{c.Name}";
                unmapped += Add(identifier, import, assetId, name, c.Version, c.Supplier, false, c.Path, c.Purl, c.Cpe);
            }

            await db.Set<ImportedComponent>().Where(x => x.AssetId == assetId && x.Source == ImportKind.Sbom).ExecuteDeleteAsync(cancellationToken);
            import.Rows = components.Count;
            import.Components = components.Count;
            import.AssetsUpdated = 1;
            db.RecordAudit("Inventory.Imported", nameof(InventoryImport), import.Id.ToString(), null, import.AuditSummary());
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (findings is not null)
            {
                await findings.AssetChangedAsync(assetId, cancellationToken);
            }
        });

        return ToDto(import, unmapped);
    }

    private int Add(ComponentIdentifier identifier, InventoryImport import, Guid assetId, string name, string? version, string? publisher, bool isOs, string origin, string? purl, string? cpe)
    {
        var id = identifier.Identify(name, version, publisher, purl, cpe);
        db.Add(new ImportedComponent
        {
            AssetId = assetId,
            ImportId = import.Id,
            Source = import.Kind,
            IsOperatingSystem = isOs,
            Name = Truncate(name, 500),
            Version = version is null ? null : Truncate(version, 200),
            Publisher = publisher is null ? null : Truncate(publisher, 500),
            Origin = Truncate(origin, 200),
            Purl = purl,
            Cpe = cpe,
            Identity = id.Identity,
            Scheme = id.Scheme,
            EndOfLifeProduct = id.EndOfLifeProduct,
            EndOfLifeCycle = id.EndOfLifeCycle,
            Rule = id.Rule,
        });
        return id.Identity is null ? 1 : 0;
    }

    private async Task<ImportResultDto> FinishAsync(ImportKind kind, string fileName, byte[] content, Guid? assetId, bool checkOnly, List<ImportProblem> problems,
        int rows, int components, int unmapped, int created, int updated, CancellationToken cancellationToken)
    {
        var import = NewImport(kind, fileName, content, assetId, time.GetUtcNow().UtcDateTime);
        import.Rows = rows;
        import.Components = components;
        import.AssetsCreated = created;
        import.AssetsUpdated = updated;
        import.ProblemCount = problems.Count;
        import.Problems = string.Join('\n', problems.Take(MaxStoredProblems).Select(p => $"{p.Line}\t{p.Column}\t{p.Message.ReplaceLineEndings(" ")}"));
        if (problems.Count == 0)
        {
            import.Status = ImportStatus.Checked;
            return ToDto(import, unmapped) with { Id = Guid.Empty };
        }

        import.Status = checkOnly ? ImportStatus.Checked : ImportStatus.Refused;
        if (!checkOnly)
        {
            db.Add(import);
            db.RecordAudit("Inventory.ImportRefused", nameof(InventoryImport), import.Id.ToString(), null, import.AuditSummary());
            await db.SaveChangesAsync(cancellationToken);
        }

        return ToDto(import, unmapped, problems) with { Id = checkOnly ? Guid.Empty : import.Id };
    }

    private InventoryImport NewImport(ImportKind kind, string fileName, byte[] content, Guid? assetId, DateTime now) => new()
    {
        Kind = kind,
        Status = ImportStatus.Applied,
        FileName = Truncate(Path.GetFileName(fileName.Replace('\\', '/')), 260) is { Length: > 0 } name ? name : "upload",
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
        SizeBytes = content.Length,
        AssetId = assetId,
        UserId = db.Request.UserId,
        Actor = db.Request.Actor,
        CreatedUtc = now,
    };

    public static ImportResultDto ToDto(InventoryImport i, int unmapped, IReadOnlyList<ImportProblem>? problems = null) => new(
        i.Id, i.Kind, i.Status, i.FileName, i.Sha256, i.AssetId, i.Actor, i.CreatedUtc, i.Rows, i.Components, unmapped, i.AssetsCreated, i.AssetsUpdated,
        problems ?? ParseProblems(i.Problems));

    public static IReadOnlyList<ImportProblem> ParseProblems(string stored) =>
        stored.Length == 0
            ? []
            : stored.Split('\n').Select(l => l.Split('\t', 3)).Select(p => new ImportProblem(
                int.Parse(p[0], CultureInfo.InvariantCulture), p[1].Length == 0 ? null : p[1], p.Length > 2 ? p[2] : "")).ToList();

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
