namespace Patchpeil.Core.Feeds.Osv;

/// <summary>
/// Streams the records of an OSV list file (a JSON array of records, as ecosystem exports and our corpus write them)
/// without a DOM of the file: each record comes out as its own raw bytes, to be hashed, compared with what is stored
/// and only then parsed with <see cref="OsvReader.ReadRecord"/>. When the file is broken or cut off,
/// <see cref="Failure"/> says so after the last good record; the caller decides what to keep (the importer rolls the
/// file back).
/// </summary>
public sealed class OsvListReader(FeedReadOptions? options = null)
{
    private readonly JsonArrayStream _array = new(null, options ?? FeedReadOptions.Default);

    public QuarantineReason? Failure => _array.Failure;

    public IAsyncEnumerable<byte[]> RecordsAsync(Stream stream, CancellationToken cancellationToken = default) => _array.ElementsAsync(stream, cancellationToken);
}
