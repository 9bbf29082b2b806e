using System.Text.Json;
using Patchpeil.Core.Ranges;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Ranges;

/// <summary>
/// Runs the official vers-spec test suite. A case that fails while its scheme has no implementation yet is
/// counted as skipped (with the scheme named), never as passed; native-range conversion is not implemented.
/// </summary>
public class VersSpecSuiteTests
{
    internal enum Outcome
    {
        Passed,
        Failed,
        Skipped,
    }

    /// <summary>
    /// Cases whose expected output we deliberately do not reproduce. npm#165 expects "~0.8.0-pre" to become
    /// "&gt;=0.8.0-pre|&lt;0.8.0|&gt;=0.8.0|&lt;0.8.1"; node-semver defines "~0.8.0-pre" as "&gt;=0.8.0-pre &lt;0.9.0", which we emit.
    /// </summary>
    internal static readonly Dictionary<string, string> Disagreements = new(StringComparer.Ordinal)
    {
        ["npm_range_from_native_test.json#165"] = "expected output contradicts node-semver tilde semantics for '~0.8.0-pre'",
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
        if (Disagreements.TryGetValue($"{file}#{index}", out var why))
        {
            Assert.Skip(why);
        }

        var test = LoadAll().Single(c => c.File == file && c.Index == index).Test;
        var (outcome, message) = Run(test);
        if (outcome == Outcome.Skipped)
        {
            Assert.Skip(message!);
        }

        Assert.True(outcome == Outcome.Passed, message);
    }

    [Fact]
    public void SuiteSummary()
    {
        var rows = LoadAll().Select(c => (c.File, Result: Disagreements.TryGetValue($"{c.File}#{c.Index}", out var why) ? (Outcome: Outcome.Skipped, Message: (string?)why) : Run(c.Test))).ToList();
        foreach (var group in rows.GroupBy(r => r.File).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var reasons = group.Where(r => r.Result.Outcome == Outcome.Skipped).Select(r => r.Result.Message).Distinct().Take(3);
            TestContext.Current.SendDiagnosticMessage(
                $"vers {group.Key}: {group.Count()} cases, {group.Count(r => r.Result.Outcome == Outcome.Passed)} passed, "
                + $"{group.Count(r => r.Result.Outcome == Outcome.Skipped)} skipped, {group.Count(r => r.Result.Outcome == Outcome.Failed)} failed"
                + (reasons.Any() ? " (" + string.Join("; ", reasons) + ")" : string.Empty));
        }

        TestContext.Current.SendDiagnosticMessage(
            $"vers suite: {rows.Count} cases, {rows.Count(r => r.Result.Outcome == Outcome.Passed)} passed, "
            + $"{rows.Count(r => r.Result.Outcome == Outcome.Skipped)} skipped, {rows.Count(r => r.Result.Outcome == Outcome.Failed)} failed");
        Assert.Empty(rows.Where(r => r.Result.Outcome == Outcome.Failed).Select(r => $"{r.File}: {r.Result.Message}"));
    }

    internal static (Outcome Outcome, string? Message) Run(JsonElement test)
    {
        var type = test.GetProperty("test_type").GetString();
        var expectFailure = test.TryGetProperty("expected_failure", out var ef) && ef.GetBoolean();
        var input = test.GetProperty("input");
        var expected = test.TryGetProperty("expected_output", out var eo) ? eo : default;
        string? schemeName = null;
        var (ok, message) = type switch
        {
            "parse" => Parse(input.GetString()!, expectFailure, expected, out schemeName),
            "validate" => Validate(input.GetString()!, expected.GetString()!, out schemeName),
            "containment" => Containment(input, expected.GetBoolean(), out schemeName),
            "comparison" or "equality" => Compare(type, input, expected, out schemeName),
            "from_native" => FromNative(input, expected.GetString()!, out schemeName),
            _ => (false, $"skip:test type '{type}' is not implemented"),
        };
        if (message?.StartsWith("skip:", StringComparison.Ordinal) == true)
        {
            return (Outcome.Skipped, message[5..]);
        }

        if (ok)
        {
            return (Outcome.Passed, null);
        }

        return RangeSchemes.ForVersType(schemeName).IsOrdered
            ? (Outcome.Failed, message)
            : (Outcome.Skipped, $"no '{schemeName}' version scheme yet");
    }

    private static (bool, string?) Parse(string input, bool expectFailure, JsonElement expected, out string? scheme)
    {
        scheme = TypeOf(input);
        var ok = VersRange.TryParse(input, out var range, out var error);
        if (expectFailure)
        {
            return ok ? (false, $"expected failure, parsed {range}") : (true, null);
        }

        if (!ok)
        {
            return (false, $"parse failed: {error}");
        }

        var want = expected.GetProperty("version_constraints").EnumerateArray()
            .Select(p => (p[0].GetString()!, p[1].GetString()!)).ToList();
        var got = range!.Constraints.Select(c => (c.Comparator == VersComparator.Equal ? "=" : VersConstraint.Symbol(c.Comparator), c.Version)).ToList();
        return range.Type == expected.GetProperty("scheme").GetString() && want.SequenceEqual(got)
            ? (true, null)
            : (false, $"got {range}");
    }

    private static (bool, string?) FromNative(JsonElement input, string expected, out string? scheme)
    {
        scheme = input.GetProperty("scheme").GetString();
        if (scheme is not ("npm" or "nuget" or "pypi" or "gem"))
        {
            return (false, $"skip:native {scheme} range conversion is not implemented (npm, nuget, pypi, gem are)");
        }

        var native = input.GetProperty("native_range").GetString();
        if (!NativeRanges.TryConvert(scheme, native, out var range, out var error))
        {
            return (false, $"'{native}': {error}");
        }

        return range!.ToString() == expected ? (true, null) : (false, $"'{native}' gave {range}, expected {expected}");
    }

    private static (bool, string?) Validate(string input, string expected, out string? scheme)
    {
        scheme = TypeOf(input);
        if (!VersRange.TryParse(input, VersParseMode.Lenient, null, out var range, out var error))
        {
            return (false, $"parse failed: {error}");
        }

        return range!.ToString() == expected ? (true, null) : (false, $"got {range}, expected {expected}");
    }

    private static (bool, string?) Containment(JsonElement input, bool expected, out string? scheme)
    {
        var vers = input.GetProperty("vers").GetString()!;
        scheme = TypeOf(vers);
        if (!VersRange.TryParse(vers, VersParseMode.Lenient, null, out var range, out var error))
        {
            return (false, $"parse failed: {error}");
        }

        var match = range!.Contains(input.GetProperty("version").GetString()!);
        var got = match.Verdict switch
        {
            RangeVerdict.Inside => (bool?)true,
            RangeVerdict.Outside => false,
            _ => null,
        };
        return got == expected ? (true, null) : (false, match.ToString());
    }

    private static (bool, string?) Compare(string type, JsonElement input, JsonElement expected, out string? scheme)
    {
        scheme = input.GetProperty("input_scheme").GetString();
        var versionScheme = RangeSchemes.ForVersType(scheme);
        if (!versionScheme.IsOrdered)
        {
            return (false, "no scheme");
        }

        var versions = input.GetProperty("versions").EnumerateArray().Select(v => v.GetString()!).ToArray();
        if (type == "equality")
        {
            var equal = versionScheme.Relate(versions[0], versions[1]) == VersionRelation.Equal;
            return equal == expected.GetBoolean() ? (true, null) : (false, $"{versions[0]} vs {versions[1]}: equal={equal}");
        }

        var sorted = versions.Order(Comparer<string>.Create((a, b) => versionScheme.Compare(a, b))).ToArray();
        var want = expected.EnumerateArray().Select(v => v.GetString()!).ToArray();
        // Expected outputs may be normalised spellings (NuGet lower-cases labels): compare by the scheme's equality.
        var same = sorted.Length == want.Length && sorted.Zip(want).All(p => versionScheme.Relate(p.First, p.Second) == VersionRelation.Equal);
        return same ? (true, null) : (false, $"sorted {string.Join(", ", sorted)}, expected {string.Join(", ", want)}");
    }

    private static string? TypeOf(string vers)
    {
        var colon = vers.IndexOf(':', StringComparison.Ordinal);
        var slash = vers.IndexOf('/', StringComparison.Ordinal);
        return colon >= 0 && slash > colon ? vers[(colon + 1)..slash].ToLowerInvariant() : null;
    }

    private static readonly Lazy<List<(string File, int Index, JsonElement Test)>> Loaded = new(() => [.. ReadAll()]);

    private static List<(string File, int Index, JsonElement Test)> LoadAll() => Loaded.Value;

    private static IEnumerable<(string File, int Index, JsonElement Test)> ReadAll()
    {
        var root = IdentityFixtures.Path("vers-spec", "tests");
        foreach (var path in Directory.EnumerateFiles(root, "*.json").Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var i = 0;
            foreach (var t in doc.RootElement.GetProperty("tests").EnumerateArray())
            {
                yield return (System.IO.Path.GetFileName(path), i++, t.Clone());
            }
        }
    }
}
