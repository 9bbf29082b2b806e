namespace Patchpeil.Agent;

/// <summary>Reads a recorded file whole, refusing sizes no real export reaches rather than filling memory.</summary>
public static class RecordedInput
{
    /// <summary>The keys the agent exports are a few MB on a busy device and system_profiler's JSON is under 10 MB; a whole-hive export is larger and not needed.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    public static byte[] ReadBytes(string path)
    {
        var length = new FileInfo(path).Length;
        return length > MaxFileBytes
            ? throw new InputFormatException(Path.GetFileName(path), null, $"file is {length} bytes, more than the {MaxFileBytes} the agent reads; record only the keys and commands the README lists, not whole hives")
            : File.ReadAllBytes(path);
    }
}
