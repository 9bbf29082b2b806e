using System.IO.Compression;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.Epss;

namespace Patchpeil.Core.Tests.Feeds;

public class EpssReaderTests
{
    [Fact]
    public async Task FormatExampleParses()
    {
        await using var s = Fixtures.Open("epss", "epss-format-example.csv");
        var snapshot = await EpssReader.ReadAsync(s, Fixtures.FetchedAt, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Empty(snapshot.Scores.Quarantined);
        Assert.Equal(3, snapshot.Scores.Items.Count);
        Assert.Equal("v2026.06.15", snapshot.ModelVersion);
        Assert.Equal(new DateTimeOffset(2026, 8, 20, 12, 3, 7, TimeSpan.Zero), snapshot.ScoreDate);
        Assert.Equal(new EpssScore("CVE-1999-0006", 0.119m, 0.95776m), snapshot.Scores.Items[2]);
        Assert.Equal("v2026.06.15", snapshot.Provenance.Revision);
        Assert.Equal(Provenance.Sha256Hex(Fixtures.Bytes("epss", "epss-format-example.csv")), snapshot.Provenance.ContentSha256);
    }

    [Fact]
    public async Task GzipIsDetectedByMagicBytesAndHashCoversTheCompressedBytes()
    {
        var plain = Fixtures.Bytes("epss", "epss-format-example.csv");
        using var gz = new MemoryStream();
        await using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            await zip.WriteAsync(plain, TestContext.Current.CancellationToken);
        }

        var compressed = gz.ToArray();
        var snapshot = await EpssReader.ReadAsync(new MemoryStream(compressed), Fixtures.FetchedAt, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(3, snapshot.Scores.Items.Count);
        Assert.Equal(Provenance.Sha256Hex(compressed), snapshot.Provenance.ContentSha256);
    }

    [Fact]
    public async Task ACutOffGzipIsReportedAsIncompleteAndRowsAreStreamedInBatches()
    {
        var csv = new System.Text.StringBuilder("cve,epss,percentile\n");
        for (var i = 0; i < 50_000; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"CVE-2024-{10000 + i},0.{i % 1000:000},0.5\n");
        }

        using var gz = new MemoryStream();
        await using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            await zip.WriteAsync(Fixtures.Utf8(csv.ToString()), TestContext.Current.CancellationToken);
        }

        var whole = gz.ToArray();
        var batches = new List<int>();
        var complete = await EpssReader.ReadAsync(new MemoryStream(whole), Fixtures.FetchedAt, (b, _) =>
        {
            batches.Add(b.Scores.Count);
            return ValueTask.CompletedTask;
        }, 20_000, cancellationToken: TestContext.Current.CancellationToken);
        Assert.False(complete.Incomplete);
        Assert.Equal([20_000, 20_000, 10_000], batches);
        Assert.Empty(complete.Scores.Items);

        var cut = await EpssReader.ReadAsync(new MemoryStream(whole[..(whole.Length * 2 / 3)]), Fixtures.FetchedAt, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(cut.Incomplete);
        Assert.Contains(cut.Scores.Quarantined, q => q.Reasons.Any(r => r.Message.Contains("truncated", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task BadRowsAreQuarantinedWithTheirLine()
    {
        var csv = "#model_version:v2025.03.14,score_date:2025-08-01T00:00:00+0000\ncve,epss,percentile\nCVE-2024-0001,0.5,0.9\nCVE-2024-0002,1,5,0.2\nnope,0.1,0.1\nCVE-2024-0003,1.5,0.1\nCVE-2024-0004,0.00043,0.1\n";
        var snapshot = await EpssReader.ReadAsync(new MemoryStream(Fixtures.Utf8(csv)), Fixtures.FetchedAt, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["CVE-2024-0001", "CVE-2024-0004"], snapshot.Scores.Items.Select(x => x.CveId));
        Assert.Equal(["line 4", "line 5", "line 6"], snapshot.Scores.Quarantined.Select(q => q.Reasons[0].Path));
    }

    [Fact]
    public async Task WrongHeaderIsRefused()
    {
        var snapshot = await EpssReader.ReadAsync(new MemoryStream(Fixtures.Utf8("cve,score\nCVE-2024-0001,0.1\n")), Fixtures.FetchedAt, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Empty(snapshot.Scores.Items);
        Assert.True(Assert.Single(snapshot.Scores.Quarantined).HasCode(FeedReasonCodes.CsvSyntax));
    }

    [Fact]
    public async Task OversizedStreamStopsAtTheLimit()
    {
        var rows = string.Concat(Enumerable.Range(0, 5000).Select(i => $"CVE-2024-{i + 10000},0.1,0.2\n"));
        var options = new FeedReadOptions { MaxBytes = 10_000 };
        var snapshot = await EpssReader.ReadAsync(new NonSeekable(Fixtures.Utf8("cve,epss,percentile\n" + rows)), Fixtures.FetchedAt, options, TestContext.Current.CancellationToken);

        Assert.Contains(snapshot.Scores.Quarantined, q => q.HasCode(FeedReasonCodes.TooLarge));
        Assert.True(snapshot.Scores.Items.Count < 5000);
    }

    private sealed class NonSeekable(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
