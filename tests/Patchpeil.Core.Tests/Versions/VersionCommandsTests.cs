using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Versions;

public class VersionCommandsTests
{
    private static (int Exit, string Output, string Error) Run(VersionSchemeKind kind, string input)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = VersionCommands.Compare(VersionSchemes.Get(kind), new StringReader(input), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void WritesOneResultPerLine()
    {
        var (exit, output, error) = Run(VersionSchemeKind.Deb, "1.0 1.1\n2:1 1:9\t\n  1.0-0   1.0\n");
        Assert.Equal(0, exit);
        Assert.Equal("-1\n1\n0\n", output.ReplaceLineEndings("\n"));
        Assert.Empty(error);
    }

    [Fact]
    public void BadLinesGoToErrorAndTheRunContinues()
    {
        var (exit, output, error) = Run(VersionSchemeKind.Deb, "1.0\n\n1.0 a:1\n1 2 3\n1.0 2.0\n");
        Assert.Equal(2, exit);
        Assert.Equal("-1\n", output.ReplaceLineEndings("\n"));
        Assert.Equal(
            "line 1: expected two versions separated by whitespace\n" +
            "line 2: expected two versions separated by whitespace\n" +
            "line 3: 'a:1': epoch in version is not number\n" +
            "line 4: more than two fields\n",
            error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void UnknownSchemeSaysUnordered()
    {
        var (exit, output, _) = Run(VersionSchemeKind.Unknown, "abc abc\nabc abd\n");
        Assert.Equal(0, exit);
        Assert.Equal("0\nunordered\n", output.ReplaceLineEndings("\n"));
    }
}
