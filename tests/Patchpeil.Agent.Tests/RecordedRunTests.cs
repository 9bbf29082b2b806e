using System.Diagnostics;
using System.Text.Json;
using Patchpeil.Contracts;

namespace Patchpeil.Agent.Tests;

/// <summary>`patchpeil-agent run --from-windows/--from-macos`, run as a process the way an administrator runs it.</summary>
public class RecordedRunTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "fixtures", "agent");

    [Theory]
    [InlineData("--from-windows", "windows11-education", "windows", 20, "quickfixengineering.csv: HotFixID \"File 1\"")]
    [InlineData("--from-macos", "macos14", "macos", 9, "/Applications/Broken.app/Contents/Info.plist:")]
    public void RecordedFolderBecomesAReportFile(string option, string folder, string family, int software, string skipped)
    {
        var output = Path.Combine(Path.GetTempPath(), $"patchpeil-report-{Guid.NewGuid():N}.json");
        try
        {
            var (exit, error) = Run("run", option, Path.Combine(Fixtures, folder), "--output", output);
            Assert.Equal(0, exit);
            Assert.Contains($"skipped: {skipped}", error, StringComparison.Ordinal);
            var report = JsonSerializer.Deserialize<AgentReport>(File.ReadAllText(output), PatchpeilClient.JsonOptions)!;
            Assert.Equal(family, report.OperatingSystem.Family);
            Assert.Equal(software, report.Software.Count);
            Assert.False(File.Exists(output + ".partial"));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public void UnreadableFolderWritesNoReport()
    {
        var folder = Directory.CreateTempSubdirectory("patchpeil-agentwin-").FullName;
        var output = Path.Combine(folder, "report.json");
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "os.reg"), [0x72, 0x65, 0x67, 0x66, 0, 0, 0, 0]);
            var (exit, error) = Run("run", "--from-windows", folder, "--output", output);
            Assert.Equal(1, exit);
            Assert.Contains("os.reg: this is a binary registry hive", error, StringComparison.Ordinal);
            Assert.Contains("no report written", error, StringComparison.Ordinal);
            Assert.False(File.Exists(output));

            // A macOS recording without system_profiler output or bundles: refused with the reason, not a crash.
            Directory.CreateDirectory(Path.Combine(folder, "mac"));
            (exit, error) = Run("run", "--from-macos", Path.Combine(folder, "mac"));
            Assert.Equal(1, exit);
            Assert.Contains("neither system_profiler.json nor an Applications folder", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);

            (exit, error) = Run("run", "--from-windows", folder, "--from-macos", folder);
            Assert.Equal(1, exit);
            Assert.Contains("cannot be combined", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    private static (int Exit, string Error) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "patchpeil-agent.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = output.Result;
        return (process.ExitCode, error);
    }
}
