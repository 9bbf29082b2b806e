using System.Text.Json.Nodes;
using Patchpeil.Core.Feeds.Csaf;

namespace Patchpeil.Core.Tests.Feeds;

/// <summary>
/// No real NCSC-NL CSAF document is available (FORMATS.md §1.7); these documents are a real CISA advisory rewritten to
/// carry the label in the places the reader assumes (see NcscLabels).
/// </summary>
public class NcscLabelTests
{
    private static CsafDocument Read(Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(Fixtures.Bytes("csaf", "cisa", "csaf_files", "OT", "white", "2017", "icsa-17-010-01a.json"))!;
        node["document"]!["lang"] = "nl";
        node["document"]!["publisher"]!["name"] = "Nationaal Cyber Security Centrum";
        node["document"]!["publisher"]!["namespace"] = "https://www.ncsc.nl/";
        edit(node);
        var result = CsafReader.Read(Fixtures.Utf8(node.ToJsonString()), "ncsc", Fixtures.FetchedAt);
        Assert.True(result.Quarantined.Count == 0, string.Join(" | ", result.Quarantined));
        return Assert.Single(result.Items);
    }

    [Theory]
    [InlineData("Urgent", NcscUrgency.Urgent)]
    [InlineData("normaal", NcscUrgency.Normaal)]
    [InlineData("Normal", NcscUrgency.Normaal)]
    public void UrgencyFromAggregateSeverity(string text, NcscUrgency expected)
    {
        var doc = Read(n => n["document"]!["aggregate_severity"] = new JsonObject { ["text"] = text, ["namespace"] = "https://www.ncsc.nl/" });

        Assert.Equal(new NcscLabel(expected, null, null, "/document/aggregate_severity/text"), doc.Ncsc);
    }

    [Fact]
    public void KansSchadeFromAggregateSeverityText()
    {
        var doc = Read(n => n["document"]!["aggregate_severity"] = new JsonObject { ["text"] = "Kans: medium, Schade: high" });

        Assert.Equal(new NcscLabel(null, "medium", "high", "/document/aggregate_severity/text"), doc.Ncsc);
    }

    [Fact]
    public void KansSchadeFromTitledNotes()
    {
        var doc = Read(n =>
        {
            var notes = n["document"]!["notes"]!.AsArray();
            notes.Add(new JsonObject { ["category"] = "other", ["title"] = "Kans", ["text"] = "medium" });
            notes.Add(new JsonObject { ["category"] = "other", ["title"] = "Schade", ["text"] = "high" });
        });

        Assert.Equal("medium", doc.Ncsc!.Likelihood);
        Assert.Equal("high", doc.Ncsc.Impact);
        Assert.Null(doc.Ncsc.Urgency);
        Assert.StartsWith("/document/notes/", doc.Ncsc.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void NoLabelIsGuessedFromProse()
    {
        var doc = Read(n => n["document"]!["notes"]!.AsArray().Add(new JsonObject { ["category"] = "summary", ["text"] = "Dit is urgent: kans hoog, schade hoog." }));

        Assert.Null(doc.Ncsc);
    }

    [Fact]
    public void RedHatImportantIsNotAnNcscLabel()
    {
        var result = CsafReader.Read(Fixtures.Bytes("csaf", "redhat-siemens", "rhsa-2024_3666.json"), "rh", Fixtures.FetchedAt);

        Assert.Null(Assert.Single(result.Items).Ncsc);
    }
}
