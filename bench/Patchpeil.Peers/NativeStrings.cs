using System.Runtime.InteropServices;
using System.Text;

namespace Patchpeil.Peers;

/// <summary>
/// Strings copied once into native memory as NUL-terminated UTF-8, with a pointer array a C batch function can walk.
/// Lets a benchmark time the peer's comparisons without marshalling.
/// </summary>
public sealed unsafe class NativeStrings : IDisposable
{
    private byte* _block;
    private byte** _pointers;

    public NativeStrings(IReadOnlyList<string> strings)
    {
        ArgumentNullException.ThrowIfNull(strings);
        Count = strings.Count;
        // A NUL before the first string too, so every string is preceded by a NUL (see PeerLibrary.Call).
        var total = 1;
        foreach (var s in strings)
        {
            total += Encoding.UTF8.GetByteCount(s) + 1;
        }

        _block = (byte*)NativeMemory.Alloc((nuint)Math.Max(total, 1));
        _pointers = (byte**)NativeMemory.Alloc((nuint)Math.Max(Count, 1), (nuint)sizeof(byte*));
        _block[0] = 0;
        var offset = 1;
        for (var i = 0; i < Count; i++)
        {
            var written = Encoding.UTF8.GetBytes(strings[i], new Span<byte>(_block + offset, total - offset));
            _block[offset + written] = 0;
            _pointers[i] = _block + offset;
            offset += written + 1;
        }
    }

    public int Count { get; }

    public byte** Pointers => _pointers;

    public byte* this[int index] => (uint)index < (uint)Count ? _pointers[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public void Dispose()
    {
        NativeMemory.Free(_block);
        NativeMemory.Free(_pointers);
        _block = null;
        _pointers = null;
    }
}
