using System.Runtime.InteropServices;
using Patchpeil.Contracts;

namespace Patchpeil.Agent.CheckIn;

/// <summary>`enroll`, uploading `run` and `service`: the agent's side of the check-in API.</summary>
public static class AgentCommands
{
    /// <summary>`enroll --server URL --secret S [--config DIR] [--allow-http]`: exchanges the secret for this device's key.</summary>
    public static async Task<int> EnrollAsync(string[] args, Func<CancellationToken, Task<AgentReport>> collect, HttpMessageHandler? handler = null)
    {
        var server = Option(args, "--server");
        var secret = Option(args, "--secret") ?? Environment.GetEnvironmentVariable("PATCHPEIL_ENROLLMENT_SECRET");
        var folder = Option(args, "--config") ?? AgentState.DefaultFolder;
        if (server is null || secret is null || !Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            Console.Error.WriteLine("usage: patchpeil-agent enroll --server https://patchpeil.example.nl --secret ppe_… [--config DIR] (or PATCHPEIL_ENROLLMENT_SECRET)");
            return 2;
        }

        if (uri.Scheme == "http" && !uri.IsLoopback && !args.Contains("--allow-http"))
        {
            Console.Error.WriteLine("patchpeil-agent: refusing plain http to another machine: the device key would travel unencrypted. Use https (or --allow-http on a test network).");
            return 2;
        }

        var report = await collect(CancellationToken.None);
        using var http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            var response = await new PatchpeilClient(http, AgentJson.Default.Options).EnrollAgentAsync(new AgentEnrollRequest(secret, report.Device, AgentInfo.Version));
            var state = new AgentState { Server = uri, DeviceId = response.DeviceId, AssetId = response.AssetId, DeviceKey = response.DeviceKey, FullNext = true };
            state.Save(folder);
            File.Delete(Path.Combine(folder, AgentState.InventoryFile));
            Console.Error.WriteLine($"patchpeil-agent: enrolled as device {response.DeviceId} ({(response.Reenrolled ? "known hardware, same asset" : "new asset")} {response.AssetId}); key stored in {Path.Combine(folder, AgentState.ConfigFile)}");
            return 0;
        }
        catch (PatchpeilApiException e)
        {
            Console.Error.WriteLine($"patchpeil-agent: enrollment refused: {e.Message}");
            return 1;
        }
        catch (HttpRequestException e)
        {
            Console.Error.WriteLine($"patchpeil-agent: cannot reach {uri}: {e.Message}");
            return 1;
        }
    }

    /// <summary>`run` on an enrolled device: one check-in; exit 0 when everything was sent, 1 when reports stay queued.</summary>
    public static async Task<int> UploadOnceAsync(string folder, Func<CancellationToken, Task<AgentReport>> collect)
    {
        var outcome = await new Uploader(folder, collect, TimeProvider.System).RunOnceAsync();
        Console.Error.WriteLine(outcome.Problem is null
            ? $"patchpeil-agent: {outcome.Sent} report(s) sent{(outcome.Rejected > 0 ? $", {outcome.Rejected} refused (kept in {Path.Combine(folder, "rejected")})" : "")}"
            : $"patchpeil-agent: {outcome.Sent} report(s) sent; {outcome.Problem}");
        return outcome.Problem is null ? 0 : 1;
    }

    /// <summary>
    /// `service [--interval SECONDS] [--jitter SECONDS] [--config DIR] [--windows-service]`: checks in at an interval
    /// until stopped (SIGTERM under systemd and launchd, Ctrl+C, or the Windows Service Control Manager).
    /// </summary>
    public static async Task<int> ServiceAsync(string[] args, Func<CancellationToken, Task<AgentReport>> collect)
    {
        var (options, error) = ServiceOptions.Parse(args, AgentState.DefaultFolder);
        if (options is null)
        {
            Console.Error.WriteLine($"patchpeil-agent: {error}");
            return 2;
        }

        if (options.WindowsService)
        {
            if (!OperatingSystem.IsWindows())
            {
                Console.Error.WriteLine($"patchpeil-agent: {ServiceOptions.WindowsServiceFlag} is for the Windows Service Control Manager; under systemd or launchd run `service` without it");
                return 2;
            }

            return Windows.AgentWindowsService.Run(log => CreateLoop(options, collect, log));
        }

        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        using var loop = CreateLoop(options, collect, (message, _) => Console.Error.WriteLine($"patchpeil-agent: {message}"));
        await loop.RunAsync(stop.Token);
        return 0;
    }

    /// <summary>The loop every service host runs: one <see cref="Uploader"/> run per check-in, on the system clock.</summary>
    public static CheckInLoop CreateLoop(ServiceOptions options, Func<CancellationToken, Task<AgentReport>> collect, Action<string, bool> log) =>
        new(ct => new Uploader(options.ConfigFolder, collect, TimeProvider.System).RunOnceAsync(ct), options, TimeProvider.System, Random.Shared.NextDouble, log);

    public static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
