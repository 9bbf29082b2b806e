using System.Text.Json.Nodes;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.Csaf;
using Patchpeil.Core.Feeds.Cve5;
using Patchpeil.Core.Feeds.EndOfLife;
using Patchpeil.Core.Feeds.Epss;
using Patchpeil.Core.Feeds.Kev;
using Patchpeil.Core.Feeds.Nvd;
using Patchpeil.Core.Feeds.Osv;

namespace Patchpeil.Core.Tests.Feeds;

/// <summary>
/// Systematically damaged real documents (cut at 60 points; every 97th byte replaced by each of a few structural
/// characters): a reader may quarantine, but it must never throw and must account for what it could not read.
/// </summary>
public class NeverThrowsTests
{
    private static readonly byte[] Replacements = "\"{}[],:\\\0x"u8.ToArray();

    private static readonly Dictionary<string, (string[] Fixture, Func<byte[], int>)> Readers = new(StringComparer.Ordinal)
    {
        ["csaf"] = (["csaf", "redhat-siemens", "rhsa-2024_3666.json"], b => Count(CsafReader.Read(b, "x", Fixtures.FetchedAt))),
        ["osv"] = (["osv", "ubuntu", "USN-6859-1.json"], b => Count(OsvReader.Read(b, "x", Fixtures.FetchedAt))),
        ["cve5"] = (["cve5", "CVE-2023-44487.json"], b => Count(Cve5Reader.Read(b, "x", Fixtures.FetchedAt))),
        ["nvd"] = (["nvd", "constructed-api-2.0-response.json"], b => Count(NvdReader.ReadPageAsync(new MemoryStream(b), Fixtures.FetchedAt).GetAwaiter().GetResult().Vulnerabilities)),
        ["kev-csv"] = (["kev", "known_exploited_vulnerabilities.csv"], b => Count(KevReader.ReadCsv(b[..Math.Min(b.Length, 20_000)], Fixtures.FetchedAt).Entries)),
        ["epss"] = (["epss", "epss-format-example.csv"], b => Count(EpssReader.ReadAsync(new MemoryStream(b), Fixtures.FetchedAt).GetAwaiter().GetResult().Scores)),
        ["endoflife"] = (["endoflife", "api_v1", "ubuntu.json"], b => EndOfLifeReader.ReadProduct(b, "x", Fixtures.FetchedAt) is var (p, q) ? (p?.Releases.Count ?? 0) + q.Count : 0),
    };

    /// <summary>Every value of the document, one at a time, replaced by a value of another JSON type.</summary>
    [Theory]
    [MemberData(nameof(ReaderNames))]
    public void WrongTypeAnywhereNeverThrows(string reader)
    {
        var (fixture, read) = Readers[reader];
        if (!fixture[^1].EndsWith(".json", StringComparison.Ordinal))
        {
            return;
        }

        var original = Fixtures.Bytes(fixture);
        var paths = new List<JsonNode>();
        Collect(JsonNode.Parse(original)!, paths);
        var step = Math.Max(1, paths.Count / 60);
        for (var i = 0; i < paths.Count; i += step)
        {
            foreach (var replacement in new Func<JsonNode>[] { () => JsonValue.Create(42), () => JsonValue.Create("x"), () => new JsonObject(), () => new JsonArray() })
            {
                var root = JsonNode.Parse(original)!;
                var target = Find(root, paths[i].GetPath());
                if (target?.Parent is JsonObject parent)
                {
                    parent[target.GetPropertyName()] = replacement();
                }
                else if (target?.Parent is JsonArray array)
                {
                    array[target.GetElementIndex()] = replacement();
                }

                Assert.True(read(Fixtures.Utf8(root.ToJsonString())) >= 1, $"{reader}: {paths[i].GetPath()} lost the record without a reason");
            }
        }
    }

    private static void Collect(JsonNode node, List<JsonNode> into)
    {
        if (node.Parent is not null)
        {
            into.Add(node);
        }

        switch (node)
        {
            case JsonObject o:
                foreach (var (_, v) in o)
                {
                    if (v is not null)
                    {
                        Collect(v, into);
                    }
                }

                break;
            case JsonArray a:
                foreach (var v in a)
                {
                    if (v is not null)
                    {
                        Collect(v, into);
                    }
                }

                break;
            default:
                break;
        }
    }

    private static JsonNode? Find(JsonNode root, string path)
    {
        var all = new List<JsonNode>();
        Collect(root, all);
        return all.Find(n => n.GetPath() == path);
    }

    private static int Count<T>(ParseResult<T> r) => r.Items.Count + r.Quarantined.Count;

    public static TheoryData<string> ReaderNames() => [.. Readers.Keys];

    [Theory]
    [MemberData(nameof(ReaderNames))]
    public void DamagedInputNeverThrows(string reader)
    {
        var (fixture, read) = Readers[reader];
        var original = Fixtures.Bytes(fixture);
        var limit = Math.Min(original.Length, 20_000);

        for (var i = 0; i <= 60; i++)
        {
            var cut = original[..(limit * i / 60)];
            Assert.True(read(cut) >= 0);
        }

        foreach (var replacement in Replacements)
        {
            var damaged = (byte[])original.Clone();
            for (var i = 13; i < damaged.Length; i += 97)
            {
                damaged[i] = replacement;
            }

            Assert.True(read(damaged) >= 1, $"{reader}: damaged input produced neither items nor a quarantine entry");
        }
    }
}
