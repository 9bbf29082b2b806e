using System.Globalization;

namespace Patchpeil.Agent.CheckIn;

/// <summary>
/// The arguments of `patchpeil-agent service`: how often to check in, how much random spread to add, where the
/// state lives, and whether the Windows Service Control Manager started the process.
/// </summary>
public sealed record ServiceOptions(TimeSpan Interval, TimeSpan Jitter, string ConfigFolder, bool WindowsService)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultJitter = TimeSpan.FromMinutes(5);

    /// <summary>More often than this gains nothing (inventories change slowly) and only loads the server.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(1);

    /// <summary>A device that checks in less than weekly would look lost in the "not seen since" list.</summary>
    public static readonly TimeSpan MaximumInterval = TimeSpan.FromDays(7);

    public const string WindowsServiceFlag = "--windows-service";

    private static readonly string[] ValueOptions = ["--interval", "--jitter", "--config"];

    /// <summary>Parses `service …` (args[0] is "service"); an unknown or invalid argument is an error naming it, never a silent default.</summary>
    public static (ServiceOptions? Options, string? Error) Parse(IReadOnlyList<string> args, string defaultFolder)
    {
        TimeSpan interval = DefaultInterval, jitter = DefaultJitter;
        var jitterGiven = false;
        var folder = defaultFolder;
        var windowsService = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            if (name == WindowsServiceFlag)
            {
                windowsService = true;
                continue;
            }

            if (!ValueOptions.Contains(name))
            {
                return (null, $"unknown argument \"{name}\" for service (expected --interval SECONDS, --jitter SECONDS, --config DIR, {WindowsServiceFlag})");
            }

            if (!seen.Add(name))
            {
                return (null, $"{name} is given twice");
            }

            if (i + 1 >= args.Count)
            {
                return (null, $"{name} needs a value");
            }

            var value = args[++i];
            switch (name)
            {
                case "--config":
                    folder = value;
                    break;
                case "--interval":
                    if (!Seconds(value, out interval) || interval < MinimumInterval || interval > MaximumInterval)
                    {
                        return (null, string.Create(CultureInfo.InvariantCulture,
                            $"--interval \"{value}\" must be a whole number of seconds from {MinimumInterval.TotalSeconds} to {MaximumInterval.TotalSeconds}"));
                    }

                    break;
                case "--jitter":
                    if (!Seconds(value, out jitter))
                    {
                        return (null, $"--jitter \"{value}\" must be a whole number of seconds, 0 or more");
                    }

                    jitterGiven = true;
                    break;
            }
        }

        if (jitter > interval)
        {
            if (jitterGiven)
            {
                return (null, string.Create(CultureInfo.InvariantCulture,
                    $"--jitter {jitter.TotalSeconds} is longer than the interval ({interval.TotalSeconds} s): check-ins would overtake each other"));
            }

            // Only the default is too long for a short interval: spread over the interval instead.
            jitter = interval;
        }

        return (new ServiceOptions(interval, jitter, folder, windowsService), null);
    }

    private static bool Seconds(string value, out TimeSpan span)
    {
        span = default;
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        span = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
