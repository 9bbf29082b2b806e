namespace Patchpeil.Server.Tests.Infrastructure;

/// <summary>
/// Base for tests that run against the real app on both providers: each test gets its own fresh database.
/// Subclasses name the provider; PostgreSQL tests skip with the reason when no server is available.
/// </summary>
public abstract class AppTest(PostgresServer postgres, Provider provider) : IAsyncDisposable
{
    private PatchpeilFactory? _app;

    protected Provider Provider => provider;

    protected async Task<PatchpeilFactory> AppAsync() => _app ??= await PatchpeilFactory.CreateAsync(provider, postgres);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
