using Patchpeil.Agent.Linux;
using Patchpeil.Agent.MacOS;
using Patchpeil.Agent.Windows;

namespace Patchpeil.Agent;

/// <summary>
/// Chooses the collector: recorded Windows or macOS output in a folder when asked (air-gapped devices, and how the
/// parsers are exercised end to end off those systems), otherwise the operating system the agent runs on.
/// </summary>
public static class Collectors
{
    public static async Task<CollectionResult> CollectAsync(string? fromWindows, string? fromMacos, string root, TimeProvider time, CancellationToken cancellationToken = default)
    {
        if (fromWindows is not null && fromMacos is not null)
        {
            throw new InputFormatException("arguments", null, "--from-windows and --from-macos cannot be combined: one report describes one device");
        }

        if (fromWindows is not null || fromMacos is not null)
        {
            try
            {
                return fromWindows is not null ? WindowsCollector.FromFolder(fromWindows, time) : MacCollector.FromFolder(fromMacos!, time);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable recording is the administrator's input problem, not a crash.
                throw new InputFormatException(fromWindows ?? fromMacos!, null, $"cannot be read: {e.Message}");
            }
        }

        if (OperatingSystem.IsWindows())
        {
            return await WindowsCollector.CollectAsync(ProcessRunner.Default, time, cancellationToken);
        }

        if (OperatingSystem.IsMacOS())
        {
            return await MacCollector.CollectAsync(ProcessRunner.Default, time, cancellationToken);
        }

        return new CollectionResult(await new LinuxCollector(root, time).CollectAsync(cancellationToken), []);
    }
}
