using System.Diagnostics;
using System.Globalization;
using Patchpeil.Contracts;

namespace Patchpeil.Agent.Linux;

/// <summary>
/// Collects a Linux inventory from the files the OS keeps. The root folder is a parameter so tests can point it at
/// recorded systems; the only programs run are `rpm -qa` (when an rpm database exists) and `apt list --upgradable`.
/// </summary>
public sealed class LinuxCollector(string root, TimeProvider time)
{
    public async Task<AgentReport> CollectAsync(CancellationToken cancellationToken = default)
    {
        var osRelease = File.Exists(PathOf("etc/os-release"))
            ? OsRelease.Parse(new StringReader(await File.ReadAllTextAsync(PathOf("etc/os-release"), cancellationToken)))
            : [];
        var software = new List<InstalledItem>();
        if (File.Exists(PathOf("var/lib/dpkg/status")))
        {
            using var reader = File.OpenText(PathOf("var/lib/dpkg/status"));
            software.AddRange(DpkgStatus.Parse(reader));
        }

        if (File.Exists(PathOf("lib/apk/db/installed")))
        {
            using var reader = File.OpenText(PathOf("lib/apk/db/installed"));
            software.AddRange(ApkDatabase.Parse(reader));
        }

        if (Directory.Exists(PathOf("var/lib/rpm")) && await RunAsync("rpm", ["--root", root, "-qa", "--queryformat", RpmQuery.Format], cancellationToken) is { } rpmOutput)
        {
            software.AddRange(RpmQuery.Parse(new StringReader(rpmOutput)));
        }

        var pending = root == "/" && await RunAsync("apt", ["list", "--upgradable"], cancellationToken) is { } aptOutput
            ? AptUpgradable.Parse(new StringReader(aptOutput))
            : [];

        var now = time.GetUtcNow().UtcDateTime;
        var os = new OperatingSystemInfo(
            "linux",
            osRelease.GetValueOrDefault("PRETTY_NAME") ?? osRelease.GetValueOrDefault("NAME") ?? "Linux",
            null,
            osRelease.GetValueOrDefault("VERSION_ID"),
            null,
            osRelease.GetValueOrDefault("ID"),
            osRelease.GetValueOrDefault("VERSION_ID"),
            ReadFirstLine("proc/sys/kernel/osrelease"),
            LastBoot(now),
            File.Exists(PathOf("var/run/reboot-required")) || File.Exists(PathOf("run/reboot-required")));
        var device = new DeviceIdentity(
            ReadFirstLine("etc/hostname") ?? Environment.MachineName,
            ReadFirstLine("sys/class/dmi/id/product_uuid"),
            ReadFirstLine("sys/class/dmi/id/product_serial"),
            ReadFirstLine("etc/machine-id"));
        return new AgentReport(Guid.NewGuid(), now, AgentInfo.Version, true, device, os, software, [], pending, DatabaseRecognizer.Recognise(software));
    }

    private string PathOf(string relative) => Path.Combine(root, relative);

    private string? ReadFirstLine(string relative)
    {
        try
        {
            var line = File.Exists(PathOf(relative)) ? File.ReadLines(PathOf(relative)).FirstOrDefault()?.Trim() : null;
            return string.IsNullOrEmpty(line) ? null : line;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // DMI serials are readable by root only; a missing identity is reported as missing.
            return null;
        }
    }

    private DateTime? LastBoot(DateTime now)
    {
        var uptime = ReadFirstLine("proc/uptime")?.Split(' ')[0];
        return double.TryParse(uptime, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? now.AddSeconds(-seconds) : null;
    }

    private static async Task<string?> RunAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        try
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
