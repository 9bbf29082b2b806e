namespace Patchpeil.Server.Advisories;

public static class AdvisoriesSetup
{
    public static IServiceCollection AddAdvisories(this IServiceCollection services) =>
        services.AddScoped<FeedImporter>().AddScoped<Lifecycle.LifecycleService>().AddScoped<Lifecycle.OsVersionService>();
}
