using Patchpeil.Contracts;

namespace Patchpeil.Agent.Linux;

/// <summary>
/// Reads `apt list --upgradable`: "openssl/stable-security 3.0.15-1~deb12u1 amd64 [upgradable from: 3.0.14-1~deb12u2]".
/// Information only; the agent never runs an upgrade.
/// </summary>
public static class AptUpgradable
{
    private const string Marker = "[upgradable from: ";

    public static List<PendingUpdate> Parse(TextReader reader)
    {
        var updates = new List<PendingUpdate>();
        while (reader.ReadLine() is { } line)
        {
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            var from = line.IndexOf(Marker, StringComparison.Ordinal);
            if (slash <= 0 || from < 0 || !line.EndsWith(']'))
            {
                continue;
            }

            var parts = line[(slash + 1)..from].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2)
            {
                continue;
            }

            updates.Add(new PendingUpdate(line[..slash], line[(from + Marker.Length)..^1], parts[1], parts[0]));
        }

        return updates;
    }
}
