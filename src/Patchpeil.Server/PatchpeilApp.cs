using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration.Memory;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Advisories;
using Patchpeil.Server.Advisories.Sync;
using Patchpeil.Server.Audit;
using Patchpeil.Server.Connectors;
using Patchpeil.Server.Data;
using Patchpeil.Server.Findings;
using Patchpeil.Server.Inventory;
using Patchpeil.Server.Inventory.Agents;
using Patchpeil.Server.Organisations;
using Patchpeil.Server.Policy;
using Patchpeil.Server.Web;

namespace Patchpeil.Server;

/// <summary>The host, read as a table of contents: one line per feature.</summary>
public static class PatchpeilApp
{
    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        // appsettings.json is read from the working directory, which is rarely the binary's folder
        // (`dotnet run --project …`, a published binary on the PATH); without these defaults every SQL statement
        // would be logged at Information. Lowest priority: appsettings, environment and command line still win.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
            },
        });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = WebSetup.MaxRequestBodyBytes);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddPatchpeilData();
        builder.Services.AddAccounts();
        builder.Services.AddWebUi();
        builder.Services.AddPatchpeilApi();
        builder.Services.AddAdvisories();
        builder.Services.AddFeedSync();
        builder.Services.AddImports();
        builder.Services.AddAgents();
        builder.Services.AddPatchPolicy();
        builder.Services.AddConnectors();
        builder.Services.AddFindings();
        builder.Services.AddScoped<Demo.DemoSeeder>();
        builder.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseWebUiPipeline();
        app.MapHealth();
        app.MapOrganisationsApi();
        app.MapInventoryApi();
        app.MapImportsApi();
        app.MapAgentApi();
        app.MapAdvisoriesApi();
        app.MapFindingsApi();
        app.MapAuditApi();
        app.MapPolicyApi();
        app.MapWebUi();
        return app;
    }
}
