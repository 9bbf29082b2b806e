using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Inventory;

/// <summary>/api/v1 schools, locations and assets. Rows of other organisations are invisible (tenant filter) and so answer 404.</summary>
public static class InventoryApi
{
    public static IEndpointRouteBuilder MapInventoryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(Policies.Read).WithTags("Inventory");

        api.MapGet("/schools", async (PatchpeilDbContext db, int? page, int? pageSize, CancellationToken ct) =>
        {
            var (p, size) = ApiResults.Paging(page, pageSize);
            var query = db.Schools.AsNoTracking().OrderBy(s => s.Name).ThenBy(s => s.Id);
            var items = await query.Skip((p - 1) * size).Take(size).Select(s => new SchoolDto(s.Id, s.Name, s.Brin)).ToListAsync(ct);
            return TypedResults.Ok(new PagedResult<SchoolDto>(items, p, size, await query.CountAsync(ct)));
        });
        api.MapGet("/schools/{id:guid}", async Task<Results<Ok<SchoolDto>, NotFound>> (Guid id, PatchpeilDbContext db, CancellationToken ct) =>
            await db.Schools.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct) is { } s ? TypedResults.Ok(s.ToDto()) : TypedResults.NotFound());
        api.MapPost("/schools", async Task<Results<Created<SchoolDto>, ValidationProblem>> (SchoolInput input, PatchpeilDbContext db, IStringLocalizer<SharedResource> text, CancellationToken ct) =>
        {
            var errors = InventoryValidation.ValidateSchool(input);
            await UniqueBrinAsync(errors, db, input.Brin, null, ct);
            if (!errors.IsValid)
            {
                return errors.ToProblem(text);
            }

            var school = new School { Name = input.Name!.Trim(), Brin = InventoryValidation.NormaliseBrin(input.Brin) };
            db.Schools.Add(school);
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"/api/v1/schools/{school.Id}", school.ToDto());
        }).RequireAuthorization(Policies.Write);
        api.MapPut("/schools/{id:guid}", async Task<Results<Ok<SchoolDto>, NotFound, ValidationProblem>> (Guid id, SchoolInput input, PatchpeilDbContext db, IStringLocalizer<SharedResource> text, CancellationToken ct) =>
        {
            var school = await db.Schools.SingleOrDefaultAsync(s => s.Id == id, ct);
            if (school is null)
            {
                return TypedResults.NotFound();
            }

            var errors = InventoryValidation.ValidateSchool(input);
            await UniqueBrinAsync(errors, db, input.Brin, id, ct);
            if (!errors.IsValid)
            {
                return errors.ToProblem(text);
            }

            school.Name = input.Name!.Trim();
            school.Brin = InventoryValidation.NormaliseBrin(input.Brin);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(school.ToDto());
        }).RequireAuthorization(Policies.Write);
        api.MapDelete("/schools/{id:guid}", async Task<Results<NoContent, NotFound, ProblemHttpResult>> (Guid id, PatchpeilDbContext db, IStringLocalizer<SharedResource> text, CancellationToken ct) =>
        {
            var school = await db.Schools.SingleOrDefaultAsync(s => s.Id == id, ct);
            if (school is null)
            {
                return TypedResults.NotFound();
            }

            if (await db.Locations.AnyAsync(l => l.SchoolId == id, ct) || await db.Assets.AnyAsync(a => a.SchoolId == id, ct))
            {
                return TypedResults.Problem(text["School_InUse"].Value, statusCode: StatusCodes.Status409Conflict);
            }

            db.Schools.Remove(school);
            await db.SaveChangesAsync(ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(Policies.Write);

        api.MapGet("/locations", async (PatchpeilDbContext db, Guid? schoolId, int? page, int? pageSize, CancellationToken ct) =>
        {
            var (p, size) = ApiResults.Paging(page, pageSize);
            var query = db.Locations.AsNoTracking().Where(l => schoolId == null || l.SchoolId == schoolId).OrderBy(l => l.Name).ThenBy(l => l.Id);
            var items = await query.Skip((p - 1) * size).Take(size).Select(l => new LocationDto(l.Id, l.SchoolId, l.Name, l.Address)).ToListAsync(ct);
            return TypedResults.Ok(new PagedResult<LocationDto>(items, p, size, await query.CountAsync(ct)));
        });
        api.MapGet("/locations/{id:guid}", async Task<Results<Ok<LocationDto>, NotFound>> (Guid id, PatchpeilDbContext db, CancellationToken ct) =>
            await db.Locations.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, ct) is { } l ? TypedResults.Ok(l.ToDto()) : TypedResults.NotFound());
        api.MapPost("/locations", async Task<Results<Created<LocationDto>, ValidationProblem>> (LocationInput input, PatchpeilDbContext db, IStringLocalizer<SharedResource> text, CancellationToken ct) =>
        {
            var errors = await InventoryValidation.ValidateLocationAsync(input, db, ct);
            if (!errors.IsValid)
            {
                return errors.ToProblem(text);
            }

            var location = new Location { SchoolId = input.SchoolId!.Value, Name = input.Name!.Trim(), Address = string.IsNullOrWhiteSpace(input.Address) ? null : input.Address.Trim() };
            db.Locations.Add(location);
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"/api/v1/locations/{location.Id}", location.ToDto());
        }).RequireAuthorization(Policies.Write);
        api.MapPut("/locations/{id:guid}", async Task<Results<Ok<LocationDto>, NotFound, ValidationProblem>> (Guid id, LocationInput input, PatchpeilDbContext db, IStringLocalizer<SharedResource> text, CancellationToken ct) =>
        {
            var location = await db.Locations.SingleOrDefaultAsync(l => l.Id == id, ct);
            if (location is null)
            {
                return TypedResults.NotFound();
            }

            var errors = await InventoryValidation.ValidateLocationAsync(input, db, ct);
            if (!errors.IsValid)
            {
                return errors.ToProblem(text);
            }

            location.SchoolId = input.SchoolId!.Value;
            location.Name = input.Name!.Trim();
            location.Address = string.IsNullOrWhiteSpace(input.Address) ? null : input.Address.Trim();
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(location.ToDto());
        }).RequireAuthorization(Policies.Write);
        api.MapDelete("/locations/{id:guid}", async Task<Results<NoContent, NotFound, ProblemHttpResult>> (Guid id, PatchpeilDbContext db, IStringLocalizer<SharedResource> text, CancellationToken ct) =>
        {
            var location = await db.Locations.SingleOrDefaultAsync(l => l.Id == id, ct);
            if (location is null)
            {
                return TypedResults.NotFound();
            }

            if (await db.Assets.AnyAsync(a => a.LocationId == id, ct))
            {
                return TypedResults.Problem(text["Location_InUse"].Value, statusCode: StatusCodes.Status409Conflict);
            }

            db.Locations.Remove(location);
            await db.SaveChangesAsync(ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(Policies.Write);

        api.MapGet("/assets", async Task<Results<Ok<PagedResult<AssetDto>>, ValidationProblem>> (
            PatchpeilDbContext db, IStringLocalizer<SharedResource> text, TimeProvider time,
            string? q, Guid? schoolId, AssetKind? kind, BivLevel? criticality, string? sort, bool? desc, int? page, int? pageSize, int? notSeenDays, CancellationToken ct) =>
        {
            // The page offers fixed choices; an API caller who asks for 0 or -5 days gets told, not a silently unfiltered list.
            if (notSeenDays is not null and not (>= 1 and <= AssetQuery.MaxNotSeenDays))
            {
                var errors = new ValidationErrors();
                errors.Add("notSeenDays", "Assets_NotSeenDaysInvalid");
                return errors.ToProblem(text);
            }

            var (p, size) = ApiResults.Paging(page, pageSize);
            var query = new AssetQuery(q, schoolId, kind, criticality, sort, desc ?? false, p, 25, notSeenDays).Normalised() with
            {
                PageSize = size,
                Now = time.GetUtcNow().UtcDateTime,
            };
            var result = await query.ExecuteAsync(db, ct);
            return TypedResults.Ok(new PagedResult<AssetDto>(result.Items.Select(a => a.ToDto()).ToList(), result.Page, result.PageSize, result.Total));
        });
        api.MapGet("/assets/{id:guid}", async Task<Results<Ok<AssetDto>, NotFound>> (Guid id, PatchpeilDbContext db, CancellationToken ct) =>
            await db.Assets.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) is { } a ? TypedResults.Ok(a.ToDto()) : TypedResults.NotFound());
        api.MapPost("/assets", async Task<Results<Created<AssetDto>, ValidationProblem>> (AssetInput input, PatchpeilDbContext db, IStringLocalizer<SharedResource> text, TimeProvider time, CancellationToken ct) =>
        {
            var errors = await InventoryValidation.ValidateAssetAsync(input, db, ct);
            if (!errors.IsValid)
            {
                return errors.ToProblem(text);
            }

            var now = time.GetUtcNow().UtcDateTime;
            var asset = new Asset { Name = "", CreatedUtc = now, UpdatedUtc = now };
            asset.Apply(input);
            db.Assets.Add(asset);
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"/api/v1/assets/{asset.Id}", asset.ToDto());
        }).RequireAuthorization(Policies.Write);
        api.MapPut("/assets/{id:guid}", async Task<Results<Ok<AssetDto>, NotFound, ValidationProblem>> (Guid id, AssetInput input, PatchpeilDbContext db, IStringLocalizer<SharedResource> text, TimeProvider time, Findings.IFindingsJobs findings, CancellationToken ct) =>
        {
            var asset = await db.Assets.SingleOrDefaultAsync(a => a.Id == id, ct);
            if (asset is null)
            {
                return TypedResults.NotFound();
            }

            var errors = await InventoryValidation.ValidateAssetAsync(input, db, ct);
            if (!errors.IsValid)
            {
                return errors.ToProblem(text);
            }

            asset.Apply(input);
            asset.UpdatedUtc = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
            await findings.AssetChangedAsync(asset.Id, ct); // BIV and internet exposure change priorities
            return TypedResults.Ok(asset.ToDto());
        }).RequireAuthorization(Policies.Write);
        api.MapDelete("/assets/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, PatchpeilDbContext db, CancellationToken ct) =>
        {
            var asset = await db.Assets.SingleOrDefaultAsync(a => a.Id == id, ct);
            if (asset is null)
            {
                return TypedResults.NotFound();
            }

            db.Assets.Remove(asset);
            await db.SaveChangesAsync(ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(Policies.Write);

        return app;
    }

    internal static async Task UniqueBrinAsync(ValidationErrors errors, PatchpeilDbContext db, string? brin, Guid? except, CancellationToken ct)
    {
        var normalised = InventoryValidation.NormaliseBrin(brin);
        if (errors.All.All(e => e.Field != "Brin") && await db.Schools.AnyAsync(s => s.Brin == normalised && s.Id != except, ct))
        {
            errors.Add("Brin", "Validation_BrinTaken");
        }
    }
}
