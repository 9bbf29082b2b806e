using System.Text.Json;
using Patchpeil.Agent;
using Patchpeil.Agent.CheckIn;
using Patchpeil.Contracts;

// The Patchpeil agent collects inventory; it never installs or changes anything on the device.
// It collects on Linux, Windows and macOS (or from recorded Windows/macOS output), and writes the report to a file or
// standard output, or sends it to the server once enrolled.
if (args is not [("run" or "enroll" or "service"), ..])
{
    Console.Error.WriteLine("usage: patchpeil-agent run [--output report.json] [--root /] [--from-windows FOLDER | --from-macos FOLDER] [--config DIR]");
    Console.Error.WriteLine("       patchpeil-agent enroll --server URL --secret S [--config DIR]");
    Console.Error.WriteLine("       patchpeil-agent service [--interval SECONDS] [--jitter SECONDS] [--config DIR] [--windows-service]");
    return 2;
}

var output = Option("--output");
var root = Option("--root") ?? "/";
var fromWindows = Option("--from-windows");
var fromMacOs = Option("--from-macos");

Func<CancellationToken, Task<AgentReport>> collect = async ct =>
{
    var collected = await Collectors.CollectAsync(fromWindows, fromMacOs, root, TimeProvider.System, ct);
    foreach (var problem in collected.Problems)
    {
        Console.Error.WriteLine($"patchpeil-agent: skipped: {problem}");
    }

    return collected.Report;
};

try
{
    switch (args[0])
    {
        case "enroll":
            return await AgentCommands.EnrollAsync(args, collect);
        case "service":
            return await AgentCommands.ServiceAsync(args, collect);
    }

    var config = Option("--config") ?? AgentState.DefaultFolder;
    if (output is null && AgentState.Load(config) is not null)
    {
        return await AgentCommands.UploadOnceAsync(config, collect);
    }

    var report = await collect(CancellationToken.None);
    var json = JsonSerializer.Serialize(report, AgentJson.Default.AgentReport);
    if (output is null)
    {
        Console.Out.WriteLine(json);
    }
    else
    {
        // Written beside the target and moved into place, so a failure never leaves half a report for upload.
        var partial = output + ".partial";
        await File.WriteAllTextAsync(partial, json);
        File.Move(partial, output, overwrite: true);
        Console.Error.WriteLine($"patchpeil-agent: {report.Software.Count} packages, {report.Databases.Count} databases, {report.PendingUpdates.Count} pending updates written to {output}");
    }

    return 0;
}
catch (InputFormatException e)
{
    Console.Error.WriteLine($"patchpeil-agent: {e.Message}; no report written");
    return 1;
}

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
