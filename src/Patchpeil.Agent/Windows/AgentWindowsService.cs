using System.Diagnostics;
using System.Runtime.Versioning;
using System.ServiceProcess;
using Patchpeil.Agent.CheckIn;

namespace Patchpeil.Agent.Windows;

/// <summary>
/// The agent under the Windows Service Control Manager: OnStart starts the check-in loop and returns at once, OnStop
/// and OnShutdown stop it and wait for a check-in in progress. Everything else (the schedule, the queue, the upload)
/// is the same code as under systemd and launchd; messages go to the Application event log, source "PatchpeilAgent",
/// because a service has no console.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class AgentWindowsService : ServiceBase
{
    public const string Name = "PatchpeilAgent";

    /// <summary>The SCM allows a service about 20 seconds to stop before it reports it as hung.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Func<Action<string, bool>, CheckInLoop> _createLoop;
    private CheckInLoop? _loop;

    public AgentWindowsService(Func<Action<string, bool>, CheckInLoop> createLoop)
    {
        _createLoop = createLoop;
        ServiceName = Name;
        CanStop = true;
        CanShutdown = true;
        CanPauseAndContinue = false;
        AutoLog = true;
    }

    /// <summary>Hands the process to the SCM until the service stops; returns the exit code.</summary>
    public static int Run(Func<Action<string, bool>, CheckInLoop> createLoop)
    {
        using var service = new AgentWindowsService(createLoop);
        ServiceBase.Run(service);
        return service.ExitCode;
    }

    protected override void OnStart(string[] args)
    {
        _loop = _createLoop(Log);
        _loop.Start().ContinueWith(
            failed =>
            {
                Log($"the check-in loop stopped: {failed.Exception?.GetBaseException().Message}", true);
                ExitCode = 1;
                Stop();
            },
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
    }

    protected override void OnStop() => StopLoop();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _loop?.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override void OnShutdown() => StopLoop();

    private void StopLoop()
    {
        if (_loop is not null && !_loop.Stop(StopTimeout))
        {
            Log("a check-in was still running when the service stopped; its report stays queued", true);
        }
    }

    private void Log(string message, bool problem)
    {
        try
        {
            EventLog.WriteEntry("patchpeil-agent: " + message, problem ? EventLogEntryType.Warning : EventLogEntryType.Information);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or ArgumentException)
        {
            // No event log source (not installed through sc.exe create): nowhere to write, and not worth stopping for.
        }
    }
}
