using Patchpeil.Core.Feeds;

namespace Patchpeil.Core.Tests.Feeds;

public class ScoreChoiceTests
{
    private static ScoreCandidate S(ScoreOrigin origin, string version, decimal? score, string? scorer = null) =>
        new(origin, version, $"CVSS:{version}/AV:N", score, scorer);

    [Fact]
    public void VendorOrCsirtCsafComesBeforeCnaBeforeNvdPrimaryBeforeNvdSecondary()
    {
        var nvdSecondary = S(ScoreOrigin.NvdSecondary, "4.0", 9.9m);
        var nvdPrimary = S(ScoreOrigin.NvdPrimary, "3.1", 9.8m);
        var cna = S(ScoreOrigin.Cna, "3.1", 7.5m);
        var csaf = S(ScoreOrigin.Csaf, "3.0", 5.0m);

        Assert.Equal(csaf, ScoreChoice.Choose([nvdSecondary, nvdPrimary, cna, csaf]));
        Assert.Equal(cna, ScoreChoice.Choose([nvdSecondary, nvdPrimary, cna]));
        Assert.Equal(nvdPrimary, ScoreChoice.Choose([nvdSecondary, nvdPrimary]));
        Assert.Equal(nvdSecondary, ScoreChoice.Choose([S(ScoreOrigin.Osv, "4.0", 10m), nvdSecondary]));
    }

    [Fact]
    public void WithinASourceTheNewestCvssVersionWins()
    {
        var v2 = S(ScoreOrigin.Cna, "2.0", 7.5m);
        var v31 = S(ScoreOrigin.Cna, "3.1", 7.3m);
        var v40 = S(ScoreOrigin.Cna, "4.0", 6.9m);
        Assert.Equal(v40, ScoreChoice.Choose([v2, v31, v40]));
        Assert.Equal(v31, ScoreChoice.Choose([v2, v31]));
    }

    [Fact]
    public void TiesGoToAScoredVectorThenTheHigherScoreThenTheScorerName()
    {
        var bare = S(ScoreOrigin.Csaf, "3.1", null, "A");
        var low = S(ScoreOrigin.Csaf, "3.1", 5.0m, "A");
        var high = S(ScoreOrigin.Csaf, "3.1", 8.1m, "B");
        var highOther = S(ScoreOrigin.Csaf, "3.1", 8.1m, "A");
        Assert.Equal(low, ScoreChoice.Choose([bare, low]));
        Assert.Equal(high, ScoreChoice.Choose([low, high]));
        Assert.Equal(highOther, ScoreChoice.Choose([high, highOther]));
        Assert.Equal(highOther, ScoreChoice.Choose([highOther, high]));
    }

    [Fact]
    public void NothingToChooseGivesNull()
    {
        Assert.Null(ScoreChoice.Choose([]));
        Assert.Null(ScoreChoice.Choose([new ScoreCandidate(ScoreOrigin.Csaf, "3.1", null, null, "x")]));
    }

    [Theory]
    [InlineData("4.0", 40)]
    [InlineData("3.1", 31)]
    [InlineData("CVSS_V3", 30)]
    [InlineData("CVSS:3.1/AV:N/AC:L", 31)]
    [InlineData("", 0)]
    [InlineData("Ubuntu", 0)]
    public void VersionsRankNumerically(string version, int rank) => Assert.Equal(rank, ScoreChoice.VersionRank(version));
}
