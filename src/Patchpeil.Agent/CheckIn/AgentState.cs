using System.Text.Json;
using Patchpeil.Contracts;

namespace Patchpeil.Agent.CheckIn;

/// <summary>
/// What the agent keeps between runs, in one folder readable by its owner only (0600 files in a 0700 folder on
/// Linux and macOS; on Windows the folder under ProgramData inherits its SYSTEM/Administrators-only ACL): the
/// server, the device key, and the inventory last prepared, which the next delta is computed against.
/// </summary>
public sealed class AgentState
{
    public const string ConfigFile = "agent.json";
    public const string InventoryFile = "inventory.json";

    public required Uri Server { get; init; }
    public required Guid DeviceId { get; init; }
    public required Guid AssetId { get; init; }
    public required string DeviceKey { get; init; }

    /// <summary>Hash of the inventory last prepared (sent or queued): the base of the next delta.</summary>
    public string? InventoryHash { get; set; }

    /// <summary>The next report must be full: first run, the server asked, or the delta chain broke.</summary>
    public bool FullNext { get; set; } = true;

    public static string DefaultFolder =>
        OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "Patchpeil", "Agent")
        : OperatingSystem.IsMacOS() ? "/Library/Application Support/Patchpeil/Agent"
        : "/var/lib/patchpeil-agent";

    public static AgentState? Load(string folder)
    {
        var path = Path.Combine(folder, ConfigFile);
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), AgentJson.Default.AgentState) : null;
    }

    public void Save(string folder) => WriteProtected(folder, ConfigFile, JsonSerializer.SerializeToUtf8Bytes(this, AgentJson.Default.AgentState));

    public static List<InstalledItem>? LoadInventory(string folder)
    {
        var path = Path.Combine(folder, InventoryFile);
        return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), AgentJson.Default.ListInstalledItem) : null;
    }

    public static void SaveInventory(string folder, IReadOnlyList<InstalledItem> items) =>
        WriteProtected(folder, InventoryFile, JsonSerializer.SerializeToUtf8Bytes(items, AgentJson.Default.ListInstalledItem));

    /// <summary>Creates the folder owner-only, then writes the file owner-only under a temporary name and renames it, so a crash never leaves half a file.</summary>
    public static void WriteProtected(string folder, string name, byte[] content)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var path = Path.Combine(folder, name);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode applies to new files only; a leftover temporary file keeps its mode otherwise.
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
