using System.Text.Json;
using Patchpeil.Core.Feeds.Csaf;

namespace Patchpeil.Core.Tests.Feeds;

/// <summary>
/// The OASIS validator test documents (csaf_2.0/test/validator/data, listed in testcases.json): a document listed as a
/// failure of a mandatory test must be quarantined with that test id among its reasons; every other document (valid
/// examples, and the optional/informative test documents, which are valid CSAF) must pass.
/// </summary>
public class CsafOasisValidatorTests
{
    /// <summary>6.1.11 needs the CWE catalogue (not embedded): its failing example is expected to pass here.</summary>
    private static readonly HashSet<string> NotImplemented = new(StringComparer.Ordinal) { "6.1.11" };

    /// <summary>
    /// Optional-test examples that OASIS marks valid although they repeat a hash algorithm inside one file_hashes list,
    /// which is exactly what mandatory test 6.1.25 forbids; we follow the mandatory test.
    /// </summary>
    private static readonly HashSet<string> ConflictingExamples = new(StringComparer.Ordinal)
    {
        "optional/oasis_csaf_tc-csaf_2_0-2021-6-2-08-02.json",
        "optional/oasis_csaf_tc-csaf_2_0-2021-6-2-09-02.json",
    };

    private static string DataDir => Fixtures.PathOf("csaf", "oasis", "csaf_2.0", "test", "validator", "data");

    public static TheoryData<string, string> MustFail()
    {
        var data = new TheoryData<string, string>();
        foreach (var (id, group, file, valid) in Cases())
        {
            if (group == "mandatory" && !valid && !NotImplemented.Contains(id))
            {
                data.Add(id, file);
            }
        }

        return data;
    }

    public static TheoryData<string> MustPass()
    {
        var failing = Cases().Where(c => c.Group == "mandatory" && !c.Valid && !NotImplemented.Contains(c.Id)).Select(c => c.File).ToHashSet(StringComparer.Ordinal);
        var data = new TheoryData<string>();
        foreach (var file in Cases().Select(c => c.File).Distinct(StringComparer.Ordinal).Where(f => !failing.Contains(f) && !ConflictingExamples.Contains(f)).Order(StringComparer.Ordinal))
        {
            data.Add(file);
        }

        return data;
    }

    private static IEnumerable<(string Id, string Group, string File, bool Valid)> Cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(DataDir, "testcases.json")));
        foreach (var test in doc.RootElement.GetProperty("tests").EnumerateArray())
        {
            var id = test.GetProperty("id").GetString()!;
            var group = test.GetProperty("group").GetString()!;
            foreach (var list in new[] { "failures", "valid" })
            {
                if (test.TryGetProperty(list, out var files))
                {
                    foreach (var f in files.EnumerateArray())
                    {
                        yield return (id, group, f.GetProperty("name").GetString()!, f.GetProperty("valid").GetBoolean());
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(MustFail))]
    public void FailingDocumentIsQuarantinedWithItsTestId(string testId, string file)
    {
        var result = CsafReader.Read(File.ReadAllBytes(Path.Combine(DataDir, file)), file, Fixtures.FetchedAt);

        Assert.Empty(result.Items);
        var q = Assert.Single(result.Quarantined);
        Assert.True(q.HasCode(testId), $"{file}: expected {testId}, got {string.Join("; ", q.Reasons)}");
    }

    [Theory]
    [MemberData(nameof(MustPass))]
    public void ValidDocumentPasses(string file)
    {
        var result = CsafReader.Read(File.ReadAllBytes(Path.Combine(DataDir, file)), file, Fixtures.FetchedAt);

        Assert.True(result.Quarantined.Count == 0, $"{file}: {string.Join(" | ", result.Quarantined)}");
        Assert.Single(result.Items);
    }

    [Fact]
    public void CoversTheMandatoryTestsListedByOasis()
    {
        var ids = Cases().Where(c => c.Group == "mandatory").Select(c => c.Id).Distinct(StringComparer.Ordinal).ToList();
        Assert.Equal(43, ids.Count);
        Assert.Equal(239, Directory.EnumerateFiles(DataDir, "oasis_*.json", SearchOption.AllDirectories).Count(f => !f.EndsWith("TEMPLATE.json", StringComparison.Ordinal)));
    }
}
