namespace Patchpeil.Core.Tests.Feeds;

internal static class Fixtures
{
    public static readonly DateTimeOffset FetchedAt = new(2026, 8, 25, 6, 0, 0, TimeSpan.Zero);

    public static string PathOf(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    public static byte[] Bytes(params string[] parts) => File.ReadAllBytes(PathOf(parts));

    public static Stream Open(params string[] parts) => File.OpenRead(PathOf(parts));

    public static IEnumerable<string> Files(string folder, string pattern = "*.json") =>
        Directory.EnumerateFiles(PathOf(folder), pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    public static byte[] Utf8(string s) => System.Text.Encoding.UTF8.GetBytes(s);
}
