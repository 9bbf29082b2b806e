using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Patchpeil.Server.Inventory;

namespace Patchpeil.Server.Web;

public static class ApiResults
{
    /// <summary>ProblemDetails with `errors` per field, in the caller's language.</summary>
    public static ValidationProblem ToProblem(this ValidationErrors errors, IStringLocalizer text) =>
        TypedResults.ValidationProblem(
            errors.All.GroupBy(e => ToCamelCase(e.Field))
                .ToDictionary(g => g.Key, g => g.Select(e => text[e.Key].Value).ToArray()),
            title: text["Validation_Title"].Value);

    public static (int Page, int PageSize) Paging(int? page, int? pageSize) =>
        (Math.Max(1, page ?? 1), Math.Clamp(pageSize ?? 25, 1, 200));

    private static string ToCamelCase(string field) => field.Length == 0 ? field : char.ToLowerInvariant(field[0]) + field[1..];
}
