using System.Net;
using Patchpeil.Server.Connectors.Google;
using Patchpeil.Server.Connectors.Intune;

namespace Patchpeil.Server.Connectors;

public static class ConnectorSetup
{
    public static IServiceCollection AddConnectors(this IServiceCollection services)
    {
        services.AddOptions<ConnectorHttpOptions>().BindConfiguration("Connectors:Http")
            .Validate(o => o.MaxAttempts >= 1 && o.AttemptTimeout > TimeSpan.Zero && o.MaxResponseBytes > 0, "Connectors:Http needs positive limits and at least one attempt.")
            .ValidateOnStart();
        services.AddOptions<ConnectorOptions>().BindConfiguration("Connectors")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Connectors:PollInterval must be positive.")
            .ValidateOnStart();
        services.AddHttpClient(ConnectorHttp.ClientName, client =>
            {
                // Each attempt has its own time-out (ConnectorHttpOptions.AttemptTimeout); the client's would cut retries short.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Patchpeil-connector/1.0 (+https://github.com/patchpeil)");
                client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.All,
                // Vendor APIs do not redirect; a redirect could carry the bearer token elsewhere.
                AllowAutoRedirect = false,
                ConnectTimeout = TimeSpan.FromSeconds(30),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                MaxConnectionsPerServer = 4,
            });
        services.AddTransient<ConnectorHttp>();
        services.AddSingleton<IConnectorSource, IntuneSource>();
        services.AddSingleton<IConnectorSource, GoogleSource>();
        services.AddSingleton<ConnectorRunner>();
        services.AddSingleton<ConnectorScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<ConnectorScheduler>());
        return services;
    }
}
