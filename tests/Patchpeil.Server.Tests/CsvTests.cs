using Patchpeil.Server.Web;

namespace Patchpeil.Server.Tests;

public class CsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+31 6", "'+31 6")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData(null, "")]
    public void CellsAreQuotedAndFormulasNeutralised(string? value, string expected) => Assert.Equal(expected, Csv.Cell(value));
}
