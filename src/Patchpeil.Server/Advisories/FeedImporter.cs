using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.Csaf;
using Patchpeil.Core.Feeds.Cve5;
using Patchpeil.Core.Feeds.EndOfLife;
using Patchpeil.Core.Feeds.Epss;
using Patchpeil.Core.Feeds.Kev;
using Patchpeil.Core.Feeds.Nvd;
using Patchpeil.Core.Feeds.Osv;
using Patchpeil.Server.Data;
using Patchpeil.Server.Lifecycle;

namespace Patchpeil.Server.Advisories;

/// <summary>What one file (or zip entry) brought: counts and the reasons for everything not accepted.</summary>
public sealed record FileImportSummary(string FileName, FeedSource? Kind, int Added, int Changed, int Unchanged, IReadOnlyList<string> Quarantined, string? Note = null)
{
    public override string ToString()
    {
        var kind = Kind?.ToString() ?? "-";
        var line = string.Create(CultureInfo.InvariantCulture, $"{FileName} [{kind}]: added {Added}, changed {Changed}, unchanged {Unchanged}, quarantined {Quarantined.Count}");
        return Note is null ? line : $"{line} ({Note})";
    }
}

public sealed record ImportSummary(IReadOnlyList<FileImportSummary> Files)
{
    public int Added => Files.Sum(f => f.Added);
    public int Changed => Files.Sum(f => f.Changed);
    public int Unchanged => Files.Sum(f => f.Unchanged);
    public int Quarantined => Files.Sum(f => f.Quarantined.Count);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Files.Count} file(s): added {Added}, changed {Changed}, unchanged {Unchanged}, quarantined {Quarantined}");
}

/// <summary>Limits for offline imports; the defaults stop zip bombs long before they hurt.</summary>
public sealed record FeedImportLimits
{
    public long MaxFileBytes { get; init; } = 64L * 1024 * 1024;
    public long MaxZipTotalBytes { get; init; } = 512L * 1024 * 1024;
    public int MaxZipEntries { get; init; } = 100_000;

    /// <summary>
    /// KEV and EPSS rows go through the set-based bulk path (staging table, COPY on PostgreSQL). False selects the older
    /// change-tracker path, kept so tests can prove both write the same rows.
    /// </summary>
    public bool BulkWrites { get; init; } = true;

    /// <summary>Rows handed from a streaming parser to the database at a time.</summary>
    public int BatchRows { get; init; } = 5_000;

    /// <summary>
    /// Advisory records handed to the batch writer at a time. Smaller than <see cref="BatchRows"/>: a batch of OSV
    /// records holds their raw bytes and parsed children until it is written, and at 5,000 records (≈ 75 MB) those
    /// survived several collections; 1,000 cost the same CPU and kept the peak at ≈ 380 MB instead of ≈ 570 MB.
    /// </summary>
    public int AdvisoryBatchRows { get; init; } = 1_000;
}

/// <summary>
/// Offline import of feed files (a file, a folder or a zip): detects the kind, runs the Core parser and writes each file in
/// one transaction, so a file is imported completely or not at all. Anything not accepted is quarantined with its reasons.
/// </summary>
public sealed partial class FeedImporter(PatchpeilDbContext db, TimeProvider time, FeedImportLimits? limits = null, Findings.IFindingsJobs? findings = null)
{
    private readonly FeedImportLimits _limits = limits ?? new FeedImportLimits();

    private static readonly string[] FeedExtensions = [".json", ".csv", ".gz"];

    public static FeedSource? ParseSource(string? text) => text?.ToUpperInvariant() switch
    {
        null or "" => null,
        "CSAF" => FeedSource.Csaf,
        "OSV" => FeedSource.Osv,
        "NVD" => FeedSource.Nvd,
        "CVE5" => FeedSource.Cve5,
        "KEV" => FeedSource.Kev,
        "EPSS" => FeedSource.Epss,
        "EOL" or "ENDOFLIFE" => FeedSource.EndOfLife,
        "SOFA" => FeedSource.Sofa,
        "GDMF" => FeedSource.Gdmf,
        "CHROMEOS" or "VERSIONHISTORY" => FeedSource.ChromeVersions,
        _ => throw new ArgumentException($"Unknown source '{text}': use csaf, osv, nvd, cve5, kev, epss, eol, sofa, gdmf or chromeos.", nameof(text)),
    };

    /// <summary>Imports a file, every feed file under a folder (recursively, in name order), or a zip.</summary>
    public async Task<ImportSummary> ImportPathAsync(string path, FeedSource? source = null, CancellationToken cancellationToken = default)
    {
        var results = new List<FileImportSummary>();
        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => FeedExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase) || IsZip(f))
                .Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                results.AddRange(await ImportFileAsync(file, Path.GetRelativePath(path, file), source, cancellationToken));
            }
        }
        else if (File.Exists(path))
        {
            results.AddRange(await ImportFileAsync(path, Path.GetFileName(path), source, cancellationToken));
        }
        else
        {
            throw new FileNotFoundException($"No such file or folder: {path}", path);
        }

        return new ImportSummary(results);
    }

    /// <summary>Imports one uploaded file (a feed file or a zip).</summary>
    public async Task<ImportSummary> ImportStreamAsync(string fileName, Stream content, FeedSource? source = null, CancellationToken cancellationToken = default)
    {
        if (IsZip(fileName))
        {
            return new ImportSummary(await ImportZipAsync(content, fileName, source, cancellationToken));
        }

        var (peeked, prefix) = await PeekAsync(content, cancellationToken);
        if (StreamsAsEpss(fileName, prefix, source))
        {
            return new ImportSummary([await ImportEpssStreamAsync(fileName, peeked, _limits.MaxFileBytes, cancellationToken)]);
        }

        if (StreamsAsOsvList(fileName, prefix, source))
        {
            return new ImportSummary([await ImportOsvListStreamAsync(fileName, peeked, _limits.MaxFileBytes, cancellationToken)]);
        }

        content = peeked;
        var (bytes, refusal) = await ReadLimitedAsync(content, _limits.MaxFileBytes, cancellationToken);
        return new ImportSummary([bytes is null
            ? await RecordRefusalAsync(fileName, source, refusal!, cancellationToken)
            : await ImportBytesAsync(fileName, bytes, source, cancellationToken)]);
    }

    private static bool IsZip(string name) => name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);

    private async Task<IReadOnlyList<FileImportSummary>> ImportFileAsync(string path, string name, FeedSource? source, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        if (IsZip(path))
        {
            return await ImportZipAsync(file, name, source, cancellationToken);
        }

        var (stream, prefix) = await PeekAsync(file, cancellationToken);
        if (StreamsAsEpss(name, prefix, source))
        {
            return [await ImportEpssStreamAsync(name, stream, _limits.MaxFileBytes, cancellationToken)];
        }

        if (StreamsAsOsvList(name, prefix, source))
        {
            return [await ImportOsvListStreamAsync(name, stream, _limits.MaxFileBytes, cancellationToken)];
        }

        var (bytes, refusal) = await ReadLimitedAsync(stream, _limits.MaxFileBytes, cancellationToken);
        return [bytes is null
            ? await RecordRefusalAsync(name, source, refusal!, cancellationToken)
            : await ImportBytesAsync(name, bytes, source, cancellationToken)];
    }

    private async Task<IReadOnlyList<FileImportSummary>> ImportZipAsync(Stream stream, string name, FeedSource? source, CancellationToken cancellationToken)
    {
        ZipArchive archive;
        try
        {
            archive = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            return [await RecordRefusalAsync(name, source, $"[zip.invalid] not a readable zip: {e.Message}", cancellationToken)];
        }

        await using (archive)
        {
            // Check every name and the declared sizes before reading anything: a hostile archive is refused as a whole.
            var entries = archive.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
            var bad = entries.FirstOrDefault(e => !IsSafeEntryName(e.FullName));
            if (bad is not null)
            {
                return [await RecordRefusalAsync(name, source, $"[zip.path] entry '{bad.FullName}' points outside the archive; the zip is refused", cancellationToken)];
            }

            if (entries.Count > _limits.MaxZipEntries)
            {
                return [await RecordRefusalAsync(name, source, string.Create(CultureInfo.InvariantCulture, $"[zip.entries] {entries.Count} entries, more than the {_limits.MaxZipEntries} allowed"), cancellationToken)];
            }

            var declared = entries.Sum(e => e.Length);
            if (declared > _limits.MaxZipTotalBytes)
            {
                return [await RecordRefusalAsync(name, source, string.Create(CultureInfo.InvariantCulture, $"[zip.too-large] uncompressed size {declared} bytes exceeds the limit of {_limits.MaxZipTotalBytes} bytes; the zip is refused"), cancellationToken)];
            }

            var results = new List<FileImportSummary>();
            long total = 0;
            foreach (var entry in entries.Where(e => FeedExtensions.Contains(Path.GetExtension(e.FullName), StringComparer.OrdinalIgnoreCase)).OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                var entryName = $"{name}!{entry.FullName}";
                if (entry.Length > _limits.MaxFileBytes)
                {
                    results.Add(await RecordRefusalAsync(entryName, source, string.Create(CultureInfo.InvariantCulture, $"[zip.too-large] entry is {entry.Length} bytes uncompressed, more than the {_limits.MaxFileBytes} allowed"), cancellationToken));
                    continue;
                }

                // The declared size can lie; the limit is enforced again on the bytes actually inflated.
                await using var entryStream = await entry.OpenAsync(cancellationToken);
                var entryLimit = Math.Min(_limits.MaxFileBytes, _limits.MaxZipTotalBytes - total);
                var (peeked, prefix) = await PeekAsync(entryStream, cancellationToken);
                if (StreamsAsEpss(entry.FullName, prefix, source))
                {
                    total += entry.Length;
                    results.Add(await ImportEpssStreamAsync(entryName, peeked, entryLimit, cancellationToken));
                    continue;
                }

                if (StreamsAsOsvList(entry.FullName, prefix, source))
                {
                    total += entry.Length;
                    results.Add(await ImportOsvListStreamAsync(entryName, peeked, entryLimit, cancellationToken));
                    continue;
                }

                var (bytes, refusal) = await ReadLimitedAsync(peeked, entryLimit, cancellationToken);
                if (bytes is null)
                {
                    results.Add(await RecordRefusalAsync(entryName, source, refusal!, cancellationToken));
                    break;
                }

                total += bytes.Length;
                results.Add(await ImportBytesAsync(entryName, bytes, source, cancellationToken));
            }

            return results;
        }
    }

    internal static bool IsSafeEntryName(string name) =>
        name.Length > 0
        && !name.StartsWith('/') && !name.StartsWith('\\')
        && !Path.IsPathRooted(name)
        && !(name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':')
        && !name.Split('/', '\\').Any(part => part is ".." or ".");

    /// <summary>The first bytes of a stream (to recognise its kind) and a stream that still yields all of it.</summary>
    private static async Task<(Stream Stream, byte[] Prefix)> PeekAsync(Stream stream, CancellationToken cancellationToken)
    {
        var prefix = new byte[512];
        var got = await stream.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken);
        Array.Resize(ref prefix, got);
        prefix = WithoutByteOrderMark(prefix);
        return (new PrefixedStream(prefix, stream), prefix);
    }

    /// <summary>
    /// A UTF-8 byte order mark (files saved by Windows editors) is not part of the document: JSON parsers refuse it, and
    /// the same advisory with or without one is the same revision.
    /// </summary>
    private static byte[] WithoutByteOrderMark(byte[] bytes) =>
        bytes is [0xEF, 0xBB, 0xBF, ..] ? bytes[3..] : bytes;

    /// <summary>EPSS files are the large ones (300,000 rows a day): they are streamed, never read whole.</summary>
    private bool StreamsAsEpss(string name, byte[] prefix, FeedSource? source)
    {
        if (!_limits.BulkWrites || (source is not null && source != FeedSource.Epss))
        {
            return false;
        }

        return source == FeedSource.Epss || (!name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && Detect(name, prefix) is { Kind: FeedSource.Epss });
    }

    private static async Task<(byte[]? Bytes, string? Refusal)> ReadLimitedAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        if (stream.CanSeek && stream.Length - stream.Position > limit)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"[input.too-large] {stream.Length - stream.Position} bytes, more than the {limit} allowed"));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return (null, string.Create(CultureInfo.InvariantCulture, $"[input.too-large] more than the {limit} bytes allowed (uncompressed)"));
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), null);
    }

    /// <summary>Finds the kind of a feed file from its content (and for CSV from its header); null when it is no feed file.</summary>
    public static (FeedSource? Kind, string? Problem) Detect(string name, byte[] bytes)
    {
        if (bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B)
        {
            return (FeedSource.Epss, null);
        }

        var start = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 512)).TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        if (name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            if (start.StartsWith("cveID,", StringComparison.OrdinalIgnoreCase))
            {
                return (FeedSource.Kev, null);
            }

            return start.StartsWith("#model_version", StringComparison.OrdinalIgnoreCase) || start.StartsWith("cve,epss", StringComparison.OrdinalIgnoreCase)
                ? (FeedSource.Epss, null)
                : (null, "CSV file with an unknown header");
        }

        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                var first = root.EnumerateArray().FirstOrDefault();
                return first.ValueKind == JsonValueKind.Object && first.TryGetProperty("id", out _) && first.TryGetProperty("modified", out _)
                    ? (FeedSource.Osv, null)
                    : (null, "JSON array that is not a list of OSV records");
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "JSON that is not an object");
            }

            if (root.TryGetProperty("document", out var document) && document.ValueKind == JsonValueKind.Object && document.TryGetProperty("csaf_version", out _))
            {
                return (FeedSource.Csaf, null);
            }

            if (root.TryGetProperty("schema_version", out _) && root.TryGetProperty("result", out var eolResult))
            {
                // endoflife.date API v1: one product with its releases; a product list names products only.
                return eolResult.ValueKind == JsonValueKind.Object && eolResult.TryGetProperty("releases", out _)
                    ? (FeedSource.EndOfLife, null)
                    : (null, "endoflife.date response without releases (a product list); import the product files");
            }

            if (OsVersionKind(root) is { } osVersions)
            {
                return (osVersions, null);
            }

            if (root.TryGetProperty("catalogVersion", out _) && root.TryGetProperty("vulnerabilities", out _))
            {
                return (FeedSource.Kev, null);
            }

            if (root.TryGetProperty("dataType", out var dataType) && dataType.ValueKind == JsonValueKind.String && dataType.GetString() == "CVE_RECORD")
            {
                return (FeedSource.Cve5, null);
            }

            if (root.TryGetProperty("vulnerabilities", out var vulns) && vulns.ValueKind == JsonValueKind.Array
                && (vulns.GetArrayLength() == 0 ? root.TryGetProperty("totalResults", out _) : vulns[0].TryGetProperty("cve", out _)))
            {
                return (FeedSource.Nvd, null);
            }

            if (StringProperty(root, "id") is { } cveId && cveId.StartsWith("CVE-", StringComparison.Ordinal) && root.TryGetProperty("vulnStatus", out _))
            {
                return (FeedSource.Nvd, null);
            }

            if (root.TryGetProperty("id", out _) && (root.TryGetProperty("schema_version", out _) || root.TryGetProperty("affected", out _) || root.TryGetProperty("modified", out _)))
            {
                return (FeedSource.Osv, null);
            }

            return (null, "JSON of no known feed format");
        }
        catch (JsonException e)
        {
            return (null, $"[json.syntax] {e.Message}");
        }
    }

    /// <summary>Imports one file's bytes in one transaction, recording an import run and an audit event.</summary>
    public async Task<FileImportSummary> ImportBytesAsync(string name, byte[] bytes, FeedSource? source, CancellationToken cancellationToken = default)
    {
        bytes = WithoutByteOrderMark(bytes);
        var kind = source;
        if (kind is null)
        {
            var (detected, problem) = Detect(name, bytes);
            if (detected is null)
            {
                // Broken JSON is quarantined; a valid file of another kind (a schema, an index) is reported and skipped.
                return problem!.StartsWith("[json.syntax]", StringComparison.Ordinal)
                    ? await RecordRefusalAsync(name, null, problem, cancellationToken)
                    : new FileImportSummary(name, null, 0, 0, 0, [], $"skipped: {problem}");
            }

            kind = detected;
        }

        if (kind == FeedSource.Epss && _limits.BulkWrites)
        {
            return await ImportEpssStreamAsync(name, new MemoryStream(bytes, writable: false), _limits.MaxFileBytes, cancellationToken);
        }

        return await InTransactionAsync(name, kind.Value, fetchedAt => kind switch
        {
            FeedSource.Csaf => ImportCsafAsync(name, bytes, fetchedAt, cancellationToken),
            FeedSource.Osv => ImportOsvAsync(name, bytes, fetchedAt, cancellationToken),
            FeedSource.Nvd => ImportNvdAsync(name, bytes, fetchedAt, cancellationToken),
            FeedSource.Cve5 => ImportCve5Async(name, bytes, fetchedAt, cancellationToken),
            FeedSource.Kev => ImportKevAsync(name, bytes, fetchedAt, cancellationToken),
            FeedSource.Epss => ImportEpssAsync(bytes, fetchedAt, cancellationToken),
            FeedSource.EndOfLife => ImportEndOfLifeAsync(name, bytes, fetchedAt, cancellationToken),
            FeedSource.Sofa or FeedSource.Gdmf or FeedSource.ChromeVersions => ImportOsVersionsAsync(name, bytes, kind.Value, fetchedAt, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(source), kind, "This kind is not imported here."),
        }, cancellationToken);
    }

    /// <summary>
    /// Streams an EPSS file (plain or gzip) into the database in batches, in one transaction. A file that ends early
    /// (corrupt gzip, size limit) is rolled back as a whole: yesterday's scores stay rather than half of today's.
    /// </summary>
    private async Task<FileImportSummary> ImportEpssStreamAsync(string name, Stream content, long limit, CancellationToken cancellationToken) =>
        await InTransactionAsync(name, FeedSource.Epss, async fetchedAt =>
        {
            await using var upsert = await KeyedBulkUpsert<EpssScore>.BeginAsync(db, EpssCompared, cancellationToken);
            var snapshot = await EpssReader.ReadAsync(content, fetchedAt, async (batch, token) =>
            {
                var scoreDate = batch.ScoreDate?.UtcDateTime;
                await upsert.AddAsync(batch.Scores.Select(s => new EpssScore { CveId = Truncate(s.CveId, 30)!, Score = s.Epss, Percentile = s.Percentile, ScoreDateUtc = scoreDate }), e => e.CveId, token);
            }, _limits.BatchRows, new FeedReadOptions { MaxBytes = limit }, cancellationToken);
            if (snapshot.Incomplete)
            {
                return new Counts(0, 0, 0, snapshot.Scores.Quarantined, RolledBack: true);
            }

            var (added, changed) = await upsert.CompleteAsync(cancellationToken);
            return new Counts(added, changed, upsert.Total - added - changed, snapshot.Scores.Quarantined);
        }, cancellationToken);

    private static readonly string[] EpssCompared = [nameof(EpssScore.Score), nameof(EpssScore.Percentile), nameof(EpssScore.ScoreDateUtc)];

    private static readonly string[] KevCompared =
    [
        nameof(KevEntry.VendorProject), nameof(KevEntry.Product), nameof(KevEntry.VulnerabilityName),
        nameof(KevEntry.DateAdded), nameof(KevEntry.DueDate), nameof(KevEntry.KnownRansomwareUse),
    ];

    /// <summary>Runs one file's import in one transaction with its import run and audit event; a rolled-back file is recorded as refused.</summary>
    private async Task<FileImportSummary> InTransactionAsync(string name, FeedSource kind, Func<DateTimeOffset, Task<Counts>> import, CancellationToken cancellationToken)
    {
        var fetchedAt = time.GetUtcNow();
        var strategy = db.Database.CreateExecutionStrategy();
        await using var sqliteSettings = await SqliteImportSettings.ApplyAsync(db, cancellationToken);
        var result = await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var counts = await import(fetchedAt);
            if (counts.RolledBack)
            {
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
                return (Summary: (FileImportSummary?)null, counts);
            }

            var summary = new FileImportSummary(name, kind, counts.Added, counts.Changed, counts.Unchanged, counts.Quarantined.Select(q => q.ToString()).ToList());
            AddRun(name, kind.ToString(), summary, counts.Quarantined.Select(q => (q.Location, q.Index, string.Join("; ", q.Reasons))));
            using (IngestProfile.Time(IngestProfile.Section.Commit))
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            db.ChangeTracker.Clear();
            return (Summary: summary, counts);
        });

        if (result.Summary is { } stored && stored.Added + stored.Changed > 0 && findings is not null)
        {
            // Re-match only what changed, as a job; findings appear within a minute, the import does not wait.
            await findings.AdvisoriesChangedAsync(cancellationToken);
        }

        return result.Summary ?? await RecordRefusalAsync(name, kind,
            "[input.incomplete] the file ended early, nothing from it was stored: " + string.Join("; ", result.counts.Quarantined.Select(q => string.Join("; ", q.Reasons))), cancellationToken);
    }

    private async Task<FileImportSummary> RecordRefusalAsync(string name, FeedSource? source, string reason, CancellationToken cancellationToken)
    {
        var summary = new FileImportSummary(name, source, 0, 0, 0, [$"{name}: {reason}"]);
        db.ChangeTracker.Clear();
        AddRun(name, source?.ToString() ?? "unknown", summary, [(name, null, reason)]);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return summary;
    }

    private void AddRun(string name, string source, FileImportSummary summary, IEnumerable<(string Location, int? Index, string Reasons)> quarantined)
    {
        var run = new ImportRun
        {
            StartedUtc = time.GetUtcNow().UtcDateTime,
            Source = source,
            FileName = Truncate(name, 400)!,
            Actor = db.Request.Actor,
            Added = summary.Added,
            Changed = summary.Changed,
            Unchanged = summary.Unchanged,
            Quarantined = summary.Quarantined.Count,
            QuarantinedItems = quarantined.Select(q => new QuarantinedItem { Location = Truncate(q.Location, 400)!, Index = q.Index, Reasons = Truncate(q.Reasons, 8000)! }).ToList(),
        };
        db.Add(run);
        db.RecordAudit("Feeds.Imported", nameof(ImportRun), run.Id.ToString(), null, Truncate(summary.ToString(), 2000));
    }

    /// <param name="RolledBack">The file could not be read to its end: its transaction is rolled back.</param>
    private sealed record Counts(int Added, int Changed, int Unchanged, IReadOnlyList<Quarantined> Quarantined, bool RolledBack = false);

    /// <summary>A parsed advisory with its children and the revision it came from, ready to be stored.</summary>
    private sealed record Candidate(Advisory Advisory, AdvisoryRevision Revision);

    // ---- advisories ------------------------------------------------------------------------------------------------

    private async Task<Counts> StoreAdvisoriesAsync(AdvisorySource source, IReadOnlyList<Candidate> candidates, IReadOnlyList<Quarantined> quarantined, CancellationToken cancellationToken)
    {
        if (_limits.BulkWrites)
        {
            await using var writer = new AdvisoryBatchWriter(db, source);
            foreach (var batch in candidates.Chunk(_limits.AdvisoryBatchRows))
            {
                await writer.PrepareAsync(batch.Select(c => c.Advisory.DocumentId), cancellationToken);
                foreach (var candidate in batch)
                {
                    writer.Add(candidate.Advisory, candidate.Revision);
                }

                await writer.FlushAsync(cancellationToken);
            }

            return new Counts(writer.Added, writer.Changed, writer.Unchanged, quarantined);
        }

        return await StoreTrackedAsync(source, candidates, quarantined, cancellationToken);
    }

    /// <summary>The change-tracker path, kept (<see cref="FeedImportLimits.BulkWrites"/> = false) so tests can prove the bulk path writes the same.</summary>
    private async Task<Counts> StoreTrackedAsync(AdvisorySource source, IReadOnlyList<Candidate> candidates, IReadOnlyList<Quarantined> quarantined, CancellationToken cancellationToken)
    {
        int added = 0, changed = 0, unchanged = 0;
        var ids = candidates.Select(c => c.Advisory.DocumentId).Distinct(StringComparer.Ordinal).ToList();
        var existing = await db.Set<Advisory>().Where(a => a.Source == source && EF.Parameter(ids).Contains(a.DocumentId)).ToDictionaryAsync(a => a.DocumentId, StringComparer.Ordinal, cancellationToken);
        var existingIds = existing.Values.Select(a => a.Id).ToList();
        var hashes = (await db.Set<AdvisoryRevision>().Where(r => EF.Parameter(existingIds).Contains(r.AdvisoryId)).Select(r => new { r.AdvisoryId, r.ContentSha256 }).ToListAsync(cancellationToken))
            .Select(r => (r.AdvisoryId, r.ContentSha256)).ToHashSet();

        foreach (var candidate in candidates)
        {
            var incoming = candidate.Advisory;
            if (!existing.TryGetValue(incoming.DocumentId, out var current))
            {
                incoming.Revisions.Add(candidate.Revision);
                db.Add(incoming);
                existing[incoming.DocumentId] = incoming;
                hashes.Add((incoming.Id, candidate.Revision.ContentSha256));
                added++;
                continue;
            }

            if (!hashes.Add((current.Id, candidate.Revision.ContentSha256)))
            {
                unchanged++;
                continue;
            }

            candidate.Revision.AdvisoryId = current.Id;
            db.Add(candidate.Revision);
            changed++;
            var newer = current.ModifiedUtc is null || incoming.ModifiedUtc is null || incoming.ModifiedUtc >= current.ModifiedUtc;
            if (!newer)
            {
                continue; // An older revision arriving late is kept as history only.
            }

            current.Title = incoming.Title;
            current.Publisher = incoming.Publisher;
            current.Severity = incoming.Severity;
            current.NcscLabel = incoming.NcscLabel;
            current.PublishedUtc = incoming.PublishedUtc;
            current.ModifiedUtc = incoming.ModifiedUtc;
            current.CurrentRevision = incoming.CurrentRevision;
            current.ContentSha256 = incoming.ContentSha256;
            current.Language = incoming.Language;
            current.Withdrawn = incoming.Withdrawn;
            current.SearchText = incoming.SearchText;
            if (db.Entry(current).State != EntityState.Added)
            {
                await db.Set<AdvisoryVulnerability>().Where(v => v.AdvisoryId == current.Id).ExecuteDeleteAsync(cancellationToken);
                await db.Set<AffectedProduct>().Where(p => p.AdvisoryId == current.Id).ExecuteDeleteAsync(cancellationToken);
                await db.Set<AdvisoryScore>().Where(p => p.AdvisoryId == current.Id).ExecuteDeleteAsync(cancellationToken);
            }
            else
            {
                current.Vulnerabilities.Clear();
                current.Products.Clear();
                current.Scores.Clear();
            }

            foreach (var score in incoming.Scores)
            {
                score.AdvisoryId = current.Id;
                db.Add(score);
            }

            foreach (var v in incoming.Vulnerabilities)
            {
                v.AdvisoryId = current.Id;
                db.Add(v);
            }

            foreach (var p in incoming.Products)
            {
                p.AdvisoryId = current.Id;
                db.Add(p);
            }
        }

        return new Counts(added, changed, unchanged, quarantined);
    }

    private static Candidate NewCandidate(Advisory advisory, string name, byte[] content, DateTimeOffset fetchedAt)
    {
        advisory.SearchText = Truncate(string.Join(' ', new[] { advisory.DocumentId, advisory.Title }
            .Concat(advisory.Vulnerabilities.Select(v => v.VulnerabilityId))).ToLowerInvariant(), 4000)!;
        var revision = new AdvisoryRevision
        {
            Revision = advisory.CurrentRevision,
            ModifiedUtc = advisory.ModifiedUtc,
            ContentSha256 = advisory.ContentSha256,
            FetchedUtc = fetchedAt.UtcDateTime,
            FileName = Truncate(name, 400),
            Content = content,
        };
        return new Candidate(advisory, revision);
    }

    private async Task<Counts> ImportCsafAsync(string name, byte[] bytes, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        var result = CsafReader.Read(bytes, name, fetchedAt);
        var candidates = result.Items.Select(d => NewCandidate(FromCsaf(d), name, bytes, fetchedAt)).ToList();
        return await StoreAdvisoriesAsync(AdvisorySource.Csaf, candidates, result.Quarantined, cancellationToken);
    }

    private static Advisory FromCsaf(CsafDocument d)
    {
        var header = d.Header;
        var advisory = new Advisory
        {
            Source = AdvisorySource.Csaf,
            DocumentId = Truncate(header.Tracking.Id, 200)!,
            Publisher = Truncate(header.Publisher.Name, 200),
            Title = Truncate(header.Title, 1000)!,
            Severity = Truncate(header.AggregateSeverity?.Text, 100),
            NcscLabel = Truncate(NcscText(d.Ncsc), 100),
            PublishedUtc = header.Tracking.InitialReleaseDate?.UtcDateTime,
            ModifiedUtc = header.Tracking.CurrentReleaseDate?.UtcDateTime,
            CurrentRevision = Truncate(header.Tracking.Version, 50),
            ContentSha256 = d.Provenance.ContentSha256,
            Language = Truncate(header.Lang, 20),
            Withdrawn = header.Category.Contains("withdrawn", StringComparison.OrdinalIgnoreCase),
        };

        var seenVulns = new HashSet<string>(StringComparer.Ordinal);
        var seenProducts = new HashSet<(string, string)>();
        foreach (var v in d.Vulnerabilities)
        {
            var id = v.Cve ?? v.Ids.Select(i => i.Text).FirstOrDefault();
            if (id is not null && seenVulns.Add(id))
            {
                var all = v.Scores.SelectMany(s => new[] { s.CvssV4, s.CvssV3, s.CvssV2 }).OfType<CvssScore>().ToList();
                var cvss = ScoreChoice.Choose(all, c => ScoreOf(ScoreOrigin.Csaf, c));
                advisory.Vulnerabilities.Add(Vulnerability(id, v.Title, cvss));
                AddScores(advisory, id, ScoreOrigin.Csaf, header.Publisher.Name, all);
            }

            var statuses = new (string Category, IReadOnlyList<string> Ids)[]
            {
                ("known_affected", v.ProductStatus.KnownAffected), ("first_affected", v.ProductStatus.FirstAffected),
                ("last_affected", v.ProductStatus.LastAffected), ("fixed", v.ProductStatus.Fixed), ("first_fixed", v.ProductStatus.FirstFixed),
                ("recommended", v.ProductStatus.Recommended), ("under_investigation", v.ProductStatus.UnderInvestigation),
                ("known_not_affected", v.ProductStatus.KnownNotAffected), ("unknown", v.ProductStatus.Unknown),
            };
            foreach (var (category, productIds) in statuses)
            {
                foreach (var productId in productIds)
                {
                    if (!seenProducts.Add((productId, category)))
                    {
                        continue;
                    }

                    d.Products.TryGetValue(productId, out var product);
                    var component = d.ComponentOf(productId);
                    var helper = product?.Helper ?? component?.Helper;
                    var remediation = v.Remediations.FirstOrDefault(r => r.ResolvedProductIds.Contains(productId, StringComparer.Ordinal));
                    var version = product?.VersionRange ?? product?.Version ?? component?.VersionRange ?? component?.Version;
                    var isFixed = category is "fixed" or "first_fixed";
                    advisory.Products.Add(new AffectedProduct
                    {
                        Vendor = Truncate(product?.Vendor ?? component?.Vendor, 200),
                        Name = Truncate(product?.Name ?? productId, 1000)!,
                        Identity = Truncate(helper?.Purl ?? helper?.Cpe, 1000),
                        Status = category,
                        Range = Truncate(version, 2000),
                        FixedVersions = isFixed ? Truncate(version, 2000) : null,
                        Remediation = remediation is null ? null : Truncate($"{remediation.Category}: {remediation.Details}", 4000),
                        RemediationUrl = Truncate(remediation?.Url, 1000),
                    });
                }
            }
        }

        return advisory;
    }

    private static string? NcscText(NcscLabel? label) => label switch
    {
        null => null,
        { Urgency: { } urgency } => urgency.ToString(),
        { Likelihood: var k, Impact: var s } when k is not null || s is not null => $"kans {k ?? "?"}/schade {s ?? "?"}",
        _ => null,
    };

    private static ScoreCandidate ScoreOf(ScoreOrigin origin, CvssScore s) => new(origin, s.Version, s.VectorString, s.BaseScore, s.Source);

    /// <summary>Keeps every distinct score a source gives (CSAF repeats a vector per product group; one is enough).</summary>
    private static void AddScores(Advisory advisory, string vulnerabilityId, ScoreOrigin origin, string? scorer, IEnumerable<CvssScore> scores)
    {
        foreach (var s in scores.DistinctBy(s => (s.Version, s.VectorString, s.BaseScore, s.Source)))
        {
            advisory.Scores.Add(new AdvisoryScore
            {
                VulnerabilityId = Truncate(vulnerabilityId, 100)!,
                Origin = origin,
                Scorer = Truncate(s.Source ?? scorer, 200),
                CvssVersion = Truncate(s.Version, 10),
                Vector = Truncate(s.VectorString, 300),
                BaseScore = s.BaseScore is >= 0 and <= 10 ? s.BaseScore : null,
                Severity = Truncate(s.BaseSeverity, 20),
            });
        }
    }

    /// <summary>OSV gives a vector only; its base score is computed here so it can be compared with the others.</summary>
    private static CvssScore OsvScore(OsvSeverity s)
    {
        var scored = Core.Cvss.CvssVector.TryParse(s.Score, out var vector, out _) ? vector : null;
        return new CvssScore(ScoreChoice.VersionOfVector(s.Score) ?? s.Type, s.Score, scored?.BaseScore, scored?.Severity.ToString());
    }

    private static AdvisoryVulnerability Vulnerability(string id, string? title, CvssScore? cvss) => new()
    {
        VulnerabilityId = Truncate(id, 100)!,
        Title = Truncate(title, 1000),
        CvssVersion = Truncate(cvss?.Version, 10),
        CvssVector = Truncate(cvss?.VectorString, 300),
        CvssScore = cvss?.BaseScore?.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The raw JSON of each record in a multi-record file, by id, so each revision keeps its own bytes and hash.</summary>
    private static Dictionary<string, byte[]> RawRecords(byte[] bytes, Func<JsonElement, (string? Id, JsonElement Element)> select, string? arrayProperty)
    {
        var raw = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
            var list = arrayProperty is null ? doc.RootElement : doc.RootElement.GetProperty(arrayProperty);
            if (list.ValueKind != JsonValueKind.Array)
            {
                return raw;
            }

            foreach (var item in list.EnumerateArray())
            {
                var (id, element) = select(item);
                if (id is not null)
                {
                    raw[id] = Encoding.UTF8.GetBytes(element.GetRawText());
                }
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // The reader reports the problem; here it only means no per-record bytes.
        }

        return raw;
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private async Task<Counts> ImportOsvAsync(string name, byte[] bytes, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        if (_limits.BulkWrites && StartsWithArray(bytes))
        {
            return await StreamOsvListAsync(name, new MemoryStream(bytes, writable: false), _limits.MaxFileBytes, fetchedAt, cancellationToken);
        }

        var result = OsvReader.Read(bytes, name, fetchedAt);
        var raw = result.Items.Count > 1 ? RawRecords(bytes, e => (StringProperty(e, "id"), e), null) : [];
        var candidates = result.Items.Select(r =>
        {
            var content = raw.TryGetValue(r.Id, out var own) ? own : bytes;
            var advisory = FromOsv(r, Sha(content, r.Provenance.ContentSha256, content == bytes));
            return NewCandidate(advisory, name, content, fetchedAt);
        }).ToList();
        return await StoreAdvisoriesAsync(AdvisorySource.Osv, candidates, result.Quarantined, cancellationToken);
    }

    private static bool StartsWithArray(ReadOnlySpan<byte> prefix)
    {
        var text = prefix.TrimStart(" \t\r\n"u8);
        if (text.StartsWith("\uFEFF"u8))
        {
            text = text[3..].TrimStart(" \t\r\n"u8);
        }

        return text.Length > 0 && text[0] == (byte)'[';
    }

    /// <summary>OSV list files (JSON arrays of records) are streamed when the source says OSV or the file is a JSON array.</summary>
    private bool StreamsAsOsvList(string name, byte[] prefix, FeedSource? source) =>
        _limits.BulkWrites && (source is null or FeedSource.Osv) && StartsWithArray(prefix)
        && (source == FeedSource.Osv || name.EndsWith(".json", StringComparison.OrdinalIgnoreCase));

    private async Task<FileImportSummary> ImportOsvListStreamAsync(string name, Stream content, long limit, CancellationToken cancellationToken) =>
        await InTransactionAsync(name, FeedSource.Osv, fetchedAt => StreamOsvListAsync(name, content, limit, fetchedAt, cancellationToken), cancellationToken);

    /// <summary>
    /// An OSV list file, streamed: records are read as raw bytes in batches of <see cref="FeedImportLimits.AdvisoryBatchRows"/>;
    /// per batch the stored hashes are read once, a record whose exact bytes are stored is counted unchanged without being
    /// parsed, the others are parsed, schema-checked and mapped, and the batch is written set-based. Everything happens
    /// in the file's transaction: an invalid record is quarantined and the rest kept, but a file that is cut off, breaks
    /// its JSON or exceeds the size limit is rolled back as a whole.
    /// </summary>
    private async Task<Counts> StreamOsvListAsync(string name, Stream content, long limit, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        var list = new OsvListReader(new FeedReadOptions { MaxBytes = limit });
        var quarantined = new List<Quarantined>();
        var batch = new List<(int Index, byte[] Raw, string? Id)>(_limits.AdvisoryBatchRows);
        await using var writer = new AdvisoryBatchWriter(db, AdvisorySource.Osv);
        var index = 0;
        await using var records = list.RecordsAsync(content, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            byte[] raw;
            string? id;
            using (IngestProfile.Time(IngestProfile.Section.ReadRecords))
            {
                if (!await records.MoveNextAsync())
                {
                    break;
                }

                raw = records.Current;
                id = OsvReader.PeekId(raw);
            }

            batch.Add((index++, raw, id is null ? null : Truncate(id, 200)));
            if (batch.Count == _limits.AdvisoryBatchRows)
            {
                await WriteOsvBatchAsync(name, batch, writer, quarantined, fetchedAt, cancellationToken);
            }
        }

        if (list.Failure is { } failure)
        {
            return new Counts(0, 0, 0, [.. quarantined, new Quarantined(name, null, [failure])], RolledBack: true);
        }

        await WriteOsvBatchAsync(name, batch, writer, quarantined, fetchedAt, cancellationToken);
        return new Counts(writer.Added, writer.Changed, writer.Unchanged, quarantined);
    }

    private static async Task WriteOsvBatchAsync(string name, List<(int Index, byte[] Raw, string? Id)> batch, AdvisoryBatchWriter writer, List<Quarantined> quarantined, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        using (IngestProfile.Time(IngestProfile.Section.StoredLookup))
        {
            await writer.PrepareAsync(batch.Where(b => b.Id is not null).Select(b => b.Id!), cancellationToken);
        }

        foreach (var (index, raw, id) in batch)
        {
            string sha;
            using (IngestProfile.Time(IngestProfile.Section.Hash))
            {
                sha = Provenance.Sha256Hex(raw);
            }

            if (id is not null && writer.IsStored(id, sha))
            {
                writer.CountUnchanged();
                continue;
            }

            OsvRecord? record;
            Quarantined? problem;
            using (IngestProfile.Time(IngestProfile.Section.ParseValidate))
            {
                (record, problem) = OsvReader.ReadRecord(raw, name, index, sha, fetchedAt);
            }

            if (record is null)
            {
                quarantined.Add(problem!);
                continue;
            }

            using (IngestProfile.Time(IngestProfile.Section.Map))
            {
                var candidate = NewCandidate(FromOsv(record, sha), name, raw, fetchedAt);
                writer.Add(candidate.Advisory, candidate.Revision);
            }
        }

        await writer.FlushAsync(cancellationToken);
        batch.Clear();
    }

    private static string Sha(byte[] content, string fileSha, bool wholeFile) => wholeFile ? fileSha : Provenance.Sha256Hex(content);

    private static Advisory FromOsv(OsvRecord r, string sha)
    {
        var cvss = r.Severity.FirstOrDefault(s => s.Type.StartsWith("CVSS", StringComparison.OrdinalIgnoreCase));
        var advisory = new Advisory
        {
            Source = AdvisorySource.Osv,
            DocumentId = Truncate(r.Id, 200)!,
            Publisher = Truncate(r.Affected.Select(a => a.Package?.Ecosystem).FirstOrDefault(e => e is not null), 200),
            Title = Truncate(r.Summary ?? FirstLine(r.Details) ?? r.Id, 1000)!,
            Severity = Truncate(r.Severity.FirstOrDefault(s => !s.Type.StartsWith("CVSS", StringComparison.OrdinalIgnoreCase))?.Score, 100),
            PublishedUtc = r.Published?.UtcDateTime,
            ModifiedUtc = r.Modified.UtcDateTime,
            CurrentRevision = r.Modified.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ContentSha256 = sha,
            Language = "en",
            Withdrawn = r.IsWithdrawn,
        };
        var osvScores = r.Severity.Where(s => s.Type.StartsWith("CVSS", StringComparison.OrdinalIgnoreCase)).Select(s => OsvScore(s)).ToList();
        foreach (var id in r.Aliases.Prepend(r.Id).Distinct(StringComparer.Ordinal))
        {
            AddScores(advisory, id, ScoreOrigin.Osv, advisory.Publisher, osvScores);
            advisory.Vulnerabilities.Add(new AdvisoryVulnerability
            {
                VulnerabilityId = Truncate(id, 100)!,
                CvssVersion = cvss is null ? null : Truncate(cvss.Type, 10),
                CvssVector = id == r.Id ? Truncate(cvss?.Score, 300) : null,
            });
        }

        foreach (var affected in r.Affected)
        {
            var ranges = affected.Ranges.Select(range => $"{range.Type}: {string.Join(", ", range.Events.Select(e => $"{EventName(e.Kind)} {e.Value}"))}").ToList();
            if (affected.Versions.Count > 0)
            {
                ranges.Add($"versions: {string.Join(", ", affected.Versions.Take(50))}{(affected.Versions.Count > 50 ? " …" : "")}");
            }

            var fixes = affected.Ranges.SelectMany(range => range.Events).Where(e => e.Kind == OsvEventKind.Fixed).Select(e => e.Value).Distinct(StringComparer.Ordinal);
            advisory.Products.Add(new AffectedProduct
            {
                Vendor = Truncate(affected.Package?.Ecosystem, 200),
                Name = Truncate(affected.Package?.Name ?? "(no package)", 1000)!,
                Identity = Truncate(affected.Package?.Purl, 1000),
                Status = "affected",
                Range = Truncate(string.Join("; ", ranges), 2000),
                FixedVersions = Truncate(string.Join(", ", fixes), 2000) is { Length: > 0 } f ? f : null,
            });
        }

        return advisory;
    }

    private static string EventName(OsvEventKind kind) => kind switch
    {
        OsvEventKind.Introduced => "introduced",
        OsvEventKind.Fixed => "fixed",
        OsvEventKind.LastAffected => "last_affected",
        _ => "limit",
    };

    private static string? FirstLine(string? text) => text?.Split('\n', 2)[0].Trim() is { Length: > 0 } line ? line : null;

    private async Task<Counts> ImportNvdAsync(string name, byte[] bytes, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        if (Detect(name, bytes) is { Kind: FeedSource.Nvd } && !LooksLikeNvdPage(bytes))
        {
            // A single CVE object as the NVD API returns it inside vulnerabilities[].cve.
            var single = NvdReader.ReadCve(bytes, name, fetchedAt);
            var own = single.Items.Select(c => NewCandidate(FromNvd(c, c.Provenance.ContentSha256), name, bytes, fetchedAt)).ToList();
            return await StoreAdvisoriesAsync(AdvisorySource.Nvd, own, single.Quarantined, cancellationToken);
        }

        using var stream = new MemoryStream(bytes, writable: false);
        var page = await NvdReader.ReadPageAsync(stream, fetchedAt, cancellationToken: cancellationToken);
        var raw = RawRecords(bytes, e => e.TryGetProperty("cve", out var cve) ? (StringProperty(cve, "id"), cve) : (null, e), "vulnerabilities");
        var candidates = page.Vulnerabilities.Items.Select(c =>
        {
            var content = raw.TryGetValue(c.Id, out var own) ? own : bytes;
            return NewCandidate(FromNvd(c, Provenance.Sha256Hex(content)), name, content, fetchedAt);
        }).ToList();
        var quarantined = page.Vulnerabilities.Quarantined.Select(q => q with { Location = $"{name}: {q.Location}" }).ToList();
        return await StoreAdvisoriesAsync(AdvisorySource.Nvd, candidates, quarantined, cancellationToken);
    }

    private static bool LooksLikeNvdPage(byte[] bytes)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("vulnerabilities", out _);
        }
        catch (JsonException)
        {
            return true; // Let the page reader report the syntax error.
        }
    }

    private static Advisory FromNvd(NvdCve c, string sha)
    {
        var cvss = c.Metrics.FirstOrDefault(m => string.Equals(m.Type, "Primary", StringComparison.OrdinalIgnoreCase)) ?? (c.Metrics.Count > 0 ? c.Metrics[0] : null);
        var description = c.Descriptions.FirstOrDefault(t => t.Lang.StartsWith("en", StringComparison.OrdinalIgnoreCase)) ?? (c.Descriptions.Count > 0 ? c.Descriptions[0] : null);
        var advisory = new Advisory
        {
            Source = AdvisorySource.Nvd,
            DocumentId = Truncate(c.Id, 200)!,
            Publisher = "NVD",
            Title = Truncate(FirstLine(description?.Value) ?? c.Id, 1000)!,
            Severity = Truncate(cvss?.BaseSeverity, 100),
            PublishedUtc = c.Published?.UtcDateTime,
            ModifiedUtc = c.LastModified?.UtcDateTime,
            CurrentRevision = c.LastModified?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ContentSha256 = sha,
            Language = "en",
            Withdrawn = c.IsRejected,
        };
        advisory.Vulnerabilities.Add(Vulnerability(c.Id, null, cvss));
        AddScores(advisory, c.Id, ScoreOrigin.NvdPrimary, null, c.Metrics.Where(m => string.Equals(m.Type, "Primary", StringComparison.OrdinalIgnoreCase)));
        AddScores(advisory, c.Id, ScoreOrigin.NvdSecondary, null, c.Metrics.Where(m => !string.Equals(m.Type, "Primary", StringComparison.OrdinalIgnoreCase)));
        foreach (var match in c.Configurations.SelectMany(x => x.Nodes).SelectMany(n => n.CpeMatch).DistinctBy(m => m.Criteria + m.VersionStartIncluding + m.VersionStartExcluding + m.VersionEndIncluding + m.VersionEndExcluding))
        {
            var bounds = new[]
            {
                match.VersionStartIncluding is { } a ? $">={a}" : null, match.VersionStartExcluding is { } b ? $">{b}" : null,
                match.VersionEndIncluding is { } c2 ? $"<={c2}" : null, match.VersionEndExcluding is { } d ? $"<{d}" : null,
            }.Where(x => x is not null);
            var parts = match.Criteria.Split(':');
            advisory.Products.Add(new AffectedProduct
            {
                Vendor = parts.Length > 3 ? Truncate(parts[3], 200) : null,
                Name = Truncate(parts.Length > 4 ? parts[4] : match.Criteria, 1000)!,
                Identity = Truncate(match.Criteria, 1000),
                Status = match.Vulnerable ? "vulnerable" : "not_vulnerable",
                Range = Truncate(string.Join("|", bounds), 2000) is { Length: > 0 } r ? r : null,
            });
        }

        return advisory;
    }

    private async Task<Counts> ImportCve5Async(string name, byte[] bytes, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        var result = Cve5Reader.Read(bytes, name, fetchedAt);
        var candidates = result.Items.Select(r => NewCandidate(FromCve5(r), name, bytes, fetchedAt)).ToList();
        return await StoreAdvisoriesAsync(AdvisorySource.Cve5, candidates, result.Quarantined, cancellationToken);
    }

    private static Advisory FromCve5(Cve5Record r)
    {
        var cna = r.Cna;
        var cvss = r.Containers.SelectMany(c => c.Cvss).FirstOrDefault();
        var description = cna?.Descriptions.FirstOrDefault(t => t.Lang.StartsWith("en", StringComparison.OrdinalIgnoreCase)) ?? (cna?.Descriptions.Count > 0 ? cna.Descriptions[0] : null);
        var advisory = new Advisory
        {
            Source = AdvisorySource.Cve5,
            DocumentId = Truncate(r.CveId, 200)!,
            Publisher = Truncate(r.AssignerShortName, 200),
            Title = Truncate(cna?.Title ?? FirstLine(description?.Value) ?? r.CveId, 1000)!,
            Severity = Truncate(cvss?.BaseSeverity, 100),
            PublishedUtc = r.DatePublished?.UtcDateTime,
            ModifiedUtc = r.DateUpdated?.UtcDateTime,
            CurrentRevision = r.DateUpdated?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ContentSha256 = r.Provenance.ContentSha256,
            Language = "en",
            Withdrawn = r.IsRejected,
        };
        advisory.Vulnerabilities.Add(Vulnerability(r.CveId, cna?.Title, cvss));
        if (cna is not null)
        {
            AddScores(advisory, r.CveId, ScoreOrigin.Cna, cna.ProviderShortName ?? r.AssignerShortName, cna.Cvss);
        }

        foreach (var adp in r.Adp)
        {
            AddScores(advisory, r.CveId, ScoreOrigin.Adp, adp.ProviderShortName, adp.Cvss);
        }
        foreach (var affected in cna?.Affected ?? [])
        {
            foreach (var version in affected.Versions.DefaultIfEmpty())
            {
                var range = version is null ? null
                    : version.LessThan is { } lt ? $">={version.Version}|<{lt}"
                    : version.LessThanOrEqual is { } le ? $">={version.Version}|<={le}"
                    : version.Version;
                advisory.Products.Add(new AffectedProduct
                {
                    Vendor = Truncate(affected.Vendor, 200),
                    Name = Truncate(affected.Product ?? affected.PackageName ?? "(unnamed)", 1000)!,
                    Identity = Truncate((affected.Cpes.Count > 0 ? affected.Cpes[0] : null) ?? affected.CollectionUrl, 1000),
                    Status = Truncate(version?.Status ?? affected.DefaultStatus ?? "unknown", 40)!,
                    Range = Truncate(version?.VersionType is { } type && range is not null ? $"{type}: {range}" : range, 2000),
                });
            }
        }

        return advisory;
    }

    // ---- endoflife.date: one product per file, its cycles replaced when the file changed --------------------------------

    private async Task<Counts> ImportEndOfLifeAsync(string name, byte[] bytes, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        var (product, quarantined) = EndOfLifeReader.ReadProduct(bytes, name, fetchedAt);
        if (product is null)
        {
            return new Counts(0, 0, 0, quarantined);
        }

        var incoming = product.Releases.DistinctBy(r => r.Name, StringComparer.Ordinal).Select(LifecycleCycle.From).ToList();
        var slug = LifecycleCycle.Cut(product.Name, 100)!;
        var existing = await db.Set<LifecycleProduct>().Include(p => p.Cycles).SingleOrDefaultAsync(p => p.Name == slug, cancellationToken);
        if (existing is not null && existing.ContentSha256 == product.Provenance.ContentSha256)
        {
            return new Counts(0, 0, incoming.Count, quarantined);
        }

        var target = existing ?? db.Add(new LifecycleProduct { Name = slug, Label = "", ContentSha256 = "" }).Entity;
        target.Label = LifecycleCycle.Cut(product.Label, 200)!;
        target.Category = LifecycleCycle.Cut(product.Category, 50);
        target.Aliases = LifecycleCycle.Cut(string.Join('\n', product.Aliases.Select(a => a.ToLowerInvariant())), 1000) is { Length: > 0 } aliases ? aliases : null;
        target.Identifiers = LifecycleCycle.Cut(string.Join('\n', product.Identifiers.Select(i => $"{i.Type}:{i.Id}")), 4000) is { Length: > 0 } ids ? ids : null;
        target.Revision = LifecycleCycle.Cut(product.Provenance.Revision, 50);
        target.ModifiedUtc = product.Provenance.Modified?.UtcDateTime;
        target.ContentSha256 = product.Provenance.ContentSha256;
        target.FetchedUtc = fetchedAt.UtcDateTime;
        target.FileName = Truncate(name, 400);

        // Cycles are matched by name: a changed cycle is updated in place, so its id stays stable for findings.
        var old = target.Cycles.ToDictionary(c => c.Name, StringComparer.Ordinal);
        int added = 0, changed = 0, unchanged = 0;
        foreach (var cycle in incoming)
        {
            if (!old.Remove(cycle.Name, out var current))
            {
                target.Cycles.Add(cycle);
                added++;
            }
            else if (current.Signature() != cycle.Signature())
            {
                cycle.Id = current.Id;
                cycle.ProductId = current.ProductId;
                db.Entry(current).CurrentValues.SetValues(cycle);
                changed++;
            }
            else
            {
                unchanged++;
            }
        }

        // A cycle the product no longer lists is removed: the file is the whole truth about the product. Not when a cycle
        // was quarantined, though: the broken one may be a stored cycle, and a broken record must not delete good data.
        foreach (var gone in quarantined.Count == 0 ? old.Values.ToList() : [])
        {
            db.Remove(gone);
            changed++;
        }

        return new Counts(added, changed, unchanged, quarantined);
    }

    // ---- KEV and EPSS: keyed by CVE, the latest replaces the older ----------------------------------------------------

    private async Task<Counts> ImportKevAsync(string name, byte[] bytes, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        var catalog = name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && !(bytes.Length > 0 && bytes[0] == (byte)'{')
            ? KevReader.ReadCsv(bytes, fetchedAt)
            : KevReader.ReadJson(bytes, fetchedAt);
        var incoming = new Dictionary<string, KevEntry>(StringComparer.Ordinal);
        foreach (var e in catalog.Entries.Items)
        {
            incoming[e.CveId] = new KevEntry
            {
                CveId = Truncate(e.CveId, 30)!,
                VendorProject = Truncate(e.VendorProject, 200)!,
                Product = Truncate(e.Product, 200)!,
                VulnerabilityName = Truncate(e.VulnerabilityName, 500)!,
                DateAdded = e.DateAdded,
                DueDate = e.DueDate,
                KnownRansomwareUse = e.KnownRansomwareUse,
                CatalogVersion = Truncate(catalog.CatalogVersion, 50),
            };
        }

        if (_limits.BulkWrites)
        {
            await using var upsert = await KeyedBulkUpsert<KevEntry>.BeginAsync(db, KevCompared, cancellationToken);
            await upsert.AddAsync(incoming.Values, k => k.CveId, cancellationToken);
            var (bulkAdded, bulkChanged) = await upsert.CompleteAsync(cancellationToken);
            return new Counts(bulkAdded, bulkChanged, upsert.Total - bulkAdded - bulkChanged, catalog.Entries.Quarantined);
        }

        // One collection parameter (json_each / array), not one SQL variable per key: an EPSS file has 300,000 CVEs.
        var keys = incoming.Keys.ToList();
        var existing = await db.Set<KevEntry>().AsNoTracking().Where(k => EF.Parameter(keys).Contains(k.CveId)).ToDictionaryAsync(k => k.CveId, StringComparer.Ordinal, cancellationToken);
        var changed = incoming.Values.Where(k => existing.TryGetValue(k.CveId, out var old) && !SameKev(old, k)).ToList();
        var added = incoming.Values.Where(k => !existing.ContainsKey(k.CveId)).ToList();
        return await ReplaceAsync(added, changed, incoming.Count, k => k.CveId, catalog.Entries.Quarantined, cancellationToken);
    }

    private static bool SameKev(KevEntry a, KevEntry b) =>
        a.VendorProject == b.VendorProject && a.Product == b.Product && a.VulnerabilityName == b.VulnerabilityName
        && a.DateAdded == b.DateAdded && a.DueDate == b.DueDate && a.KnownRansomwareUse == b.KnownRansomwareUse;

    private async Task<Counts> ImportEpssAsync(byte[] bytes, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        var snapshot = await EpssReader.ReadAsync(stream, fetchedAt, cancellationToken: cancellationToken);
        var incoming = new Dictionary<string, EpssScore>(StringComparer.Ordinal);
        foreach (var s in snapshot.Scores.Items)
        {
            incoming[s.CveId] = new EpssScore { CveId = Truncate(s.CveId, 30)!, Score = s.Epss, Percentile = s.Percentile, ScoreDateUtc = snapshot.ScoreDate?.UtcDateTime };
        }

        // One collection parameter (json_each / array), not one SQL variable per key: an EPSS file has 300,000 CVEs.
        var keys = incoming.Keys.ToList();
        var existing = await db.Set<EpssScore>().AsNoTracking().Where(e => EF.Parameter(keys).Contains(e.CveId)).ToDictionaryAsync(e => e.CveId, StringComparer.Ordinal, cancellationToken);
        var changed = incoming.Values.Where(e => existing.TryGetValue(e.CveId, out var old)
            && (old.Score != e.Score || old.Percentile != e.Percentile || old.ScoreDateUtc != e.ScoreDateUtc)).ToList();
        var added = incoming.Values.Where(e => !existing.ContainsKey(e.CveId)).ToList();
        return await ReplaceAsync(added, changed, incoming.Count, e => e.CveId, snapshot.Scores.Quarantined, cancellationToken);
    }

    /// <summary>Set-based replace: delete the changed keys in one statement, insert changed and new rows in one SaveChanges.</summary>
    private async Task<Counts> ReplaceAsync<T>(List<T> added, List<T> changed, int total, Func<T, string> key, IReadOnlyList<Quarantined> quarantined, CancellationToken cancellationToken)
        where T : class
    {
        if (changed.Count > 0)
        {
            var changedKeys = changed.Select(key).ToList();
            await db.Set<T>().Where(e => EF.Parameter(changedKeys).Contains(EF.Property<string>(e, "CveId"))).ExecuteDeleteAsync(cancellationToken);
        }

        db.Set<T>().AddRange(added);
        db.Set<T>().AddRange(changed);
        return new Counts(added.Count, changed.Count, total - added.Count - changed.Count, quarantined);
    }

    internal static string? Truncate(string? text, int max) => text is null || text.Length <= max ? text : text[..(max - 1)] + "…";
}
