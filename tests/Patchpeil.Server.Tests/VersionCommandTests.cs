namespace Patchpeil.Server.Tests;

/// <summary>`patchpeil versions …` as a user runs it: the real executable, standard input in, lines out.</summary>
public class VersionCommandTests
{
    [Fact]
    public async Task CompareWritesOneAnswerPerLineAndNamesBadLines()
    {
        var result = await CliRunner.RunAsync("Data Source=unused.db", "1.0 1.0~rc1\n2:1.0 3.0\n1.2.3-1 1.2.3-1\njust-one\n7.4 7.10\n", "versions", "compare", "--scheme", "deb");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal(["1", "1", "0", "-1"], result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("line 4", result.Error);
    }

    [Fact]
    public async Task WindowsBuildsCompareNumerically()
    {
        var result = await CliRunner.RunAsync("Data Source=unused.db", "10.0.19045.4780 10.0.19045.4651\n10.0.19045.999 10.0.19045.4780\n", "versions", "compare", "--scheme", "windows");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["1", "-1"], result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task InRangeAnswersPerVersion()
    {
        var result = await CliRunner.RunAsync("Data Source=unused.db", "1.5\n2.0\n0.9\n1.0\n", "versions", "in-range", "--scheme", "deb", "vers:deb/>=1.0|<2.0");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["true", "false", "false", "true"], result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task UnknownSchemeIsAnError()
    {
        var result = await CliRunner.RunAsync("Data Source=unused.db", "1 2\n", "versions", "compare", "--scheme", "cobol");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown scheme 'cobol'", result.Error);
    }
}

public class InventoryCommandTests
{
    [Fact]
    public async Task IdentifyMapsCommonSchoolSoftware()
    {
        var result = await CliRunner.RunAsync("Data Source=unused.db", "Mozilla Firefox (x64 nl)\t133.0.3\tMozilla\nWindows 10 Education\t10.0.22631.4460\tMicrosoft Corporation\nOnbekend Programma\t1.0\t\n", "inventory", "identify");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            ["cpe:2.3:a:mozilla:firefox:133.0.3:*:*:*:*:*:*:*\tgeneric\tfirefox\t133", "cpe:2.3:o:microsoft:windows_11_23h2:10.0.22631.4460:*:*:*:*:*:*:*\twindows\twindows\t11-23h2-e", "unmapped"],
            result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
