using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Contracts;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Inventory;

/// <summary>
/// Field-level validation shared by the API and the pages. Errors carry a message key; the caller translates it
/// into the user's language, so the API and the UI say the same thing.
/// </summary>
public static partial class InventoryValidation
{
    public const int MaxNameLength = 200;
    public const int MaxTags = 50;
    public const int MaxTagLength = 50;

    // BRIN: two digits and two letters (00AA), optionally a two-digit branch number (00AA01).
    [GeneratedRegex("^[0-9]{2}[A-Z]{2}([0-9]{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex BrinPattern();

    // RFC 1123 host names: labels of letters, digits and hyphens, at most 253 characters.
    [GeneratedRegex(@"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex HostnamePattern();

    public static string NormaliseBrin(string? brin) => (brin ?? "").Trim().ToUpperInvariant();

    public static ValidationErrors ValidateSchool(SchoolInput input)
    {
        var errors = new ValidationErrors();
        RequiredText(errors, "Name", input.Name, MaxNameLength);
        var brin = NormaliseBrin(input.Brin);
        if (brin.Length == 0)
        {
            errors.Add("Brin", "Validation_Required");
        }
        else if (!BrinPattern().IsMatch(brin))
        {
            errors.Add("Brin", "Validation_Brin");
        }

        return errors;
    }

    public static async Task<ValidationErrors> ValidateLocationAsync(LocationInput input, PatchpeilDbContext db, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        RequiredText(errors, "Name", input.Name, MaxNameLength);
        OptionalText(errors, "Address", input.Address, 400);
        if (input.SchoolId is null)
        {
            errors.Add("SchoolId", "Validation_Required");
        }
        else if (!await db.Schools.AnyAsync(s => s.Id == input.SchoolId, cancellationToken))
        {
            // The tenant filter makes another organisation's school look exactly like a missing one.
            errors.Add("SchoolId", "Validation_UnknownSchool");
        }

        return errors;
    }

    public static async Task<ValidationErrors> ValidateAssetAsync(AssetInput input, PatchpeilDbContext db, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (input.Kind is null || !Enum.IsDefined(input.Kind.Value))
        {
            errors.Add("Kind", "Validation_Required");
        }

        RequiredText(errors, "Name", input.Name, MaxNameLength);
        if (!string.IsNullOrWhiteSpace(input.Hostname) && !HostnamePattern().IsMatch(input.Hostname.Trim()))
        {
            errors.Add("Hostname", "Validation_Hostname");
        }

        OptionalText(errors, "Platform", input.Platform, MaxNameLength);
        OptionalText(errors, "Owner", input.Owner, MaxNameLength);
        foreach (var (field, value) in new[] { ("Availability", input.Availability), ("Integrity", input.Integrity), ("Confidentiality", input.Confidentiality) })
        {
            if (value is null || !Enum.IsDefined(value.Value))
            {
                errors.Add(field, "Validation_Required");
            }
        }

        var tags = input.Tags ?? [];
        if (tags.Count > MaxTags || tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Trim().Length > MaxTagLength || t.Any(char.IsControl)))
        {
            errors.Add("Tags", "Validation_Tags");
        }

        if (input.SchoolId is { } schoolId && !await db.Schools.AnyAsync(s => s.Id == schoolId, cancellationToken))
        {
            errors.Add("SchoolId", "Validation_UnknownSchool");
        }

        if (input.LocationId is { } locationId)
        {
            var location = await db.Locations.Where(l => l.Id == locationId).Select(l => new { l.SchoolId }).SingleOrDefaultAsync(cancellationToken);
            if (location is null)
            {
                errors.Add("LocationId", "Validation_UnknownLocation");
            }
            else if (input.SchoolId is { } s && location.SchoolId != s)
            {
                errors.Add("LocationId", "Validation_LocationOtherSchool");
            }
        }

        return errors;
    }

    public static void Apply(this Asset asset, AssetInput input)
    {
        asset.Kind = input.Kind!.Value;
        asset.Name = input.Name!.Trim();
        asset.Hostname = Blank(input.Hostname);
        asset.Platform = Blank(input.Platform);
        asset.Owner = Blank(input.Owner);
        asset.SchoolId = input.SchoolId;
        asset.LocationId = input.LocationId;
        asset.Availability = input.Availability!.Value;
        asset.Integrity = input.Integrity!.Value;
        asset.Confidentiality = input.Confidentiality!.Value;
        asset.InternetFacing = input.InternetFacing;
        asset.Tags = (input.Tags ?? []).Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
    }

    public static AssetDto ToDto(this Asset a) => new(
        a.Id, a.Kind, a.Name, a.Hostname, a.Platform, a.Owner, a.SchoolId, a.LocationId,
        a.Availability, a.Integrity, a.Confidentiality, a.InternetFacing, a.Tags, a.LastSeenUtc);

    public static SchoolDto ToDto(this School s) => new(s.Id, s.Name, s.Brin);

    public static LocationDto ToDto(this Location l) => new(l.Id, l.SchoolId, l.Name, l.Address);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static void RequiredText(ValidationErrors errors, string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "Validation_Required");
        }
        else
        {
            OptionalText(errors, field, value, max);
        }
    }

    private static void OptionalText(ValidationErrors errors, string field, string? value, int max)
    {
        if (value is null)
        {
            return;
        }

        if (value.Trim().Length > max)
        {
            errors.Add(field, "Validation_TooLong");
        }
        else if (value.Any(char.IsControl))
        {
            errors.Add(field, "Validation_ControlCharacters");
        }
    }
}

/// <summary>Field → message keys, in the order found.</summary>
public sealed class ValidationErrors
{
    private readonly List<(string Field, string Key)> _errors = [];

    public bool IsValid => _errors.Count == 0;

    public IReadOnlyList<(string Field, string Key)> All => _errors;

    public void Add(string field, string key) => _errors.Add((field, key));
}
