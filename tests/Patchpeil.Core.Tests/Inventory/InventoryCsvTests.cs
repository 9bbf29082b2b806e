using System.Text;
using Patchpeil.Core.Inventory;

namespace Patchpeil.Core.Tests.Inventory;

public class InventoryCsvTests
{
    private static InventoryCsvResult Read(string text, int maxRows = InventoryCsv.DefaultMaxRows, int maxBytes = InventoryCsv.DefaultMaxBytes) =>
        InventoryCsv.Read(Encoding.UTF8.GetBytes(text), maxRows, maxBytes);

    [Fact]
    public void DutchExcelFileWithBomAndSemicolonsIsRead()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(
            "School;Hostname;Soort;Besturingssysteem;OSversie;Softwarenaam;Versie;Leverancier;Serienummer\r\n" +
            "12AB;lok12-pc03;apparaat;Windows 11 Education;10.0.22631.4460;\"Mozilla Firefox (x64 nl)\";133.0.3;Mozilla;5CG1\r\n" +
            "12AB;lok12-pc03;;;;7-Zip 23.01 (x64);23.01;Igor Pavlov;\r\n")).ToArray();
        var result = InventoryCsv.Read(bytes);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(';', result.Separator);
        Assert.Equal(2, result.Rows.Count);
        var first = result.Rows[0];
        Assert.Equal((2, "12AB", "lok12-pc03", "lok12-pc03", "Device", "Windows 11 Education", "10.0.22631.4460", "Mozilla Firefox (x64 nl)", "133.0.3", "Mozilla", "5CG1"),
            (first.Line, first.School, first.Name, first.Hostname, first.Kind, first.OperatingSystem, first.OperatingSystemVersion, first.Software, first.Version, first.Publisher, first.Serial));
        Assert.Equal(3, result.Rows[1].Line);
    }

    [Fact]
    public void EnglishHeadersCommasAndQuotedFieldsWithSeparatorsAndQuotes()
    {
        var result = Read("hostname,kind,software,version,publisher\nsrv-01,server,\"Apache HTTP Server, \"\"mod_ssl\"\"\",2.4.62,\"The Apache Software Foundation\"\n");
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(',', result.Separator);
        Assert.Equal("Apache HTTP Server, \"mod_ssl\"", result.Rows.Single().Software);
        Assert.Equal("Server", result.Rows.Single().Kind);
    }

    [Fact]
    public void BadRowsAreNamedByLineAndColumnAndGoodRowsAreKept()
    {
        var result = Read(
            "hostname;soort;softwarenaam;versie\n" +
            "pc-1;apparaat;VLC media player;3.0.21\n" +
            "pc 2;apparaat;VLC media player;3.0.21\n" +
            "pc-3;koffiezetapparaat;;\n" +
            "pc-4;apparaat;;3.0\n" +
            "pc-5;apparaat\n" +
            "pc-1;server;;\n" +
            ";;Zoom;6.0\n");
        Assert.Equal(["pc-1"], result.Rows.Select(r => r.Hostname));
        Assert.Equal(
            [
                "line 3, column 'hostname': 'pc 2' is not a host name (letters, digits, hyphens and dots)",
                "line 4, column 'soort': 'koffiezetapparaat' is not a kind; use apparaat/device, server, database, applicatie/application, saas or netwerkapparaat/networkdevice",
                "line 5, column 'softwarenaam': a version or publisher needs the software's name",
                "line 6: 2 fields where the header has 4 (is a separator missing, or a ';' inside a value without quotes?)",
                "line 7, column 'soort': 'Server' differs from line 2 for the same asset",
                "line 8: needs a host name or a name",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void LineNumbersCountLineBreaksInsideQuotedFields()
    {
        var result = Read("naam,softwarenaam\n\"Lokaal\n12\",x\nbad host,\"\"\n,y\n");
        Assert.Equal("line 2, column 'naam': contains a line break or other control character", result.Errors[0].ToString());
        Assert.Equal("line 5: needs a host name or a name", result.Errors[1].ToString());
        Assert.Equal("bad host", result.Rows.Single().Name);
    }

    [Theory]
    [InlineData("hostname;unknown\npc;1\n", "line 1, column 'unknown': unknown column")]
    [InlineData("hostname;hostnaam\npc;pc\n", "line 1, column 'hostnaam': the same column as 'hostname'")]
    [InlineData("softwarenaam;versie\nx;1\n", "line 1: a column 'hostname' or 'naam'/'name' is required")]
    [InlineData("   \n", "the file is empty")]
    [InlineData("hostname\n\"pc-1\n", "line 2: quoted field opened on line 2 is never closed")]
    public void FileLevelProblemsAreClear(string text, string expected)
    {
        var result = Read(text);
        Assert.False(result.IsValid);
        Assert.StartsWith(expected, result.Errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void LimitsOnBytesAndRowsRefuseTheFileWithTheLimit()
    {
        var big = Read("hostname\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"pc-{i}\n")), maxBytes: 500);
        Assert.Empty(big.Rows);
        Assert.Contains("at most 500 bytes", big.Errors.Single().Message, StringComparison.Ordinal);

        var many = Read("hostname\n" + string.Concat(Enumerable.Range(0, 11).Select(i => $"pc-{i}\n")), maxRows: 10);
        Assert.Empty(many.Rows);
        Assert.Equal("more than 10 rows; split the file into several files", many.Errors.Single().Message);

        var longField = Read("hostname,softwarenaam\npc-1," + new string('x', 501) + "\n");
        Assert.Equal("line 2, column 'softwarenaam': longer than 500 characters", longField.Errors.Single().ToString());
    }

    [Fact]
    public void NonUtf8IsRefusedWithTheLineAndAHint()
    {
        var latin1 = Encoding.Latin1.GetBytes("hostname;softwarenaam\npc-1;Caf\u00e9 app\n");
        var result = InventoryCsv.Read(latin1);
        Assert.Empty(result.Rows);
        Assert.StartsWith("the file is not UTF-8 (first bad byte on line 2)", result.Errors.Single().Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nl", ';', "school;naam;hostname;soort;besturingssysteem;osversie;softwarenaam;versie;leverancier;serienummer")]
    [InlineData("en", ',', "school,name,hostname,kind,os,osversion,software,version,publisher,serial")]
    public void TemplatesReadBackWithoutErrors(string language, char separator, string header)
    {
        var template = InventoryCsv.Template(language);
        Assert.True(template.AsSpan().StartsWith(Encoding.UTF8.Preamble));
        Assert.StartsWith(header + "\r\n", Encoding.UTF8.GetString(template.AsSpan(3)), StringComparison.Ordinal);
        var result = InventoryCsv.Read(template);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(separator, result.Separator);
        Assert.Equal(2, result.Rows.Count);
        Assert.All(result.Rows, r => Assert.Equal("Device", r.Kind));
    }
}
