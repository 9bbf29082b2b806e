using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Accounts;

/// <summary>Creating organisations, users and memberships: shared by the setup page, the user pages and the command line.</summary>
public sealed class AccountService(PatchpeilDbContext db, UserManager<User> users, TimeProvider time)
{
    public Task<bool> AnyUserAsync(CancellationToken cancellationToken = default) => db.Users.AnyAsync(cancellationToken);

    /// <summary>First start: one organisation and its first administrator, in one transaction.</summary>
    public async Task<AccountResult> SetupAsync(string organisationName, string email, string password, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.Users.AnyAsync(cancellationToken))
        {
            return AccountResult.Fail("", "Setup has been done already.");
        }

        var organisation = new Organisation { Name = organisationName.Trim(), CreatedUtc = time.GetUtcNow().UtcDateTime };
        db.Request.SetSystem($"setup:{email}");
        db.Organisations.Add(organisation);
        var result = await CreateUserAsync(email, password, organisation.Id, Role.Administrator, cancellationToken);
        if (!result.Succeeded)
        {
            return result;
        }

        await transaction.CommitAsync(cancellationToken);
        return result with { OrganisationId = organisation.Id };
    }

    /// <summary>Adds an existing user to the organisation, or creates the user with the given password.</summary>
    public async Task<AccountResult> AddMemberAsync(string email, string? password, Guid organisationId, Role role, CancellationToken cancellationToken = default)
    {
        var existing = await users.FindByEmailAsync(email);
        if (existing is null)
        {
            if (string.IsNullOrEmpty(password))
            {
                return AccountResult.Fail("Password", "A new user needs a password.");
            }

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var created = await CreateUserAsync(email, password, organisationId, role, cancellationToken);
            if (created.Succeeded)
            {
                await transaction.CommitAsync(cancellationToken);
            }

            return created;
        }

        if (await db.Memberships.IgnoreQueryFilters().AnyAsync(m => m.UserId == existing.Id && m.OrganisationId == organisationId, cancellationToken))
        {
            return AccountResult.Fail("Email", "This user is already a member of the organisation.");
        }

        db.Memberships.Add(new Membership { OrganisationId = organisationId, UserId = existing.Id, Role = role });
        await db.SaveChangesAsync(cancellationToken);
        return new AccountResult(true, existing.Id, organisationId, []);
    }

    private async Task<AccountResult> CreateUserAsync(string email, string password, Guid organisationId, Role role, CancellationToken cancellationToken)
    {
        var user = new User { UserName = email.Trim(), Email = email.Trim(), EmailConfirmed = true, CreatedUtc = time.GetUtcNow().UtcDateTime };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            db.ChangeTracker.Clear();
            return new AccountResult(false, null, null, created.Errors.Select(e => new AccountError(FieldOf(e), e.Description)).ToList());
        }

        db.Memberships.Add(new Membership { OrganisationId = organisationId, UserId = user.Id, Role = role });
        db.RecordAudit("User.Created", nameof(User), user.Id.ToString(), null, $"email={user.Email}", organisationId);
        await db.SaveChangesAsync(cancellationToken);
        return new AccountResult(true, user.Id, organisationId, []);
    }

    private static string FieldOf(IdentityError error) =>
        error.Code.StartsWith("Password", StringComparison.Ordinal) ? "Password"
        : error.Code.Contains("Email", StringComparison.Ordinal) || error.Code.Contains("UserName", StringComparison.Ordinal) ? "Email"
        : "";
}

public sealed record AccountError(string Field, string Message);

public sealed record AccountResult(bool Succeeded, Guid? UserId, Guid? OrganisationId, IReadOnlyList<AccountError> Errors)
{
    public static AccountResult Fail(string field, string message) => new(false, null, null, [new AccountError(field, message)]);
}
