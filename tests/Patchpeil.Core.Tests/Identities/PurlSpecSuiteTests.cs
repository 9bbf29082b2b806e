using System.Text.Json;
using Patchpeil.Core.Identities;

namespace Patchpeil.Core.Tests.Identities;

/// <summary>Runs every case of the official purl-spec test suite (tests/spec and tests/types).</summary>
public class PurlSpecSuiteTests
{
    /// <summary>
    /// Cases the suite contradicts itself on. maven#13 ("required" parse) expects the key "repositorY_url" to be
    /// lower-cased and accepted, while gem#1 and rpm#1 (also "required" parse) expect "Platform" and "Arch" to be
    /// rejected because keys must be lower case. Strict parsing follows the standard text (keys are lower case); the
    /// lenient mode accepts maven#13 (see the "recommended" twin of that case).
    /// </summary>
    internal static readonly Dictionary<string, string> Contradictions = new(StringComparer.Ordinal)
    {
        ["types/maven-test.json#13"] = "contradicts gem-test.json#1 and rpm-test.json#1 on upper-case qualifier keys",
    };

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var (file, index, _) in LoadAll())
        {
            data.Add(file, index);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OfficialCase(string file, int index)
    {
        if (Contradictions.TryGetValue($"{file}#{index}", out var why))
        {
            Assert.Skip(why);
        }

        var test = LoadAll().Single(c => c.File == file && c.Index == index).Test;
        var failure = Run(test);
        Assert.True(failure is null, failure);
    }

    [Fact]
    public void WholeSuitePasses()
    {
        var all = LoadAll().ToList();
        var skipped = all.Count(c => Contradictions.ContainsKey($"{c.File}#{c.Index}"));
        var failures = all.Where(c => !Contradictions.ContainsKey($"{c.File}#{c.Index}"))
            .Select(c => (c, f: Run(c.Test))).Where(x => x.f is not null).Select(x => $"{x.c.File}#{x.c.Index}: {x.f}").ToList();
        TestContext.Current.SendDiagnosticMessage($"purl suite: {all.Count} cases, {all.Count - skipped - failures.Count} passed, {skipped} skipped (self-contradictory), {failures.Count} failed");
        Assert.True(all.Count >= 586, $"only {all.Count} cases found");
        Assert.Empty(failures);
    }

    internal static string? Run(JsonElement test)
    {
        var type = test.GetProperty("test_type").GetString();
        var group = test.GetProperty("test_group").GetString();
        var expectFailure = test.TryGetProperty("expected_failure", out var ef) && ef.GetBoolean();
        var input = test.GetProperty("input");
        switch (type)
        {
            case "parse":
                {
                    // "required" cases hold the standard; "recommended" cases show how to remediate data from the wild.
                    var mode = group == "recommended" ? PurlParseMode.Lenient : PurlParseMode.Strict;
                    var ok = PackageUrl.TryParse(input.GetString(), mode, out var purl, out var error);
                    if (expectFailure)
                    {
                        return ok ? $"expected failure, parsed as {purl}" : null;
                    }

                    if (!ok)
                    {
                        return $"parse failed: {error}";
                    }

                    return CompareComponents(purl!, test.GetProperty("expected_output"));
                }

            case "build":
                {
                    var ok = TryBuild(input, out var purl, out var error);
                    if (expectFailure)
                    {
                        return ok ? $"expected failure, built {purl}" : null;
                    }

                    if (!ok)
                    {
                        return $"build failed: {error}";
                    }

                    var expected = test.GetProperty("expected_output").GetString();
                    return purl!.ToString() == expected ? null : $"built {purl}, expected {expected}";
                }

            case "validate":
            case "roundtrip":
                {
                    var ok = PackageUrl.TryCanonicalize(input.GetString(), out var canonical, out var error);
                    if (expectFailure)
                    {
                        return ok ? $"expected failure, got {canonical}" : null;
                    }

                    var expected = test.GetProperty("expected_output").GetString();
                    return !ok ? $"canonicalize failed: {error}" : canonical == expected ? null : $"got {canonical}, expected {expected}";
                }

            default:
                return $"unknown test type {type}";
        }
    }

    private static bool TryBuild(JsonElement input, out PackageUrl? purl, out string? error)
    {
        List<KeyValuePair<string, string?>>? qualifiers = null;
        if (input.TryGetProperty("qualifiers", out var q) && q.ValueKind == JsonValueKind.Object)
        {
            qualifiers = q.EnumerateObject().Select(p => new KeyValuePair<string, string?>(p.Name, p.Value.GetString())).ToList();
        }

        return PackageUrl.TryCreate(Str(input, "type"), Str(input, "namespace"), Str(input, "name"), Str(input, "version"), qualifiers, Str(input, "subpath"), out purl, out error);
    }

    private static string? CompareComponents(PackageUrl purl, JsonElement expected)
    {
        var problems = new List<string>();
        Check("type", purl.Type);
        Check("namespace", purl.Namespace);
        Check("name", purl.Name);
        Check("version", purl.Version);
        Check("subpath", purl.Subpath);
        var expectedQualifiers = expected.TryGetProperty("qualifiers", out var q) && q.ValueKind == JsonValueKind.Object
            ? q.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString())
            : [];
        if (expectedQualifiers.Count != purl.Qualifiers.Count
            || expectedQualifiers.Any(kv => !purl.Qualifiers.TryGetValue(kv.Key, out var v) || v != kv.Value))
        {
            problems.Add($"qualifiers: got {string.Join('&', purl.Qualifiers.Select(kv => kv.Key + "=" + kv.Value))}");
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);

        void Check(string field, string? actual)
        {
            var want = Str(expected, field);
            if (want != actual)
            {
                problems.Add($"{field}: got '{actual}', expected '{want}'");
            }
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static readonly Lazy<List<(string File, int Index, JsonElement Test)>> Loaded = new(() => [.. ReadAll()]);

    private static List<(string File, int Index, JsonElement Test)> LoadAll() => Loaded.Value;

    private static IEnumerable<(string File, int Index, JsonElement Test)> ReadAll()
    {
        var root = IdentityFixtures.Path("purl-spec", "tests");
        foreach (var path in Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var i = 0;
            foreach (var t in doc.RootElement.GetProperty("tests").EnumerateArray())
            {
                yield return (System.IO.Path.GetRelativePath(root, path).Replace('\\', '/'), i++, t.Clone());
            }
        }
    }
}
