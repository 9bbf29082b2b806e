using System.Text.Json;
using Patchpeil.Agent.CheckIn;
using Patchpeil.Agent.Linux;
using Patchpeil.Contracts;

// The Patchpeil agent collects inventory; it never installs or changes anything on the device.
if (args is not [("run" or "enroll" or "service"), ..])
{
    Console.Error.WriteLine("usage: patchpeil-agent run [--output report.json] [--root /] [--config DIR]");
    Console.Error.WriteLine("       patchpeil-agent enroll --server URL --secret S [--config DIR]");
    Console.Error.WriteLine("       patchpeil-agent service [--interval SECONDS] [--jitter SECONDS] [--config DIR]");
    return 2;
}

var output = Option("--output");
var root = Option("--root") ?? "/";
if (!OperatingSystem.IsLinux())
{
    Console.Error.WriteLine("patchpeil-agent: this build collects on Linux only; Windows and macOS collectors come with the inventory issue.");
    return 2;
}

Func<CancellationToken, Task<AgentReport>> collect = ct => new LinuxCollector(root, TimeProvider.System).CollectAsync(ct);
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
var json = JsonSerializer.Serialize(report, new JsonSerializerOptions(PatchpeilClient.JsonOptions) { WriteIndented = true });
if (output is null)
{
    Console.Out.WriteLine(json);
}
else
{
    await File.WriteAllTextAsync(output, json);
    Console.Error.WriteLine($"patchpeil-agent: {report.Software.Count} packages, {report.Databases.Count} databases, {report.PendingUpdates.Count} pending updates written to {output}");
}

return 0;

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
