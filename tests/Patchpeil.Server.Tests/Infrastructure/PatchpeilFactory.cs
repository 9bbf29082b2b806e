using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Patchpeil.Contracts;
using Patchpeil.Server.Accounts;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Tests.Infrastructure;

public enum Provider
{
    Sqlite,
    Postgres,
}

/// <summary>The real app (Program) over a fresh database of the chosen provider.</summary>
public sealed partial class PatchpeilFactory : WebApplicationFactory<Program>
{
    private readonly string _connectionString;
    private readonly string? _sqliteFolder;

    private PatchpeilFactory(Provider provider, string connectionString, string? sqliteFolder)
    {
        Provider = provider;
        _connectionString = connectionString;
        _sqliteFolder = sqliteFolder;
    }

    public Provider Provider { get; }

    public string ConnectionString => _connectionString;

    /// <summary>Everything the app logged, at Debug and up.</summary>
    public LogSink Logs { get; } = new();

    public static async Task<PatchpeilFactory> CreateAsync(Provider provider, PostgresServer postgres)
    {
        if (provider == Provider.Postgres)
        {
            return new PatchpeilFactory(provider, await postgres.CreateDatabaseAsync(), null);
        }

        var folder = Path.Combine(Path.GetTempPath(), "patchpeil-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        return new PatchpeilFactory(provider, $"Data Source={Path.Combine(folder, "patchpeil.db")}", folder);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Patchpeil", _connectionString);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).AddFilter<LogSink>(null, LogLevel.Debug));
        builder.ConfigureTestServices(services =>
        {
            foreach (var add in TestServices)
            {
                add(services);
            }
        });
    }

    /// <summary>Extra or replacement services for the test host (a recording listener, a FakeTimeProvider); add them before the app first starts.</summary>
    public List<Action<IServiceCollection>> TestServices { get; } = [];

    /// <summary>Runs code against the database as the command line would (no tenant filter).</summary>
    public async Task<T> WithSystemAsync<T>(Func<IServiceProvider, PatchpeilDbContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<RequestContext>().SetSystem("test");
        return await action(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<PatchpeilDbContext>());
    }

    /// <summary>An organisation with an administrator (created through the same service the setup page uses).</summary>
    public async Task<TestOrganisation> CreateOrganisationAsync(string name)
    {
        var email = $"admin-{Guid.NewGuid():N}@example.nl";
        var organisationId = await WithSystemAsync(async (sp, db) =>
        {
            var organisation = new Organisation { Name = name, CreatedUtc = DateTime.UtcNow };
            db.Organisations.Add(organisation);
            await db.SaveChangesAsync();
            var result = await sp.GetRequiredService<AccountService>().AddMemberAsync(email, TestOrganisation.Password, organisation.Id, Role.Administrator);
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Message)));
            return organisation.Id;
        });
        return new TestOrganisation(this, organisationId, name, email);
    }

    public HttpClient CreateBrowserClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Provider == Provider.Postgres)
        {
            // Each test has its own PostgreSQL database and so its own Npgsql pool; idle pooled connections would
            // otherwise stay open for minutes and exhaust the server's connection limit over a full run.
            using var connection = new Npgsql.NpgsqlConnection(_connectionString);
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }

        if (_sqliteFolder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_sqliteFolder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is harmless.
            }
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    internal static partial Regex AntiforgeryField();
}

public sealed record TestOrganisation(PatchpeilFactory Factory, Guid Id, string Name, string AdminEmail)
{
    public const string Password = "correct horse battery staple";

    /// <summary>Adds a member with the given role and returns its e-mail address.</summary>
    public async Task<string> AddMemberAsync(Role role)
    {
        var email = $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}@example.nl";
        await Factory.WithSystemAsync(async (sp, _) =>
        {
            var result = await sp.GetRequiredService<AccountService>().AddMemberAsync(email, Password, Id, role);
            Assert.True(result.Succeeded);
            return 0;
        });
        return email;
    }

    /// <summary>An API token for this organisation, stored hashed exactly as the tokens page does.</summary>
    public async Task<HttpClient> ApiClientAsync(Role role = Role.Administrator, string? email = null)
    {
        email ??= role == Role.Administrator ? AdminEmail : await AddMemberAsync(role);
        var token = await Factory.WithSystemAsync(async (_, db) =>
        {
            var user = await db.Users.SingleAsync(u => u.Email == email);
            var (value, prefix, hash) = ApiTokenFormat.Create();
            db.ApiTokens.Add(new ApiToken { OrganisationId = Id, UserId = user.Id, Name = "test", Prefix = prefix, Hash = hash, Role = role, CreatedUtc = DateTime.UtcNow });
            await db.SaveChangesAsync();
            return value;
        });
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A cookie-authenticated client that signed in through the real sign-in form.</summary>
    public async Task<HttpClient> SignedInClientAsync(string? email = null, string language = "nl")
    {
        var client = Factory.CreateBrowserClient();
        client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue(language));
        var response = await client.SignInAsync(email ?? AdminEmail, Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }
}

public static class HttpClientExtensions
{
    public static async Task<string> AntiforgeryTokenAsync(this HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path);
        var match = PatchpeilFactory.AntiforgeryField().Match(html);
        Assert.True(match.Success, $"No antiforgery field on {path}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Posts a form the way a browser does, including the antiforgery token from the page it is on.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string pagePath, string postPath, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var token = await client.AntiforgeryTokenAsync(pagePath);
        return await client.PostAsync(postPath, new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token))));
    }

    public static Task<HttpResponseMessage> SignInAsync(this HttpClient client, string email, string password) =>
        client.PostFormAsync("/account/signin", "/account/signin", [new("Input.Email", email), new("Input.Password", password)]);
}
