using System.Text.Json;
using Patchpeil.Agent;

// The Patchpeil agent collects inventory; it never installs or changes anything on the device.
// This build collects on Linux, Windows and macOS (or from recorded Windows/macOS output) and writes the report to a
// file or standard output; enrolment and upload to the server come with the check-in API.
if (args is not ["run", ..])
{
    Console.Error.WriteLine("usage: patchpeil-agent run [--output report.json] [--root /] [--from-windows FOLDER | --from-macos FOLDER]");
    return 2;
}

var output = Option("--output");
var root = Option("--root") ?? "/";
CollectionResult collected;
try
{
    collected = await Collectors.CollectAsync(Option("--from-windows"), Option("--from-macos"), root, TimeProvider.System);
}
catch (InputFormatException e)
{
    Console.Error.WriteLine($"patchpeil-agent: {e.Message}; no report written");
    return 1;
}

foreach (var problem in collected.Problems)
{
    Console.Error.WriteLine($"patchpeil-agent: skipped: {problem}");
}

var report = collected.Report;
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

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
