using System.Text.Json;
using System.Text.RegularExpressions;
using Patchpeil.Contracts;

namespace Patchpeil.Agent.MacOS;

/// <summary>
/// Builds a macOS report from `system_profiler -json SPApplicationsDataType SPSoftwareDataType SPHardwareDataType`
/// and the applications' Info.plist files, which add the bundle identifier system_profiler does not give.
/// A recorded folder holds system_profiler.json and, optionally, Applications/*.app/Contents/Info.plist copied from
/// the device; on a Mac the live collector runs system_profiler and reads /Applications the same way.
/// </summary>
public static partial class MacCollector
{
    public const string SystemProfilerFile = "system_profiler.json";

    /// <summary>Output of `sysctl -n kern.boottime`, optional in a recording: "{ sec = 1732520472, usec = 311052 } Mon Nov 25 …".</summary>
    public const string BootTimeFile = "kern.boottime.txt";

    public static readonly string[] SystemProfilerArguments = ["-json", "SPApplicationsDataType", "SPSoftwareDataType", "SPHardwareDataType"];

    public sealed record Profile(
        List<InstalledItem> Applications, OperatingSystemInfo? OperatingSystem, string? Hostname, string? HardwareUuid, string? SerialNumber,
        IReadOnlyList<CollectionProblem> Problems);

    public static CollectionResult FromFolder(string folder, TimeProvider time)
    {
        if (!Directory.Exists(folder))
        {
            throw new InputFormatException(folder, null, "folder does not exist");
        }

        var profilerPath = Path.Combine(folder, SystemProfilerFile);
        var applications = Path.Combine(folder, "Applications");
        if (!File.Exists(profilerPath) && !Directory.Exists(applications))
        {
            throw new InputFormatException(folder, null, $"neither {SystemProfilerFile} nor an Applications folder with Info.plist files");
        }

        var profile = File.Exists(profilerPath) ? ParseSystemProfiler(RecordedInput.ReadBytes(profilerPath), SystemProfilerFile) : null;
        var bootPath = Path.Combine(folder, BootTimeFile);
        var boot = File.Exists(bootPath) ? System.Text.Encoding.UTF8.GetString(RecordedInput.ReadBytes(bootPath)) : null;
        return WithBootTime(Build(profile, applications, folder, time), boot, BootTimeFile);
    }

    /// <summary>Collects on this Mac: system_profiler for applications, OS and hardware; /Applications for bundle identifiers.</summary>
    public static async Task<CollectionResult> CollectAsync(ProcessRunner runner, TimeProvider time, CancellationToken cancellationToken)
    {
        var json = await runner.RunAsync("/usr/sbin/system_profiler", SystemProfilerArguments, cancellationToken);
        var profile = json is null ? null : ParseSystemProfiler(System.Text.Encoding.UTF8.GetBytes(json), "system_profiler");
        var boot = await runner.RunAsync("/usr/sbin/sysctl", ["-n", "kern.boottime"], cancellationToken);
        var result = WithBootTime(Build(profile, "/Applications", "/", time), boot, "sysctl kern.boottime");
        return profile is not null ? result
            : result with { Problems = [new("system_profiler", null, "did not run or failed; operating system, hardware and applications outside /Applications are missing"), .. result.Problems] };
    }

    private static CollectionResult Build(Profile? profile, string applicationsFolder, string root, TimeProvider time)
    {
        var problems = new List<CollectionProblem>(profile?.Problems ?? []);
        var software = profile?.Applications ?? [];

        // system_profiler gives name, version, origin and path; each app's own bundle, wherever it lies
        // (/Applications/Utilities, ~/Applications …), adds the identifier.
        for (var i = 0; i < software.Count; i++)
        {
            if (software[i].Location is { } location && ReadInfo(root, location, problems) is { } info)
            {
                // An app system_profiler shows without a version may still declare one in its bundle.
                software[i] = software[i] with { Identifier = info.BundleIdentifier, Version = software[i].Version.Length > 0 ? software[i].Version : info.Version ?? "" };
            }
        }

        // Bundles in /Applications that system_profiler did not list (or all of them, without its output).
        var listed = software.Select(a => a.Location).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (Directory.Exists(applicationsFolder))
        {
            foreach (var bundle in Directory.GetDirectories(applicationsFolder, "*.app").Order(StringComparer.Ordinal))
            {
                var location = "/" + Path.GetRelativePath(root, bundle).Replace('\\', '/');
                if (!listed.Contains(location) && ReadInfo(root, location, problems) is { } info)
                {
                    software.Add(new InstalledItem("macos-app", info.Name ?? Path.GetFileNameWithoutExtension(bundle), info.Version ?? "", Location: location, Identifier: info.BundleIdentifier));
                }
            }
        }

        var os = profile?.OperatingSystem ?? new OperatingSystemInfo("macos", "macOS", null, null, null, null, null, null, null, false);
        var device = new DeviceIdentity(profile?.Hostname ?? "unknown", profile?.HardwareUuid, profile?.SerialNumber, null);
        var report = new AgentReport(Guid.NewGuid(), time.GetUtcNow().UtcDateTime, AgentInfo.Version, true, device, os, software, [], [], DatabaseRecognizer.Recognise(software));
        return new CollectionResult(report, problems);
    }

    private static CollectionResult WithBootTime(CollectionResult result, string? sysctl, string source)
    {
        if (sysctl is null)
        {
            return result;
        }

        return BootTime(sysctl) is { } boot
            ? result with { Report = result.Report with { OperatingSystem = result.Report.OperatingSystem with { LastBootUtc = boot } } }
            : result with { Problems = [.. result.Problems, new(source, 1, "not \"{ sec = N, usec = N }\"; last boot left out")] };
    }

    /// <summary>kern.boottime is a timeval in seconds since 1970 (UTC), whatever the device's time zone.</summary>
    public static DateTime? BootTime(string sysctl)
    {
        var match = BootTimeValue().Match(sysctl);
        return match.Success && long.TryParse(match.Groups["sec"].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds is > 0 and < 32_503_680_000
            ? DateTime.UnixEpoch.AddSeconds(seconds)
            : null;
    }

    /// <summary>The bundle's Info.plist, found under the recording's root at the path the app has on the device.</summary>
    private static InfoPlist? ReadInfo(string root, string location, List<CollectionProblem> problems)
    {
        var devicePath = location.TrimEnd('/') + "/Contents/Info.plist";
        var file = Path.Combine(root, devicePath.TrimStart('/'));
        if (!File.Exists(file))
        {
            return null;
        }

        try
        {
            return InfoPlist.Read(file);
        }
        catch (InputFormatException e)
        {
            problems.Add(new(devicePath, e.Line, e.Reason));
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new(devicePath, null, $"cannot be read: {e.Message}"));
            return null;
        }
    }

    public static Profile ParseSystemProfiler(byte[] json, string fileName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw new InputFormatException(fileName, (int?)e.LineNumber + 1, $"not valid JSON: {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InputFormatException(fileName, null, "expected a JSON object with SPApplicationsDataType, SPSoftwareDataType and SPHardwareDataType");
            }

            var problems = new List<CollectionProblem>();
            var applications = new List<InstalledItem>();
            var seen = new HashSet<(string, string, string?)>();
            foreach (var (index, app) in Items(document.RootElement, "SPApplicationsDataType", fileName, problems))
            {
                var name = Text(app, "_name");
                if (name is null)
                {
                    problems.Add(new(fileName, null, $"SPApplicationsDataType[{index}]: no \"_name\"; skipped"));
                    continue;
                }

                var path = Text(app, "path");

                // The sealed system volume is updated only with macOS itself, whose version the report carries.
                if (path is not null && path.StartsWith("/System/", StringComparison.Ordinal))
                {
                    continue;
                }

                var version = Text(app, "version") ?? "";
                if (!seen.Add((name, version, path)))
                {
                    continue;
                }

                var origin = Text(app, "obtained_from");
                applications.Add(new InstalledItem(
                    "macos-app", name, version, Publisher(app, origin), Architecture(Text(app, "arch_kind")), Location: path, Origin: origin));
            }

            var software = Items(document.RootElement, "SPSoftwareDataType", fileName, problems).Select(i => i.Item).FirstOrDefault();
            var hardware = Items(document.RootElement, "SPHardwareDataType", fileName, problems).Select(i => i.Item).FirstOrDefault();
            OperatingSystemInfo? os = null;
            if (software.ValueKind == JsonValueKind.Object && Text(software, "os_version") is { } osVersion)
            {
                // "macOS 14.6.1 (23G93)"; older systems say "OS X 10.11.6 (15G31)" or "Mac OS X 10.6.8 (10K549)".
                var match = OsVersion().Match(osVersion);
                os = match.Success
                    ? new OperatingSystemInfo("macos", $"{match.Groups["name"].Value} {match.Groups["version"].Value}", null, match.Groups["version"].Value,
                        match.Groups["build"].Success ? match.Groups["build"].Value : null, "macos", match.Groups["version"].Value, Kernel(Text(software, "kernel_version")), null, false)
                    : new OperatingSystemInfo("macos", osVersion, null, null, null, "macos", null, Kernel(Text(software, "kernel_version")), null, false);
                if (!match.Success)
                {
                    problems.Add(new(fileName, null, $"SPSoftwareDataType.os_version \"{osVersion}\" is not \"macOS X.Y.Z (build)\"; version left out"));
                }
            }
            else
            {
                problems.Add(new(fileName, null, "SPSoftwareDataType has no os_version; the operating system is reported as plain macOS"));
            }

            string? Hardware(string name) => hardware.ValueKind == JsonValueKind.Object ? Text(hardware, name) : null;
            var hostname = software.ValueKind == JsonValueKind.Object ? Text(software, "local_host_name") : null;
            var uuid = Guid.TryParse(Hardware("platform_UUID"), out var platform) && platform != Guid.Empty ? platform.ToString("D").ToUpperInvariant() : null;
            return new Profile(applications, os, hostname, uuid, Hardware("serial_number"), problems);
        }
    }

    private static IEnumerable<(int Index, JsonElement Item)> Items(JsonElement root, string dataType, string fileName, List<CollectionProblem> problems)
    {
        if (!root.TryGetProperty(dataType, out var array))
        {
            problems.Add(new(fileName, null, $"no {dataType} section"));
            yield break;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            problems.Add(new(fileName, null, $"{dataType} is a JSON {array.ValueKind}, expected an array; section skipped"));
            yield break;
        }

        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object)
            {
                yield return (index, item);
            }
            else
            {
                problems.Add(new(fileName, null, $"{dataType}[{index}] is a JSON {item.ValueKind}, expected an object; skipped"));
            }

            index++;
        }
    }

    /// <summary>A string field; other JSON types (a number where a string belongs) count as absent, not as text.</summary>
    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text.Trim() : null;

    /// <summary>"Developer ID Application: Mozilla Corporation (43AQ936H96)" names the publisher; Apple's own apps are Apple's.</summary>
    private static string? Publisher(JsonElement app, string? origin)
    {
        if (app.TryGetProperty("signed_by", out var signers) && signers.ValueKind == JsonValueKind.Array && signers.GetArrayLength() > 0
            && signers[0].ValueKind == JsonValueKind.String && DeveloperId().Match(signers[0].GetString()!) is { Success: true } match)
        {
            return match.Groups["publisher"].Value;
        }

        return origin == "apple" ? "Apple" : null;
    }

    private static string? Architecture(string? archKind) => archKind switch
    {
        "arch_arm_i64" => "universal",
        "arch_arm" => "arm64",
        "arch_i64" => "x86_64",
        "arch_i32" or "arch_i32_i64" => "x86",
        _ => null,
    };

    private static string? Kernel(string? kernelVersion) => kernelVersion?.StartsWith("Darwin ", StringComparison.Ordinal) == true ? kernelVersion["Darwin ".Length..] : kernelVersion;

    [GeneratedRegex(@"^\{ sec = (?<sec>\d{1,12}), usec = \d+ \}", RegexOptions.CultureInvariant)]
    private static partial Regex BootTimeValue();

    [GeneratedRegex(@"^(?<name>macOS|OS X|Mac OS X) (?<version>\d+(\.\d+){0,2})( \((?<build>[0-9A-Za-z]+)\))?$", RegexOptions.CultureInvariant)]
    private static partial Regex OsVersion();

    [GeneratedRegex(@"^Developer ID Application: (?<publisher>.+?)( \([A-Z0-9]{10}\))?$", RegexOptions.CultureInvariant)]
    private static partial Regex DeveloperId();
}
