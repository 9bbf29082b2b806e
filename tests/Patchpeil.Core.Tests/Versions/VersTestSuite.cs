using System.Text.Json;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Versions;

/// <summary>Loads the vers-spec / univers JSON test files ("comparison" and "equality" tests).</summary>
public sealed record VersTest(string Type, string[] Versions, string[]? SortedOutput, bool? Equal)
{
    public override string ToString() => $"{Type} [{string.Join(", ", Versions)}]";

    public static List<VersTest> Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var tests = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement : doc.RootElement.GetProperty("tests");
        var list = new List<VersTest>();
        foreach (var t in tests.EnumerateArray())
        {
            var type = t.GetProperty("test_type").GetString()!;
            var input = t.GetProperty("input");
            var versions = input.TryGetProperty("versions", out var v) ? v.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];
            var output = t.GetProperty("expected_output");
            list.Add(type switch
            {
                "comparison" => new VersTest(type, versions, [.. output.EnumerateArray().Select(x => x.GetString()!)], null),
                "equality" => new VersTest(type, versions, null, output.GetBoolean()),
                _ => new VersTest(type, versions, null, null),
            });
        }

        return list;
    }

    public static int CountTests(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var tests = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement : doc.RootElement.GetProperty("tests");
        return tests.GetArrayLength();
    }

    /// <summary>Comparison: each neighbour in the expected order is strictly less. Equality: equal or not, raw and key.</summary>
    public string? Check(VersionScheme scheme)
    {
        if (Type == "comparison")
        {
            // Case-insensitive schemes list the expected order in another spelling; match by the scheme's equality.
            if (SortedOutput is null || SortedOutput.Length != Versions.Length
                || !SortedOutput.All(e => Versions.Any(v => scheme.Compare(v, e) == 0)))
            {
                return $"{this}: expected output is not a permutation of the input";
            }

            for (var i = 0; i + 1 < SortedOutput.Length; i++)
            {
                if (VersionVectors.CheckPair(scheme, SortedOutput[i], SortedOutput[i + 1], -1) is { } failure)
                {
                    return $"{this}: {failure}";
                }
            }

            return null;
        }

        if (Type == "equality")
        {
            var (a, b) = (Versions[0], Versions[1]);
            if (Equal == true)
            {
                return VersionVectors.CheckPair(scheme, a, b, 0) is { } failure ? $"{this}: {failure}" : null;
            }

            var raw = scheme.Compare(a, b);
            if (raw == 0)
            {
                return $"{this}: Compare says equal";
            }

            return VersionVectors.CheckPair(scheme, a, b, raw) is { } f ? $"{this}: {f}" : null;
        }

        return $"{this}: unsupported test type";
    }
}
