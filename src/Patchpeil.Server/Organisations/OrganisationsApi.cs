using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Patchpeil.Contracts;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;
using Patchpeil.Server.Inventory;
using Patchpeil.Server.Web;

namespace Patchpeil.Server.Organisations;

public sealed record OrganisationInput(string? Name);

public static class OrganisationsApi
{
    public static IEndpointRouteBuilder MapOrganisationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/organisations").RequireAuthorization(Policies.Read).WithTags("Organisations");

        // The organisations the caller belongs to; a token sees only its own.
        api.MapGet("/", async (PatchpeilDbContext db, CancellationToken ct) =>
        {
            var items = await OrganisationService.MineAsync(db, ct);
            return TypedResults.Ok(new PagedResult<OrganisationDto>(items, 1, items.Count, items.Count));
        });
        api.MapGet("/current", async Task<Results<Ok<OrganisationDto>, NotFound>> (PatchpeilDbContext db, CancellationToken ct) =>
            (await OrganisationService.MineAsync(db, ct)).FirstOrDefault(o => o.Id == db.Request.OrganisationId) is { } o ? TypedResults.Ok(o) : TypedResults.NotFound());
        api.MapPut("/current", async Task<Results<Ok<OrganisationDto>, NotFound, ValidationProblem>> (OrganisationInput input, PatchpeilDbContext db, IStringLocalizer<SharedResource> text, CancellationToken ct) =>
        {
            var errors = OrganisationService.Validate(input);
            if (!errors.IsValid)
            {
                return errors.ToProblem(text);
            }

            var organisation = await db.Organisations.SingleOrDefaultAsync(o => o.Id == db.Request.OrganisationId, ct);
            if (organisation is null)
            {
                return TypedResults.NotFound();
            }

            organisation.Name = input.Name!.Trim();
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(new OrganisationDto(organisation.Id, organisation.Name, Role.Administrator));
        }).RequireAuthorization(Policies.Admin);
        api.MapPost("/", async Task<Results<Created<OrganisationDto>, ValidationProblem, ForbidHttpResult>> (OrganisationInput input, HttpContext http, PatchpeilDbContext db, IStringLocalizer<SharedResource> text, TimeProvider time, CancellationToken ct) =>
        {
            // Tokens are bound to one organisation; creating another is a person's decision.
            if (http.User.HasClaim(PatchpeilClaims.AuthMethod, PatchpeilClaims.TokenAuth))
            {
                return TypedResults.Forbid();
            }

            var errors = OrganisationService.Validate(input);
            if (!errors.IsValid)
            {
                return errors.ToProblem(text);
            }

            var created = await OrganisationService.CreateAsync(db, input.Name!.Trim(), time, ct);
            return TypedResults.Created($"/api/v1/organisations/{created.Id}", created);
        }).RequireAuthorization(Policies.Admin);
        return app;
    }
}

public static class OrganisationService
{
    public static Task<List<OrganisationDto>> MineAsync(PatchpeilDbContext db, CancellationToken ct)
    {
        var userId = db.Request.UserId;
        var query = db.Memberships.IgnoreQueryFilters().AsNoTracking().Where(m => m.UserId == userId);
        if (db.Request.OrganisationId is { } current && db.Request.ViaToken)
        {
            query = query.Where(m => m.OrganisationId == current);
        }

        return query.OrderBy(m => m.Organisation!.Name)
            .Select(m => new OrganisationDto(m.OrganisationId, m.Organisation!.Name, m.Role)).ToListAsync(ct);
    }

    public static ValidationErrors Validate(OrganisationInput input)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(input.Name))
        {
            errors.Add("Name", "Validation_Required");
        }
        else if (input.Name.Trim().Length > InventoryValidation.MaxNameLength)
        {
            errors.Add("Name", "Validation_TooLong");
        }
        else if (input.Name.Any(char.IsControl))
        {
            errors.Add("Name", "Validation_ControlCharacters");
        }

        return errors;
    }

    /// <summary>A new organisation with the caller as its administrator (an IT supplier taking on another school board).</summary>
    public static async Task<OrganisationDto> CreateAsync(PatchpeilDbContext db, string name, TimeProvider time, CancellationToken ct)
    {
        var previous = db.Request.OrganisationId;
        var organisation = new Organisation { Name = name, CreatedUtc = time.GetUtcNow().UtcDateTime };
        db.Organisations.Add(organisation);
        db.Request.SetOrganisation(organisation.Id);
        try
        {
            db.Memberships.Add(new Membership { OrganisationId = organisation.Id, UserId = db.Request.UserId!.Value, Role = Role.Administrator });
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            db.Request.SetOrganisation(previous);
        }

        return new OrganisationDto(organisation.Id, organisation.Name, Role.Administrator);
    }
}
