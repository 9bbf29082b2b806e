using System.Text;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.Csaf;
using Patchpeil.Core.Feeds.Cve5;
using Patchpeil.Core.Feeds.EndOfLife;
using Patchpeil.Core.Feeds.Epss;
using Patchpeil.Core.Feeds.Kev;
using Patchpeil.Core.Feeds.Nvd;
using Patchpeil.Core.Feeds.Osv;

namespace Patchpeil.Core.Tests.Feeds;

/// <summary>Every reader refuses bad input with a reason and never throws.</summary>
public class HostileInputTests
{
    private delegate Task<IReadOnlyList<Quarantined>> Reader(Stream input, FeedReadOptions? options);

    private static readonly Dictionary<string, Reader> Readers = new(StringComparer.Ordinal)
    {
        ["csaf"] = async (s, o) => (await CsafReader.ReadAsync(s, "x", Fixtures.FetchedAt, o, cancellationToken: TestContext.Current.CancellationToken)).Quarantined,
        ["osv"] = async (s, o) => (await OsvReader.ReadAsync(s, "x", Fixtures.FetchedAt, o, TestContext.Current.CancellationToken)).Quarantined,
        ["cve5"] = async (s, o) => (await Cve5Reader.ReadAsync(s, "x", Fixtures.FetchedAt, o, TestContext.Current.CancellationToken)).Quarantined,
        ["nvd"] = async (s, o) => (await NvdReader.ReadPageAsync(s, Fixtures.FetchedAt, o, TestContext.Current.CancellationToken)).Vulnerabilities.Quarantined,
        ["kev"] = async (s, o) => (await KevReader.ReadJsonAsync(s, Fixtures.FetchedAt, o, TestContext.Current.CancellationToken)).Entries.Quarantined,
        ["endoflife"] = async (s, o) => (await EndOfLifeReader.ReadProductAsync(s, "x", Fixtures.FetchedAt, o, TestContext.Current.CancellationToken)).Quarantined,
    };

    public static TheoryData<string> ReaderNames() => [.. Readers.Keys];

    [Theory]
    [MemberData(nameof(ReaderNames))]
    public async Task MalformedJsonReportsLineAndPosition(string reader)
    {
        var q = await Readers[reader](new MemoryStream(Fixtures.Utf8("{\n  \"a\": 1,\n  \"b\": tru\n}")), null);

        var reason = Assert.Single(Assert.Single(q).Reasons);
        Assert.Equal(FeedReasonCodes.JsonSyntax, reason.Code);
        Assert.Contains("line 3", reason.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ReaderNames))]
    public async Task TruncatedJsonIsNamedSo(string reader)
    {
        var q = await Readers[reader](new MemoryStream(Fixtures.Utf8("{\n  \"vulnerabilities\": [\n    {\"cve\": {\"id\": \"CVE-2024-")), null);

        Assert.Contains(q, x => x.HasCode(FeedReasonCodes.JsonTruncated));
    }

    [Theory]
    [MemberData(nameof(ReaderNames))]
    public async Task HundredMegabyteInputIsRefusedBeforeReading(string reader)
    {
        var huge = new VirtualStream(100L * 1024 * 1024);
        var q = await Readers[reader](huge, null);

        var reason = Assert.Single(Assert.Single(q).Reasons);
        Assert.Equal(FeedReasonCodes.TooLarge, reason.Code);
        Assert.Equal(0, huge.BytesRead);
    }

    [Theory]
    [MemberData(nameof(ReaderNames))]
    public async Task OversizedUnseekableInputStopsAtTheLimit(string reader)
    {
        var huge = new VirtualStream(100L * 1024 * 1024, seekable: false);
        var q = await Readers[reader](huge, new FeedReadOptions { MaxBytes = 1024 * 1024 });

        Assert.Contains(q, x => x.HasCode(FeedReasonCodes.TooLarge));
        Assert.InRange(huge.BytesRead, 1024 * 1024, 2 * 1024 * 1024);
    }

    [Theory]
    [MemberData(nameof(ReaderNames))]
    public async Task TenThousandLevelsDeepIsRefused(string reader)
    {
        var deep = "{\"a\":" + new string('[', 10_000) + new string(']', 10_000) + "}";
        var q = await Readers[reader](new MemoryStream(Fixtures.Utf8(deep)), null);

        var reason = Assert.Single(Assert.Single(q).Reasons);
        Assert.Equal(FeedReasonCodes.JsonDepth, reason.Code);
    }

    [Theory]
    [MemberData(nameof(ReaderNames))]
    public async Task EmptyInputIsRefused(string reader)
    {
        var q = await Readers[reader](new MemoryStream(), null);

        Assert.NotEmpty(Assert.Single(q).Reasons);
    }

    [Fact]
    public async Task EpssGarbageGzipIsReportedNotThrown()
    {
        var bytes = new byte[] { 0x1F, 0x8B, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        var snapshot = await EpssReader.ReadAsync(new MemoryStream(bytes), Fixtures.FetchedAt, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Empty(snapshot.Scores.Items);
        Assert.NotEmpty(snapshot.Scores.Quarantined);
    }

    [Fact]
    public async Task EpssHundredMegabytesIsRefusedBeforeReading()
    {
        var huge = new VirtualStream(100L * 1024 * 1024);
        var snapshot = await EpssReader.ReadAsync(huge, Fixtures.FetchedAt, cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(Assert.Single(snapshot.Scores.Quarantined).HasCode(FeedReasonCodes.TooLarge));
        Assert.Equal(0, huge.BytesRead);
    }

    [Fact]
    public void KevCsvWithUnclosedQuoteKeepsEarlierRows()
    {
        var csv = Encoding.UTF8.GetString(Fixtures.Bytes("kev", "known_exploited_vulnerabilities.csv"));
        var lines = csv.Split('\n');
        var broken = string.Join('\n', lines.Take(11)) + "\nCVE-2024-9999,\"Acme,never closed\n";
        var result = KevReader.ReadCsv(Fixtures.Utf8(broken), Fixtures.FetchedAt).Entries;

        Assert.Equal(10, result.Items.Count);
        Assert.True(Assert.Single(result.Quarantined).HasCode(FeedReasonCodes.CsvSyntax));
    }

    /// <summary>A stream that claims a length and produces whitespace lazily; counts what was read.</summary>
    private sealed class VirtualStream(long length, bool seekable = true) : Stream
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - BytesRead);
            Array.Fill(buffer, (byte)' ', offset, n);
            BytesRead += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => seekable;
        public override bool CanWrite => false;
        public override long Length => seekable ? length : throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
