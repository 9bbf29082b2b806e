using System.Text.Json;
using Patchpeil.Agent.Linux;
using Patchpeil.Contracts;

// The Patchpeil agent collects inventory; it never installs or changes anything on the device.
// This build collects on Linux and writes the report to a file or standard output; enrolment and upload to the
// server come with the check-in API.
if (args is not ["run", ..])
{
    Console.Error.WriteLine("usage: patchpeil-agent run [--output report.json] [--root /]");
    return 2;
}

var output = Option("--output");
var root = Option("--root") ?? "/";
if (!OperatingSystem.IsLinux())
{
    Console.Error.WriteLine("patchpeil-agent: this build collects on Linux only; Windows and macOS collectors come with the inventory issue.");
    return 2;
}

var report = await new LinuxCollector(root, TimeProvider.System).CollectAsync();
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
