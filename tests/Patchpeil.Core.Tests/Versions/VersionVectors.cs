using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Versions;

/// <summary>One loaded conformance suite: how many vectors were read and how many passed.</summary>
public sealed record SuiteResult(string Suite, int Loaded, int Passed, IReadOnlyList<string> Failures)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Suite}: {Passed}/{Loaded} passed");
}

/// <summary>
/// Runs vector suites and keeps their counts, so a report ("deb/apt-versions: 64/64 passed") is one call away:
/// <see cref="Report"/> lists every suite run in this process.
/// </summary>
public static class VersionVectors
{
    private static readonly ConcurrentDictionary<string, SuiteResult> Results = new(StringComparer.Ordinal);

    public static string FixturePath(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "fixtures", "versions", .. parts]);

    public static IReadOnlyCollection<SuiteResult> All => [.. Results.Values.OrderBy(r => r.Suite, StringComparer.Ordinal)];

    public static string Report() => string.Join(Environment.NewLine, All.Select(r => r.ToString()));

    /// <summary>
    /// Checks every vector (check returns null on success, else the failure text), records the counts, writes them to
    /// the test output and fails the test when the loader produced a different count than expected or any vector failed.
    /// </summary>
    public static SuiteResult Run<T>(string suite, IReadOnlyList<T> vectors, int expectedCount, Func<T, string?> check)
    {
        var failures = new List<string>();
        foreach (var vector in vectors)
        {
            string? failure;
            try
            {
                failure = check(vector);
            }
#pragma warning disable CA1031 // A vector that throws is a failed vector; the suite must report it, not stop.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failure = $"{vector}: threw {ex.GetType().Name}: {ex.Message}";
            }

            if (failure is not null)
            {
                failures.Add(failure);
            }
        }

        var result = new SuiteResult(suite, vectors.Count, vectors.Count - failures.Count, failures);
        Results[suite] = result;
        TestContext.Current.TestOutputHelper?.WriteLine(result.ToString());
        Assert.Equal(expectedCount, vectors.Count);
        Assert.True(failures.Count == 0, $"{result}{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(50))}");
        return result;
    }

    /// <summary>
    /// Checks one ordered pair four ways: raw Compare both directions, key comparison both directions, and that raw
    /// and key agree. Returns null when all hold.
    /// </summary>
    public static string? CheckPair(VersionScheme scheme, string a, string b, int expected)
    {
        var sb = new StringBuilder();
        var raw = scheme.Compare(a, b);
        var rawReversed = scheme.Compare(b, a);
        if (raw != expected)
        {
            sb.Append(CultureInfo.InvariantCulture, $"Compare({a}, {b}) = {raw}, expected {expected}; ");
        }

        if (rawReversed != -expected)
        {
            sb.Append(CultureInfo.InvariantCulture, $"Compare({b}, {a}) = {rawReversed}, expected {-expected}; ");
        }

        var okA = scheme.TryParse(a, out var ka, out var pa);
        var okB = scheme.TryParse(b, out var kb, out var pb);
        if (!okA || !okB)
        {
            sb.Append(CultureInfo.InvariantCulture, $"parse failed: {a} → {pa ?? "ok"}, {b} → {pb ?? "ok"}; ");
        }
        else
        {
            var key = ka.CompareTo(kb);
            if (key != expected)
            {
                sb.Append(CultureInfo.InvariantCulture, $"Key({a}) vs Key({b}) = {key}, expected {expected}; ");
            }

            if (kb.CompareTo(ka) != -expected)
            {
                sb.Append(CultureInfo.InvariantCulture, $"Key({b}) vs Key({a}) wrong; ");
            }

            if (key != raw)
            {
                sb.Append(CultureInfo.InvariantCulture, $"raw {raw} != key {key} for ({a}, {b}); ");
            }

            if ((expected == 0) != (ka == kb))
            {
                sb.Append(CultureInfo.InvariantCulture, $"key equality wrong for ({a}, {b}); ");
            }
        }

        return sb.Length == 0 ? null : sb.ToString();
    }

    /// <summary>Reads a CSV without quoted commas... except simple double-quoted fields, which the fixtures use.</summary>
    public static List<string[]> ReadCsv(string path, out int dataLines)
    {
        var rows = new List<string[]>();
        var lines = File.ReadAllLines(path);
        dataLines = lines.Skip(1).Count(l => l.Length > 0);
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            rows.Add(SplitCsv(line));
        }

        return rows;
    }

    private static string[] SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return [.. fields];
    }
}
