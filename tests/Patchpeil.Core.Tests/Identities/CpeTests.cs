using System.Text.Json;
using Patchpeil.Core.Identities;

namespace Patchpeil.Core.Tests.Identities;

public class CpeTests
{
    [Theory]
    // NISTIR 7695 examples (URI unbinding, §6.1.3.3 and formatted-string binding §6.2.2.3).
    [InlineData("cpe:/a:microsoft:internet_explorer:8.0.6001:beta", "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*")]
    [InlineData("cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~", "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:*:*:*:online:win2003:x64:*")]
    [InlineData("cpe:/a:hp:openview_network_manager:7.51:-:~~~linux~~", "cpe:2.3:a:hp:openview_network_manager:7.51:-:*:*:*:linux:*:*")]
    [InlineData("cpe:/a:foo%5cbar:big%24money_manager_2010:::~~special~ipod_touch~80gb~", "cpe:2.3:a:foo\\\\bar:big\\$money_manager_2010:*:*:*:*:special:ipod_touch:80gb:*")]
    [InlineData("cpe:/a:microsoft:internet_explorer:8.%02:sp%01", "cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*")]
    [InlineData("cpe:/a:microsoft:internet_explorer:8.%2a:sp%3f", "cpe:2.3:a:microsoft:internet_explorer:8.\\*:sp\\?:*:*:*:*:*:*")]
    [InlineData("cpe:/o:redhat:enterprise_linux:8::appstream", "cpe:2.3:o:redhat:enterprise_linux:8:*:appstream:*:*:*:*:*")]
    public void UriUnbindsToFormattedString(string uri, string formatted)
    {
        var fromUri = Cpe.Parse(uri);
        Assert.Equal(formatted, fromUri.ToFormattedString());
        var fromFs = Cpe.Parse(formatted);
        Assert.Equal(fromUri, fromFs);
        Assert.Equal(fromUri, Cpe.Parse(fromFs.ToUri()));
    }

    [Fact]
    public void FormattedStringBindsToPackedUri()
    {
        var cpe = Cpe.Parse("cpe:2.3:a:foo\\\\bar:big\\$money_manager_2010:*:*:*:*:special:ipod_touch:80gb:*");
        Assert.Equal("cpe:/a:foo%5cbar:big%24money_manager_2010:::~~special~ipod_touch~80gb~", cpe.ToUri());
        Assert.Equal("foo\\\\bar", cpe.Vendor.Text);
        Assert.Equal("foo\\bar", cpe.Vendor.Unquoted());
    }

    [Fact]
    public void WfnQuotesPunctuationAndKeepsNaAndAny()
    {
        var cpe = Cpe.Parse("cpe:2.3:h:tp-link:archer_ax21:-:*:*:*:*:*:*:*");
        Assert.Equal("tp\\-link", cpe.Vendor.Text);
        Assert.True(cpe.Version.IsNotApplicable);
        Assert.True(cpe[CpeField.Update].IsAny);
        Assert.Equal("cpe:/h:tp-link:archer_ax21:-", cpe.ToUri());
    }

    [Theory]
    [InlineData("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp1:*:*:*:*:*:*", CpeNameRelation.Superset)]
    [InlineData("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp1:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp1:*:*:*:*:*:*", CpeNameRelation.Equal)]
    [InlineData("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp1:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*", CpeNameRelation.Subset)]
    [InlineData("cpe:2.3:a:microsoft:internet_explorer:9.*:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:*:*:*:*:*:*:*", CpeNameRelation.Disjoint)]
    [InlineData("cpe:2.3:a:microsoft:internet_explorer:8.0:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:8.*:*:*:*:*:*:*:*", CpeNameRelation.Undefined)]
    [InlineData("cpe:2.3:a:microsoft:internet_explorer:*:-:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:8.0:*:*:*:*:*:*:*", CpeNameRelation.Mixed)]
    [InlineData("cpe:2.3:a:microsoft:internet_explorer:-:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:8.0:*:*:*:*:*:*:*", CpeNameRelation.Disjoint)]
    [InlineData("cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:-:*:*:*:*:*:*:*", CpeNameRelation.Superset)]
    [InlineData("cpe:2.3:a:microsoft:internet_explorer:??:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:10:*:*:*:*:*:*:*", CpeNameRelation.Superset)]
    [InlineData("cpe:2.3:a:microsoft:internet_explorer:??:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:100:*:*:*:*:*:*:*", CpeNameRelation.Disjoint)]
    [InlineData("cpe:2.3:a:microsoft:internet_explorer:*6001:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:*:*:*:*:*:*:*", CpeNameRelation.Superset)]
    [InlineData("cpe:2.3:a:microsoft:INTERNET_EXPLORER:*:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:8.0:*:*:*:*:*:*:*", CpeNameRelation.Superset)]
    public void NameMatchingFollowsNistir7696(string source, string target, CpeNameRelation expected) =>
        Assert.Equal(expected, Cpe.Parse(source).Compare(Cpe.Parse(target)));

    [Theory]
    [InlineData(CpeValueKind.Any, CpeValueKind.Any, CpeRelation.Equal)]
    [InlineData(CpeValueKind.Any, CpeValueKind.NotApplicable, CpeRelation.Superset)]
    [InlineData(CpeValueKind.NotApplicable, CpeValueKind.Any, CpeRelation.Subset)]
    [InlineData(CpeValueKind.NotApplicable, CpeValueKind.NotApplicable, CpeRelation.Equal)]
    [InlineData(CpeValueKind.NotApplicable, CpeValueKind.Value, CpeRelation.Disjoint)]
    [InlineData(CpeValueKind.Value, CpeValueKind.NotApplicable, CpeRelation.Disjoint)]
    [InlineData(CpeValueKind.Value, CpeValueKind.Any, CpeRelation.Subset)]
    [InlineData(CpeValueKind.Any, CpeValueKind.Value, CpeRelation.Superset)]
    public void AttributeTableOfNistir7696(CpeValueKind source, CpeValueKind target, CpeRelation expected)
    {
        Assert.Equal(expected, Cpe.CompareAttribute(Value(source), Value(target)));

        static CpeValue Value(CpeValueKind kind) => kind switch
        {
            CpeValueKind.Any => CpeValue.Any,
            CpeValueKind.NotApplicable => CpeValue.NotApplicable,
            _ => Cpe.Parse("cpe:2.3:a:v:p:1.0:*:*:*:*:*:*:*").Version,
        };
    }

    [Theory]
    [InlineData("")]
    [InlineData("cpe")]
    [InlineData("cpe:2.3:a:vendor")]
    [InlineData("cpe:2.3:a:v:p:1:*:*:*:*:*:*:*:extra")]
    [InlineData("cpe:2.3:x:v:p:1:*:*:*:*:*:*:*")]
    [InlineData("cpe:2.3:a:v:p:1*2:*:*:*:*:*:*:*")]
    [InlineData("cpe:2.3:a:v:p:1?2:*:*:*:*:*:*:*")]
    [InlineData("cpe:2.3:a:v:p:1\\:*:*:*:*:*:*:*")]
    [InlineData("cpe:2.3:a:v:p::*:*:*:*:*:*:*")]
    [InlineData("cpe:2.3:a:v:p:1 2:*:*:*:*:*:*:*")]
    [InlineData("cpe:/a:v:p:1:2:3:4:5")]
    [InlineData("cpe:/a:v:p:%zz")]
    [InlineData("cpe:/a:v:p:a b")]
    [InlineData("cpe:/a:v:p:1:2:~a~b")]
    public void MalformedNamesAreErrors(string text)
    {
        Assert.False(Cpe.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void HugeAndHostileInputIsRejectedQuickly()
    {
        Assert.False(Cpe.TryParse("cpe:2.3:a:" + new string(':', 1_000_000), out _, out _));
        Assert.False(Cpe.TryParse(null, out _, out _));
        Assert.False(Cpe.TryParse("cpe:2.3:a:v:p:\u0001:*:*:*:*:*:*:*", out _, out _));
        var source = Cpe.Parse("cpe:2.3:a:v:p:*" + new string('a', 4000) + ":*:*:*:*:*:*:*");
        var target = Cpe.Parse("cpe:2.3:a:v:p:" + new string('a', 4000) + "b:*:*:*:*:*:*:*");
        Assert.Equal(CpeNameRelation.Disjoint, source.Compare(target));
    }

    [Fact]
    public void EveryNvdCriteriaInTheFixturesParsesAndRoundTrips()
    {
        var count = 0;
        foreach (var path in Directory.EnumerateFiles(IdentityFixtures.Path("nvd"), "CVE-*.json"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            foreach (var criteria in Criteria(doc.RootElement))
            {
                Assert.True(Cpe.TryParse(criteria, out var cpe, out var error), $"{criteria}: {error}");
                Assert.Equal(criteria, cpe!.ToFormattedString());
                Assert.Equal(cpe, Cpe.Parse(cpe.ToUri()));
                count++;
            }
        }

        Assert.True(count > 50, $"only {count} criteria");
    }

    private static IEnumerable<string> Criteria(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject())
            {
                if (p.Name == "criteria" && p.Value.ValueKind == JsonValueKind.String)
                {
                    yield return p.Value.GetString()!;
                }
                else
                {
                    foreach (var c in Criteria(p.Value))
                    {
                        yield return c;
                    }
                }
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
            {
                foreach (var c in Criteria(item))
                {
                    yield return c;
                }
            }
        }
    }
}
