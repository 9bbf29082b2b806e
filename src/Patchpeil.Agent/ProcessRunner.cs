using System.ComponentModel;
using System.Diagnostics;

namespace Patchpeil.Agent;

/// <summary>
/// Runs the OS's own inventory tools (reg, PowerShell, system_profiler) and returns what they print. A program that
/// is missing, fails or takes too long yields null: the collector then reports without that part.
/// </summary>
public sealed class ProcessRunner(TimeSpan timeout)
{
    public static ProcessRunner Default { get; } = new(TimeSpan.FromSeconds(60));

    public async Task<string?> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            try
            {
                var error = process.StandardError.ReadToEndAsync(limit.Token);
                var output = await process.StandardOutput.ReadToEndAsync(limit.Token);
                await process.WaitForExitAsync(limit.Token);
                await error;
                return process.ExitCode == 0 ? output : null;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                return null;
            }
        }
        catch (Win32Exception)
        {
            return null;
        }
    }
}
