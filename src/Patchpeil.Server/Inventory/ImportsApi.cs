using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Core.Identities;
using Patchpeil.Core.Inventory;
using Patchpeil.Core.Matching;
using Patchpeil.Core.Versions;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory.Agents;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Inventory;

/// <summary>/api/v1 imports (CSV, SBOM), imported components, the unmapped-software review, mappings and the supplier register.</summary>
public static partial class ImportsApi
{
    public static IServiceCollection AddImports(this IServiceCollection services) => services.AddScoped<ImportService>();

    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(Policies.Read).WithTags("Imports");

        api.MapGet("/imports/template", (string? lang) =>
        {
            var english = string.Equals(lang, "en", StringComparison.OrdinalIgnoreCase);
            return TypedResults.File(InventoryCsv.Template(english ? "en" : "nl"), "text/csv; charset=utf-8", english ? "inventory-template.csv" : "inventaris-sjabloon.csv");
        });
        api.MapPost("/imports/csv", async Task<Results<Ok<ImportResultDto>, UnprocessableEntity<ImportResultDto>, ProblemHttpResult>> (
            HttpRequest request, string? fileName, bool? checkOnly, ImportService imports, CancellationToken ct) =>
        {
            var upload = await ReadUploadAsync(request, fileName, ct);
            if (upload.Error is not null)
            {
                return upload.Error;
            }

            return Answer(await imports.ImportCsvAsync(upload.Name, upload.Content!, checkOnly ?? false, ct));
        }).RequireAuthorization(Policies.Write).WithMetadata(new RequestSizeLimitAttribute(ImportService.MaxUploadBytes));
        api.MapPost("/imports/sbom", async Task<Results<Ok<ImportResultDto>, UnprocessableEntity<ImportResultDto>, ProblemHttpResult, NotFound>> (
            HttpRequest request, Guid? assetId, string? fileName, bool? checkOnly, ImportService imports, PatchpeilDbContext db, CancellationToken ct) =>
        {
            if (assetId is null)
            {
                return TypedResults.Problem("assetId is required: an SBOM describes one asset.", statusCode: StatusCodes.Status400BadRequest);
            }

            if (!await db.Assets.AnyAsync(a => a.Id == assetId, ct))
            {
                return TypedResults.NotFound();
            }

            var upload = await ReadUploadAsync(request, fileName, ct);
            if (upload.Error is not null)
            {
                return upload.Error;
            }

            var result = await imports.ImportSbomAsync(assetId.Value, upload.Name, upload.Content!, checkOnly ?? false, ct);
            if (result.Problems.Count > 0)
            {
                return TypedResults.UnprocessableEntity(result);
            }

            return TypedResults.Ok(result);
        }).RequireAuthorization(Policies.Write).WithMetadata(new RequestSizeLimitAttribute(ImportService.MaxUploadBytes));
        api.MapGet("/imports", async (PatchpeilDbContext db, int? page, int? pageSize, CancellationToken ct) =>
        {
            var (p, size) = ApiResults.Paging(page, pageSize);
            var query = db.Set<InventoryImport>().AsNoTracking().OrderByDescending(i => i.CreatedUtc).ThenByDescending(i => i.Id);
            var items = await query.Skip((p - 1) * size).Take(size).ToListAsync(ct);
            return TypedResults.Ok(new PagedResult<ImportResultDto>(items.Select(i => ImportService.ToDto(i, 0)).ToList(), p, size, await query.CountAsync(ct)));
        });
        api.MapGet("/imports/{id:guid}", async Task<Results<Ok<ImportResultDto>, NotFound>> (Guid id, PatchpeilDbContext db, CancellationToken ct) =>
            await db.Set<InventoryImport>().AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, ct) is { } i ? TypedResults.Ok(ImportService.ToDto(i, 0)) : TypedResults.NotFound());

        api.MapGet("/assets/{id:guid}/components", async Task<Results<Ok<List<ComponentDto>>, NotFound>> (Guid id, PatchpeilDbContext db, CancellationToken ct) =>
        {
            if (!await db.Assets.AnyAsync(a => a.Id == id, ct))
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Ok(await Components(db, id).Select(c => new ComponentDto(
                c.Name, c.Version, c.Publisher, c.Source, c.IsOperatingSystem, c.Identity, c.Scheme, c.EndOfLifeProduct, c.EndOfLifeCycle, c.Rule, c.ImportId, c.Origin)).ToListAsync(ct));
        });

        api.MapGet("/software/unmapped", async (PatchpeilDbContext db, int? page, int? pageSize, CancellationToken ct) =>
        {
            var (p, size) = ApiResults.Paging(page, pageSize);
            var (items, total) = await UnmappedAsync(db, p, size, ct);
            return TypedResults.Ok(new PagedResult<UnmappedSoftwareDto>(items, p, size, total));
        });
        api.MapGet("/software/mappings", async (PatchpeilDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.Set<SoftwareMapping>().AsNoTracking().OrderBy(m => m.NamePattern).ToListAsync(ct)).Select(ToDto).ToList()));
        api.MapPost("/software/mappings", async Task<Results<Created<SoftwareMappingDto>, ValidationProblem>> (
            SoftwareMappingInput input, PatchpeilDbContext db, IStringLocalizer<SharedResource> text, TimeProvider time, CancellationToken ct) =>
        {
            var (errors, mapping) = await CreateMappingAsync(input, db, time, ct);
            return mapping is null ? errors.ToProblem(text) : TypedResults.Created($"/api/v1/software/mappings/{mapping.Id}", ToDto(mapping));
        }).RequireAuthorization(Policies.Admin);
        api.MapDelete("/software/mappings/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, PatchpeilDbContext db, CancellationToken ct) =>
            await DeleteMappingAsync(id, db, ct) ? TypedResults.NoContent() : TypedResults.NotFound()).RequireAuthorization(Policies.Admin);

        api.MapGet("/suppliers", async (PatchpeilDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.Set<SupplierRecord>().AsNoTracking().OrderBy(s => s.NextReview == null).ThenBy(s => s.NextReview).ThenBy(s => s.Vendor)
                .Select(s => ToDto(s)).ToListAsync(ct)));
        api.MapGet("/assets/{id:guid}/supplier", async Task<Results<Ok<SupplierDto>, NotFound>> (Guid id, PatchpeilDbContext db, CancellationToken ct) =>
            await db.Set<SupplierRecord>().AsNoTracking().SingleOrDefaultAsync(s => s.AssetId == id, ct) is { } s ? TypedResults.Ok(ToDto(s)) : TypedResults.NotFound());
        api.MapPut("/assets/{id:guid}/supplier", async Task<Results<Ok<SupplierDto>, NotFound, ValidationProblem>> (
            Guid id, SupplierInput input, PatchpeilDbContext db, IStringLocalizer<SharedResource> text, TimeProvider time, CancellationToken ct) =>
        {
            var asset = await db.Assets.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
            if (asset is null)
            {
                return TypedResults.NotFound();
            }

            var errors = ValidateSupplier(input, asset);
            if (!errors.IsValid)
            {
                return errors.ToProblem(text);
            }

            return TypedResults.Ok(ToDto(await SaveSupplierAsync(id, input, db, time, ct)));
        }).RequireAuthorization(Policies.Write);
        api.MapDelete("/assets/{id:guid}/supplier", async Task<Results<NoContent, NotFound>> (Guid id, PatchpeilDbContext db, CancellationToken ct) =>
        {
            var record = await db.Set<SupplierRecord>().SingleOrDefaultAsync(s => s.AssetId == id, ct);
            if (record is null)
            {
                return TypedResults.NotFound();
            }

            db.Remove(record);
            await db.SaveChangesAsync(ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(Policies.Write);
        return app;
    }

    private static Results<Ok<ImportResultDto>, UnprocessableEntity<ImportResultDto>, ProblemHttpResult> Answer(ImportResultDto result) =>
        result.Problems.Count > 0 ? TypedResults.UnprocessableEntity(result) : TypedResults.Ok(result);

    /// <summary>The file from a multipart form (field `file`) or the raw body (name from `fileName`); Kestrel bounds the size.</summary>
    private static async Task<(string Name, byte[]? Content, ProblemHttpResult? Error)> ReadUploadAsync(HttpRequest request, string? fileName, CancellationToken ct)
    {
        // Only multipart is a form here: curl --data-binary labels a raw CSV as x-www-form-urlencoded.
        if (request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true)
        {
            var form = await request.ReadFormAsync(ct);
            if (form.Files.GetFile("file") is not { Length: > 0 } file)
            {
                return ("", null, TypedResults.Problem("The form needs a non-empty field 'file'.", statusCode: StatusCodes.Status400BadRequest));
            }

            await using var stream = file.OpenReadStream();
            return (file.FileName, await ReadAllAsync(stream, ct), null);
        }

        var content = await ReadAllAsync(request.Body, ct);
        return content is null || content.Length == 0
            ? ("", null, TypedResults.Problem("The request body is empty: send the file as the body or as the form field 'file'.", statusCode: StatusCodes.Status400BadRequest))
            : (string.IsNullOrWhiteSpace(fileName) ? "upload" : fileName, content, null);
    }

    public static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    public static IQueryable<ImportedComponent> Components(PatchpeilDbContext db, Guid assetId) =>
        db.Set<ImportedComponent>().AsNoTracking().Where(c => c.AssetId == assetId)
            .OrderByDescending(c => c.IsOperatingSystem).ThenBy(c => c.Name).ThenBy(c => c.Version);

    /// <summary>Unmapped software over the organisation's imported components, most frequent first.</summary>
    /// <summary>
    /// What no catalog entry or mapping identifies, most frequent first: imported components (CSV, SBOM) and the software
    /// agents and platforms report in each asset's current inventory (its latest snapshot). Package-manager items (dpkg,
    /// rpm, apk) always have a package identity and never appear here.
    /// </summary>
    public static async Task<(List<UnmappedSoftwareDto> Items, int Total)> UnmappedAsync(PatchpeilDbContext db, int page, int pageSize, CancellationToken ct)
    {
        var imported = await db.Set<ImportedComponent>().AsNoTracking().Where(c => c.Identity == null)
            .Select(c => new { c.Name, c.Publisher, c.AssetId, c.Version }).ToListAsync(ct);
        var groups = imported.GroupBy(c => (c.Name, c.Publisher))
            .ToDictionary(g => g.Key, g => new UnmappedGroup(g.Count(), [.. g.Select(c => c.AssetId)], g.Select(c => c.Version).Where(v => v is not null).Max(StringComparer.Ordinal)));

        // The current inventory of every asset: its latest snapshot's set. Sets are shared between identical machines.
        var current = await db.Set<AssetSnapshot>().AsNoTracking()
            .GroupBy(s => s.AssetId)
            .Select(g => g.OrderByDescending(s => s.ReceivedUtc).ThenByDescending(s => s.Id).First())
            .ToListAsync(ct);
        var assetsPerSet = current.GroupBy(c => c.InventorySetId).ToDictionary(g => g.Key, g => g.Select(c => c.AssetId).ToList());
        if (assetsPerSet.Count > 0)
        {
            var identifier = await ComponentIdentifier.LoadAsync(db, ct);
            var identified = new Dictionary<(string Source, string Name, string? Publisher), bool>();
            foreach (var chunk in assetsPerSet.Keys.Chunk(500))
            {
                var items = await db.Set<InventorySetItem>().AsNoTracking()
                    .Where(i => chunk.Contains(i.SetId) && i.Source != "dpkg" && i.Source != "rpm" && i.Source != "apk")
                    .Select(i => new { i.SetId, i.Source, i.Name, i.Version, i.Publisher })
                    .ToListAsync(ct);
                foreach (var i in items)
                {
                    if (!identified.TryGetValue((i.Source, i.Name, i.Publisher), out var known))
                    {
                        known = InventoryComponents.FromPackage(SoftwareCatalog.Default, i.Source, i.Name, i.Version, i.Publisher, null, null, null, null).Identities.Count > 0
                            || identifier.Identify(i.Name, i.Version, i.Publisher).Identity is not null;
                        identified[(i.Source, i.Name, i.Publisher)] = known;
                    }

                    if (known)
                    {
                        continue;
                    }

                    var assets = assetsPerSet[i.SetId];
                    if (!groups.TryGetValue((i.Name, i.Publisher), out var group))
                    {
                        groups[(i.Name, i.Publisher)] = group = new UnmappedGroup(0, [], null);
                    }

                    group.Occurrences += assets.Count;
                    group.Assets.UnionWith(assets);
                    if (group.Version is null || string.CompareOrdinal(i.Version, group.Version) > 0)
                    {
                        group.Version = i.Version;
                    }
                }
            }
        }

        var ordered = groups.OrderByDescending(g => g.Value.Occurrences).ThenBy(g => g.Key.Name, StringComparer.Ordinal).ThenBy(g => g.Key.Publisher, StringComparer.Ordinal)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(g => new UnmappedSoftwareDto(g.Key.Name, g.Key.Publisher, g.Value.Occurrences, g.Value.Assets.Count, g.Value.Version)).ToList();
        return (ordered, groups.Count);
    }

    private sealed class UnmappedGroup(int occurrences, HashSet<Guid> assets, string? version)
    {
        public int Occurrences { get; set; } = occurrences;

        public HashSet<Guid> Assets { get; } = assets;

        public string? Version { get; set; } = version;
    }

    public static async Task<(ValidationErrors Errors, SoftwareMapping? Mapping)> CreateMappingAsync(SoftwareMappingInput input, PatchpeilDbContext db, TimeProvider time, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var name = input.NamePattern?.Trim();
        var publisher = string.IsNullOrWhiteSpace(input.PublisherPattern) ? null : input.PublisherPattern.Trim();
        var identity = input.Identity?.Trim();
        var eol = string.IsNullOrWhiteSpace(input.EndOfLifeProduct) ? null : input.EndOfLifeProduct.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(name) || name.Trim('*').Length == 0)
        {
            errors.Add("NamePattern", "Validation_Required");
        }
        else if (name.Length > 500 || name.Any(char.IsControl))
        {
            errors.Add("NamePattern", "Validation_TooLong");
        }

        if (publisher is not null && (publisher.Length > 500 || publisher.Any(char.IsControl)))
        {
            errors.Add("PublisherPattern", "Validation_TooLong");
        }

        if (string.IsNullOrEmpty(identity))
        {
            errors.Add("Identity", "Validation_Required");
        }
        else if (!IsIdentityPrefix(identity))
        {
            errors.Add("Identity", "Validation_MappingIdentity");
        }

        if (!VersionSchemes.TryGet(input.Scheme, out var scheme) || scheme.Kind == VersionSchemeKind.Unknown)
        {
            errors.Add("Scheme", "Validation_MappingScheme");
        }

        if (eol is not null && !EolSlug().IsMatch(eol))
        {
            errors.Add("EndOfLifeProduct", "Validation_MappingEol");
        }

        if (errors.IsValid && await db.Set<SoftwareMapping>().AnyAsync(m => m.NamePattern == name && m.PublisherPattern == publisher, ct))
        {
            errors.Add("NamePattern", "Validation_MappingExists");
        }

        if (!errors.IsValid)
        {
            return (errors, null);
        }

        var mapping = new SoftwareMapping
        {
            NamePattern = name!,
            PublisherPattern = publisher,
            Identity = identity!,
            Scheme = scheme!.Name,
            EndOfLifeProduct = eol,
            CreatedUtc = time.GetUtcNow().UtcDateTime,
            CreatedBy = db.Request.Actor,
        };
        db.Add(mapping);
        await db.SaveChangesAsync(ct);
        await ComponentIdentifier.ReidentifyAsync(db, null, ct);
        return (errors, mapping);
    }

    public static async Task<bool> DeleteMappingAsync(Guid id, PatchpeilDbContext db, CancellationToken ct)
    {
        var mapping = await db.Set<SoftwareMapping>().SingleOrDefaultAsync(m => m.Id == id, ct);
        if (mapping is null)
        {
            return false;
        }

        db.Remove(mapping);
        await db.SaveChangesAsync(ct);
        await ComponentIdentifier.ReidentifyAsync(db, id, ct);
        return true;
    }

    /// <summary>`cpe:2.3:part:vendor:product` (nothing after the product) or a purl without version.</summary>
    private static bool IsIdentityPrefix(string identity)
    {
        if (identity.StartsWith("cpe:2.3:", StringComparison.Ordinal))
        {
            return identity.Split(':').Length == 5 && Cpe.TryParse(identity + ":*:*:*:*:*:*:*:*", out var cpe, out _) && cpe is not null
                && !identity.Contains('*', StringComparison.Ordinal);
        }

        return identity.StartsWith("pkg:", StringComparison.Ordinal) && PackageUrl.TryParse(identity, out var purl, out _) && purl!.Version is null;
    }

    public static ValidationErrors ValidateSupplier(SupplierInput input, Asset asset)
    {
        var errors = new ValidationErrors();
        if (asset.Kind is not (AssetKind.Saas or AssetKind.Application))
        {
            errors.Add("", "Validation_SupplierKind");
        }

        foreach (var (field, value, max, required) in new[]
        {
            ("Vendor", input.Vendor, 200, true), ("Product", input.Product, 200, true), ("Version", input.Version, 100, false),
            ("PatchCommitment", input.PatchCommitment, 1000, false), ("ContractReference", input.ContractReference, 200, false),
        })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                if (required)
                {
                    errors.Add(field, "Validation_Required");
                }
            }
            else if (value.Trim().Length > max)
            {
                errors.Add(field, "Validation_TooLong");
            }
            else if (field != "PatchCommitment" && value.Any(char.IsControl))
            {
                errors.Add(field, "Validation_ControlCharacters");
            }
        }

        if (input.Rosa is { } rosa && !Enum.IsDefined(rosa))
        {
            errors.Add("Rosa", "Validation_Required");
        }

        return errors;
    }

    public static async Task<SupplierRecord> SaveSupplierAsync(Guid assetId, SupplierInput input, PatchpeilDbContext db, TimeProvider time, CancellationToken ct)
    {
        var record = await db.Set<SupplierRecord>().SingleOrDefaultAsync(s => s.AssetId == assetId, ct);
        if (record is null)
        {
            record = new SupplierRecord { AssetId = assetId, Vendor = "", Product = "" };
            db.Add(record);
        }

        static string? Blank(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
        record.Vendor = input.Vendor!.Trim();
        record.Product = input.Product!.Trim();
        record.Version = Blank(input.Version);
        record.PatchCommitment = Blank(input.PatchCommitment);
        record.ContractReference = Blank(input.ContractReference);
        record.Rosa = input.Rosa ?? RosaStatus.Unknown;
        record.RosaValidUntil = input.RosaValidUntil;
        record.NextReview = input.NextReview;
        record.UpdatedUtc = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return record;
    }

    public static SoftwareMappingDto ToDto(SoftwareMapping m) => new(m.Id, m.NamePattern, m.PublisherPattern, m.Identity, m.Scheme, m.EndOfLifeProduct);

    public static SupplierDto ToDto(SupplierRecord s) =>
        new(s.AssetId, s.Vendor, s.Product, s.Version, s.PatchCommitment, s.ContractReference, s.Rosa, s.RosaValidUntil, s.NextReview);

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex EolSlug();
}
