namespace Patchpeil.Agent;

/// <summary>Reads a recorded file whole, refusing sizes no real export reaches rather than filling memory.</summary>
public static class RecordedInput
{
    /// <summary>The Uninstall keys of a busy device export to a few MB; system_profiler's JSON is under 10 MB.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    public static byte[] ReadBytes(string path)
    {
        var length = new FileInfo(path).Length;
        return length > MaxFileBytes
            ? throw new InputFormatException(Path.GetFileName(path), null, $"file is {length} bytes; more than the {MaxFileBytes} bytes any real export has, so it is not read")
            : File.ReadAllBytes(path);
    }
}
