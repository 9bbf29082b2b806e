using System.Globalization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;

[assembly: Microsoft.Extensions.Localization.RootNamespace("Patchpeil.Server")]

namespace Patchpeil.Server.Web;

/// <summary>Marker for the shared resource files (Resources/SharedResource.resx is Dutch, .en.resx English).</summary>
public sealed class SharedResource;

public static class WebSetup
{
    public static readonly CultureInfo[] Cultures = [new("nl-NL"), new("en-GB")];

    public static IServiceCollection AddWebUi(this IServiceCollection services)
    {
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.AddRazorPages(o =>
            {
                o.Conventions.AuthorizeFolder("/", Policies.Read);
                o.Conventions.AllowAnonymousToFolder("/Account");
                o.Conventions.AuthorizeFolder("/Settings", Policies.Admin);
                o.Conventions.AddPageRoute("/Settings/Connectors/Edit", "/settings/connectors/new");
                o.Conventions.AuthorizePage("/Settings/Audit", Policies.Audit);
                o.Conventions.AuthorizePage("/Account/SignOut");
                o.Conventions.AuthorizePage("/Advisories/Import", Policies.Write);
                o.Conventions.AuthorizePage("/Assets/Import", Policies.Write);
                o.Conventions.AuthorizePage("/Software/Mappings", Policies.Admin);
                o.Conventions.AuthorizePage("/Software/DeleteMapping", Policies.Admin);
            })
            .AddViewLocalization()
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(SharedResource)));
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("nl-NL");
            o.SupportedCultures = Cultures;
            o.SupportedUICultures = Cultures;
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new LanguageOnlyAcceptLanguageProvider()];
            o.FallBackToParentCultures = true;
            o.FallBackToParentUICultures = true;
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "patchpeil-af";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddSingleton<SetupState>();
        services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        return services;
    }

    public static IServiceCollection AddPatchpeilApi(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddOpenApi("v1");
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        return services;
    }

    public static WebApplication UseWebUiPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error");
        }

        app.UseStatusCodePages(async context =>
        {
            // API callers get ProblemDetails for bare status codes; pages keep theirs.
            if (context.HttpContext.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                await Results.Problem(statusCode: context.HttpContext.Response.StatusCode).ExecuteAsync(context.HttpContext);
            }
        });
        app.Use(SecurityHeaders);
        app.Use(RefuseOversizedBodies);
        app.UseStaticFiles();
        app.UseRequestLocalization();
        app.UseRouting();
        app.UseAuthentication();
        app.UseMiddleware<CurrentOrganisationMiddleware>();
        app.UseMiddleware<SetupGateMiddleware>();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        return app;
    }

    public static WebApplication MapWebUi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(Policies.Read);
        app.MapRazorPages();
        return app;
    }

    /// <summary>Requests larger than this are refused before anything reads them.</summary>
    public const long MaxRequestBodyBytes = 4 * 1024 * 1024;

    // Kestrel enforces the same limit on the wire (also for chunked bodies); this answers early and clearly, on any server.
    /// <summary>Paths whose endpoint sets its own, larger request size limit.</summary>
    private static readonly string[] OwnSizeLimitPaths = ["/advisories/import", "/api/v1/imports", "/assets/import"];

    private static async Task RefuseOversizedBodies(HttpContext context, Func<Task> next)
    {
        // Endpoints with their own [RequestSizeLimit] (the feed upload) are checked by Kestrel against that limit.
        // The error page re-runs the pipeline for the same request; answering 413 there would hide the real error.
        var reExecutedForError = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerPathFeature>() is not null;
        if (context.Request.ContentLength > MaxRequestBodyBytes && !reExecutedForError
            && !OwnSizeLimitPaths.Any(p => context.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
        {
            await Results.Problem($"The request body is larger than {MaxRequestBodyBytes / 1024 / 1024} MB.", statusCode: StatusCodes.Status413PayloadTooLarge)
                .ExecuteAsync(context);
            return;
        }

        await next();
    }

    private static Task SecurityHeaders(HttpContext context, Func<Task> next)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";
        return next();
    }
}

/// <summary>
/// Accept-Language by language, not region: "en", "en-US" and "en-GB" all get English (formatted en-GB), any "nl-*"
/// Dutch. The built-in provider only falls back from specific to neutral, so a plain "en" would get Dutch.
/// </summary>
public sealed class LanguageOnlyAcceptLanguageProvider : RequestCultureProvider
{
    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var languages = httpContext.Request.GetTypedHeaders().AcceptLanguage
            .Where(l => l.Quality is null or > 0)
            .OrderByDescending(l => l.Quality ?? 1);
        foreach (var language in languages)
        {
            var tag = language.Value.Value ?? "";
            var match = WebSetup.Cultures.FirstOrDefault(c => tag.StartsWith(c.TwoLetterISOLanguageName, StringComparison.OrdinalIgnoreCase));
            if (match is not null)
            {
                return Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult(match.Name));
            }
        }

        return NullProviderCultureResult;
    }
}

/// <summary>Remembers, once true, that the first administrator exists.</summary>
public sealed class SetupState
{
    private volatile bool _done;

    public async Task<bool> IsDoneAsync(PatchpeilDbContext db, CancellationToken ct)
    {
        if (!_done && await db.Users.AnyAsync(ct))
        {
            _done = true;
        }

        return _done;
    }

    public void MarkDone() => _done = true;
}

/// <summary>Until the first administrator exists, every page leads to the setup page.</summary>
public sealed class SetupGateMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, SetupState state, PatchpeilDbContext db)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/readyz", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/css", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/js", StringComparison.OrdinalIgnoreCase) || await state.IsDoneAsync(db, context.RequestAborted))
        {
            await next(context);
            return;
        }

        if (path.StartsWithSegments("/setup", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/account/language", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        if (path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await Results.Problem("Patchpeil has not been set up yet: open /setup in a browser or run `patchpeil setup`.", statusCode: StatusCodes.Status503ServiceUnavailable)
                .ExecuteAsync(context);
            return;
        }

        context.Response.Redirect("/setup");
    }
}

/// <summary>Ready means: the database answers and every migration is applied.</summary>
public sealed class DatabaseReadyCheck(PatchpeilDbContext db) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("database unreachable");
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            return pending.Count == 0
                ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
                : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy($"pending migrations: {string.Join(", ", pending)}");
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException)
        {
            return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
