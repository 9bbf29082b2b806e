using System.Globalization;
using System.Text.Json;
using Patchpeil.Contracts;

namespace Patchpeil.Agent.CheckIn;

/// <summary>
/// Reports waiting to be sent, one file each, oldest first. Bounded: when full, the oldest is dropped and the
/// next report is made full, so the server never has to trust a broken chain of deltas.
/// </summary>
public sealed class Outbox(string folder, int capacity = Outbox.DefaultCapacity)
{
    public const int DefaultCapacity = 50;

    private string QueueFolder => Path.Combine(folder, "queue");

    private string RejectedFolder => Path.Combine(folder, "rejected");

    public IReadOnlyList<string> Files =>
        Directory.Exists(QueueFolder) ? Directory.GetFiles(QueueFolder, "*.json").Order(StringComparer.Ordinal).ToList() : [];

    /// <summary>Adds a report; returns true when an older report had to be dropped to make room.</summary>
    public bool Enqueue(AgentReport report, DateTime now)
    {
        var dropped = false;
        var files = Files;
        for (var i = 0; i <= files.Count - capacity; i++)
        {
            File.Delete(files[i]);
            dropped = true;
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"{now.Ticks:D20}-{report.ReportId:N}.json");
        AgentState.WriteProtected(QueueFolder, name, JsonSerializer.SerializeToUtf8Bytes(report, AgentJson.Default.AgentReport));
        return dropped;
    }

    public static AgentReport Read(string file) =>
        JsonSerializer.Deserialize(File.ReadAllText(file), AgentJson.Default.AgentReport)
        ?? throw new InvalidDataException($"{file}: empty report");

    /// <summary>Drops queued deltas (after the server lost their base); full reports stay.</summary>
    public void DropDeltas()
    {
        foreach (var file in Files)
        {
            if (!Read(file).Full)
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Moves a report the server refused aside, so it does not block the queue; kept for inspection.</summary>
    public void Reject(string file)
    {
        Directory.CreateDirectory(RejectedFolder);
        File.Move(file, Path.Combine(RejectedFolder, Path.GetFileName(file)), overwrite: true);
    }
}
