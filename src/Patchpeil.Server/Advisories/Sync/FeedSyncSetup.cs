using System.Net;
using Patchpeil.Core.Feeds;

namespace Patchpeil.Server.Advisories.Sync;

public static class FeedSyncSetup
{
    public static IServiceCollection AddFeedSync(this IServiceCollection services)
    {
        services.AddOptions<FeedHttpOptions>().BindConfiguration("FeedSync:Http")
            .Validate(o => o.MaxAttempts >= 1 && o.AttemptTimeout > TimeSpan.Zero && o.MaxDocumentBytes > 0 && o.MaxBulkBytes > 0, "FeedSync:Http needs positive limits and at least one attempt.")
            .ValidateOnStart();
        services.AddOptions<NvdSyncOptions>().BindConfiguration("FeedSync:Nvd")
            .Validate(o => o.ResultsPerPage is > 0 and <= 2000 && o.WindowDays is > 0 and <= 120, "FeedSync:Nvd needs 1-2000 results per page and a window of 1-120 days.")
            .ValidateOnStart();
        services.AddOptions<FeedSyncOptions>().BindConfiguration("FeedSync")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "FeedSync:PollInterval must be positive.")
            .ValidateOnStart();
        services.AddHttpClient(FeedHttp.ClientName, client =>
            {
                // Each attempt has its own time-out (FeedHttpOptions.AttemptTimeout); the client's would cut retries short.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Patchpeil-feed-sync/1.0 (+https://github.com/patchpeil)");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.All,
                AllowAutoRedirect = true,
                MaxAutomaticRedirections = 5,
                ConnectTimeout = TimeSpan.FromSeconds(30),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        services.AddTransient<FeedHttp>();
        services.AddSingleton<IFeedSync, CsafProviderSync>();
        services.AddSingleton<IFeedSync>(new DownloadFeedSync(FeedSyncKind.Kev, FeedSource.Kev));
        services.AddSingleton<IFeedSync>(new DownloadFeedSync(FeedSyncKind.Epss, FeedSource.Epss));
        services.AddSingleton<IFeedSync>(new DownloadFeedSync(FeedSyncKind.Osv, FeedSource.Osv));
        services.AddSingleton<IFeedSync, NvdSync>();
        services.AddSingleton<IFeedSync, EndOfLifeSync>();
        services.AddSingleton<IFeedSync>(new DownloadFeedSync(FeedSyncKind.Sofa, FeedSource.Sofa));
        services.AddSingleton<IFeedSync>(new DownloadFeedSync(FeedSyncKind.Gdmf, FeedSource.Gdmf));
        services.AddSingleton<IFeedSync>(new DownloadFeedSync(FeedSyncKind.ChromeVersions, FeedSource.ChromeVersions));
        services.AddSingleton<FeedSyncRunner>();
        services.AddSingleton<FeedSyncScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedSyncScheduler>());
        return services;
    }
}
