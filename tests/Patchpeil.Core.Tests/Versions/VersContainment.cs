using System.Text.Json;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Versions;

/// <summary>
/// vers containment vectors, evaluated with a minimal vers reader that is enough for these files (constraints joined
/// by <c>|</c>, comparators <c>= != &lt; &lt;= &gt; &gt;=</c>, <c>*</c>) — it exercises the scheme's order, not vers
/// parsing, which lives in its own module.
/// </summary>
public sealed record VersContainment(string Vers, string Version, bool Expected)
{
    public static List<VersContainment> Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var tests = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement : doc.RootElement.GetProperty("tests");
        return [.. tests.EnumerateArray().Select(t => new VersContainment(
            t.GetProperty("input").GetProperty("vers").GetString()!,
            t.GetProperty("input").GetProperty("version").GetString()!,
            t.GetProperty("expected_output").GetBoolean()))];
    }

    public string? Check(VersionScheme scheme)
    {
        var constraints = Vers[(Vers.IndexOf('/', StringComparison.Ordinal) + 1)..].Split('|');
        var actual = Contains(scheme, constraints, Version);
        return actual == Expected ? null : $"{Vers} contains {Version}: got {actual}, expected {Expected}";
    }

    // vers-spec containment: sorted constraints; equality and "!=" first, then ranges between consecutive bounds.
    private static bool Contains(VersionScheme scheme, string[] constraints, string version)
    {
        if (constraints is ["*"])
        {
            return true;
        }

        var parsed = constraints.Select(c =>
        {
            var op = c.StartsWith(">=", StringComparison.Ordinal) || c.StartsWith("<=", StringComparison.Ordinal) || c.StartsWith("!=", StringComparison.Ordinal)
                ? c[..2]
                : c.StartsWith('<') || c.StartsWith('>') || c.StartsWith('=') ? c[..1] : "=";
            var v = op == "=" && !c.StartsWith('=') ? c : c[op.Length..];
            return (Op: op, Version: v);
        }).OrderBy(c => c.Version, Comparer<string>.Create((a, b) => scheme.Compare(a, b))).ToList();

        foreach (var (op, v) in parsed)
        {
            var cmp = scheme.Compare(version, v);
            if (op == "=" && cmp == 0)
            {
                return true;
            }

            if (op == "!=" && cmp == 0)
            {
                return false;
            }
        }

        var ranges = parsed.Where(c => c.Op is not ("=" or "!=")).ToList();
        for (var i = 0; i < ranges.Count; i++)
        {
            var (op, v) = ranges[i];
            var cmp = scheme.Compare(version, v);
            if (op is ">=" or "<=" && cmp == 0)
            {
                return true;
            }

            if (op is ">" or ">=")
            {
                if (cmp <= 0)
                {
                    continue;
                }

                if (i + 1 == ranges.Count)
                {
                    return true;
                }

                var (nextOp, nextV) = ranges[i + 1];
                var next = scheme.Compare(version, nextV);
                if (nextOp is "<" && next < 0 || nextOp is "<=" && next <= 0)
                {
                    return true;
                }
            }
            else if (i == 0 && cmp < 0)
            {
                return true;
            }
        }

        return false;
    }
}
