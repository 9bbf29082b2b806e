using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Patchpeil.Core.Feeds.Epss;

/// <summary>One EPSS score. Scores are only comparable within one <see cref="EpssSnapshot.ModelVersion"/>.</summary>
public sealed record EpssScore(string CveId, decimal Epss, decimal Percentile);

/// <summary>A daily EPSS file. <see cref="Provenance"/> covers every score in it (revision = model version).</summary>
public sealed record EpssSnapshot(string? ModelVersion, DateTimeOffset? ScoreDate, ParseResult<EpssScore> Scores, Provenance Provenance)
{
    /// <summary>True when the input ended early (corrupt gzip, size limit): rows after that point were not read.</summary>
    public bool Incomplete { get; init; }
}

/// <summary>Rows handed out while streaming, with the header values read before them.</summary>
public sealed record EpssBatch(string? ModelVersion, DateTimeOffset? ScoreDate, IReadOnlyList<EpssScore> Scores);

/// <summary>
/// Streams the FIRST EPSS daily CSV (plain or gzip, detected by the 1F 8B magic bytes): an optional comment line
/// <c>#model_version:…,score_date:…</c>, the header <c>cve,epss,percentile</c>, then one row per CVE. Rows are read one at a
/// time; only the parsed scores are kept. A bad row is quarantined with its line number.
/// </summary>
public static class EpssReader
{
    public static async Task<EpssSnapshot> ReadAsync(Stream stream, DateTimeOffset fetchedAt, FeedReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var items = new List<EpssScore>();
        var snapshot = await ReadAsync(stream, fetchedAt, (batch, _) =>
        {
            items.AddRange(batch.Scores);
            return ValueTask.CompletedTask;
        }, 4096, options, cancellationToken);
        return snapshot with { Scores = new ParseResult<EpssScore>(items, snapshot.Scores.Quarantined) };
    }

    /// <summary>
    /// Streams the rows to <paramref name="onBatch"/> in batches of <paramref name="batchSize"/>, keeping none of them: memory
    /// stays flat however long the file is. The returned snapshot has no items, only the quarantine and the provenance.
    /// </summary>
    public static async Task<EpssSnapshot> ReadAsync(Stream stream, DateTimeOffset fetchedAt, Func<EpssBatch, CancellationToken, ValueTask> onBatch, int batchSize, FeedReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onBatch);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        options ??= FeedReadOptions.Default;
        const string documentId = "epss";
        if (stream.CanSeek && stream.Length - stream.Position > options.MaxBytes)
        {
            return Refused(documentId, JsonInput.TooLarge(stream.Length - stream.Position, options), "", fetchedAt);
        }

        using var raw = new LimitedHashingStream(stream, options.MaxBytes);
        var magic = new byte[2];
        var got = await raw.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, cancellationToken);
        Stream content = new PrefixedStream(magic.AsMemory(0, got), raw);
        if (got == 2 && magic[0] == 0x1F && magic[1] == 0x8B)
        {
            // The decompressed size gets the same limit, so a small gzip bomb cannot grow unbounded.
            content = new LimitedHashingStream(new GZipStream(content, CompressionMode.Decompress), options.MaxBytes);
        }

        using var text = new StreamReader(content, Encoding.UTF8);
        string? modelVersion = null;
        DateTimeOffset? scoreDate = null;
        var items = new List<EpssScore>(batchSize);
        var quarantined = new List<Quarantined>();
        var incomplete = false;
        var lineNo = 0L;
        var headerSeen = false;
        var index = 0;
        try
        {
            while (await text.ReadLineAsync(cancellationToken) is { } line)
            {
                lineNo++;
                var where = string.Create(CultureInfo.InvariantCulture, $"line {lineNo}");
                if (line.Length == 0)
                {
                    continue;
                }

                if (line[0] == '#')
                {
                    foreach (var part in line[1..].Split(',', StringSplitOptions.TrimEntries))
                    {
                        var colon = part.IndexOf(':', StringComparison.Ordinal);
                        if (colon < 0)
                        {
                            continue;
                        }

                        var key = part[..colon];
                        var value = part[(colon + 1)..];
                        if (key == "model_version")
                        {
                            modelVersion = value;
                        }
                        else if (key == "score_date" && JsonFields.TryParseTime(value, out var d))
                        {
                            scoreDate = d;
                        }
                    }

                    continue;
                }

                if (!headerSeen)
                {
                    if (!string.Equals(line.Trim(), "cve,epss,percentile", StringComparison.Ordinal))
                    {
                        return Refused(documentId, new QuarantineReason(FeedReasonCodes.CsvSyntax, where, "expected the header 'cve,epss,percentile'"), raw.Sha256Hex(), fetchedAt);
                    }

                    headerSeen = true;
                    continue;
                }

                var fields = line.Split(',');
                string? problem = null;
                decimal epss = 0, percentile = 0;
                if (fields.Length != 3)
                {
                    problem = string.Create(CultureInfo.InvariantCulture, $"expected 3 fields, found {fields.Length}");
                }
                else if (!Kev.KevReader.IsCveId(fields[0]))
                {
                    problem = $"not a CVE id: '{JsonFields.Shorten(fields[0])}'";
                }
                else if (!TryProbability(fields[1], out epss) || !TryProbability(fields[2], out percentile))
                {
                    problem = "epss and percentile must be decimals between 0 and 1";
                }

                if (problem is null)
                {
                    items.Add(new EpssScore(fields[0].Trim(), epss, percentile));
                    if (items.Count >= batchSize)
                    {
                        await onBatch(new EpssBatch(modelVersion, scoreDate, items), cancellationToken);
                        items = new List<EpssScore>(batchSize);
                    }
                }
                else
                {
                    quarantined.Add(new Quarantined(documentId, index, [new QuarantineReason(FeedReasonCodes.CsvSyntax, where, problem)]));
                }

                index++;
            }
        }
        catch (InvalidDataException e)
        {
            incomplete = true;
            quarantined.Add(new Quarantined(documentId, null, [new QuarantineReason(FeedReasonCodes.CsvSyntax, "", "gzip data is corrupt: " + e.Message)]));
        }

        if (!incomplete && content is LimitedHashingStream { LimitExceeded: false } inflated && !raw.LimitExceeded)
        {
            // GZipStream reports a cut-off stream as a normal end: the member's size trailer tells a complete file apart.
            await raw.CopyToAsync(Stream.Null, cancellationToken);
            var tail = raw.Tail;
            if (tail.Length < 8 || BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]) != (uint)inflated.BytesRead)
            {
                incomplete = true;
                quarantined.Add(new Quarantined(documentId, null, [new QuarantineReason(FeedReasonCodes.CsvSyntax, "", "gzip data is truncated: the size in its trailer does not match the data")]));
            }
        }

        if (items.Count > 0)
        {
            await onBatch(new EpssBatch(modelVersion, scoreDate, items), cancellationToken);
        }

        if (raw.LimitExceeded || content is LimitedHashingStream { LimitExceeded: true })
        {
            incomplete = true;
            quarantined.Add(new Quarantined(documentId, null, [JsonInput.TooLarge(options.MaxBytes, options, atLeast: true) with { Message = "input exceeds the limit; rows after the limit were not read" }]));
        }

        var provenance = new Provenance(FeedSource.Epss, documentId, modelVersion, scoreDate, raw.Sha256Hex(), fetchedAt);
        return new EpssSnapshot(modelVersion, scoreDate, new ParseResult<EpssScore>([], quarantined), provenance) { Incomplete = incomplete };
    }

    private static bool TryProbability(string s, out decimal value) =>
        decimal.TryParse(s, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value) && value is >= 0 and <= 1;

    private static EpssSnapshot Refused(string documentId, QuarantineReason reason, string sha, DateTimeOffset fetchedAt) =>
        new(null, null, ParseResult.Refused<EpssScore>(new Quarantined(documentId, null, [reason])),
            new Provenance(FeedSource.Epss, documentId, null, null, sha, fetchedAt))
        { Incomplete = true };
}
