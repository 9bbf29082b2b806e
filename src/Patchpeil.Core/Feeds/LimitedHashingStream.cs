using System.Security.Cryptography;

namespace Patchpeil.Core.Feeds;

/// <summary>
/// Read-only pass-through that hashes what flows through it and stops (reports end of data and sets
/// <see cref="LimitExceeded"/>) once more than the allowed number of bytes was read, so streaming parsers never
/// buffer beyond the limit and never need an exception to stop.
/// </summary>
internal sealed class LimitedHashingStream(Stream inner, long maxBytes) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    private readonly byte[] _tail = new byte[8];

    public long BytesRead { get; private set; }

    /// <summary>The last (up to) 8 bytes that passed: a gzip member's trailer (CRC-32 and size) once the input is read.</summary>
    public ReadOnlySpan<byte> Tail => BytesRead >= 8 ? _tail : _tail.AsSpan(8 - (int)BytesRead);
    public bool LimitExceeded { get; private set; }

    public string Sha256Hex() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (LimitExceeded)
        {
            return 0;
        }

        var n = inner.Read(buffer);
        return Account(buffer[..n]);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (LimitExceeded)
        {
            return 0;
        }

        var n = await inner.ReadAsync(buffer, cancellationToken);
        return Account(buffer.Span[..n]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Account(ReadOnlySpan<byte> data)
    {
        BytesRead += data.Length;
        if (BytesRead > maxBytes)
        {
            LimitExceeded = true;
            return 0;
        }

        _hash.AppendData(data);
        if (data.Length >= 8)
        {
            data[^8..].CopyTo(_tail);
        }
        else if (data.Length > 0)
        {
            _tail.AsSpan(data.Length).CopyTo(_tail);
            data.CopyTo(_tail.AsSpan(8 - data.Length));
        }

        return data.Length;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
