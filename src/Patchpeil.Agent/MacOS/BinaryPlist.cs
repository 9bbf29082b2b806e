using System.Buffers.Binary;
using System.Text;

namespace Patchpeil.Agent.MacOS;

/// <summary>
/// Reads Apple's binary property list format "bplist00" (CoreFoundation's CFBinaryPList.c): objects addressed
/// through an offset table described by a 32-byte trailer. Gives the same values as the XML reader. Every offset,
/// count and reference is checked against the file, and an object that refers to itself is refused, because a
/// hostile file can point anywhere.
/// </summary>
public static class BinaryPlist
{
    private const int MaxDepth = 64;

    /// <summary>Objects can be shared, so a small file can describe a huge tree; reading stops after this many.</summary>
    private const int MaxObjectsRead = 1_000_000;
    private static readonly DateTime Epoch = new(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static object Parse(byte[] bytes, string fileName) => new Reader(bytes, fileName).ReadTop();

    private sealed class Reader(byte[] bytes, string fileName)
    {
        private int _offsetSize;
        private int _refSize;
        private long _objectCount;
        private long _offsetTable;
        private readonly HashSet<long> _open = [];
        private int _read;

        public object ReadTop()
        {
            if (bytes.Length < 8 + 32 || !bytes.AsSpan().StartsWith("bplist00"u8))
            {
                throw Error("not a binary property list (no bplist00 header, or shorter than its trailer)");
            }

            var trailer = bytes.AsSpan(bytes.Length - 32);
            _offsetSize = trailer[6];
            _refSize = trailer[7];
            _objectCount = BinaryPrimitives.ReadInt64BigEndian(trailer[8..]);
            var top = BinaryPrimitives.ReadInt64BigEndian(trailer[16..]);
            _offsetTable = BinaryPrimitives.ReadInt64BigEndian(trailer[24..]);
            if (_offsetSize is < 1 or > 8 || _refSize is < 1 or > 8 || _objectCount < 1 || top < 0 || top >= _objectCount
                || _offsetTable < 8 || _offsetTable > bytes.Length - 32 || (bytes.Length - 32 - _offsetTable) / _offsetSize < _objectCount)
            {
                throw Error("trailer describes an offset table that does not fit in the file (truncated or corrupt)");
            }

            return ReadObject(top, 0);
        }

        private object ReadObject(long index, int depth)
        {
            if (index < 0 || index >= _objectCount)
            {
                throw Error($"object reference {index} is outside the {_objectCount} objects");
            }

            if (depth > MaxDepth)
            {
                throw Error($"nested deeper than {MaxDepth} levels");
            }

            if (++_read > MaxObjectsRead)
            {
                throw Error($"more than {MaxObjectsRead} objects to read (shared objects repeated)");
            }

            var offset = (long)ReadUnsigned(_offsetTable + (index * _offsetSize), _offsetSize);
            if (offset < 8 || offset >= _offsetTable)
            {
                throw Error($"object {index} has offset {offset}, outside the object area");
            }

            var marker = bytes[offset];
            var type = marker >> 4;
            var info = marker & 0xF;
            switch (type)
            {
                case 0x0 when info == 0x8:
                    return false;
                case 0x0 when info == 0x9:
                    return true;
                case 0x1 when info <= 3:
                    var size = 1 << info;
                    Check(offset + 1, size);
                    return size == 16 ? (long)ReadUnsigned(offset + 9, 8) : size == 8 ? (long)ReadUnsigned(offset + 1, 8) : (long)ReadUnsigned(offset + 1, size);
                case 0x2 when info is 2 or 3:
                    Check(offset + 1, 1 << info);
                    return info == 2 ? BinaryPrimitives.ReadSingleBigEndian(bytes.AsSpan((int)offset + 1)) : BinaryPrimitives.ReadDoubleBigEndian(bytes.AsSpan((int)offset + 1));
                case 0x3 when info == 3:
                    Check(offset + 1, 8);
                    var seconds = BinaryPrimitives.ReadDoubleBigEndian(bytes.AsSpan((int)offset + 1));
                    return double.IsFinite(seconds) && Math.Abs(seconds) < 1e11 ? Epoch.AddSeconds(seconds) : throw Error($"object {index}: date out of range");
                case 0x4:
                    {
                        var (start, length) = Length(offset, info, 1);
                        return bytes.AsSpan((int)start, (int)length).ToArray();
                    }

                case 0x5:
                    {
                        var (start, length) = Length(offset, info, 1);
                        return Encoding.ASCII.GetString(bytes, (int)start, (int)length);
                    }

                case 0x6:
                    {
                        var (start, length) = Length(offset, info, 2);
                        return Encoding.BigEndianUnicode.GetString(bytes, (int)start, (int)length * 2);
                    }

                case 0x8:
                    Check(offset + 1, info + 1);
                    return (long)ReadUnsigned(offset + 1, info + 1);
                case 0xA:
                    {
                        var (start, count) = Length(offset, info, _refSize);
                        Enter(index);
                        var list = new List<object>((int)Math.Min(count, 1024));
                        for (long i = 0; i < count; i++)
                        {
                            list.Add(ReadObject((long)ReadUnsigned(start + (i * _refSize), _refSize), depth + 1));
                        }

                        _open.Remove(index);
                        return list;
                    }

                case 0xD:
                    {
                        var (start, count) = Length(offset, info, 2 * _refSize);
                        Enter(index);
                        var dict = new Dictionary<string, object>(StringComparer.Ordinal);
                        for (long i = 0; i < count; i++)
                        {
                            var key = ReadObject((long)ReadUnsigned(start + (i * _refSize), _refSize), depth + 1) as string
                                ?? throw Error($"object {index}: dictionary key {i} is not a string");
                            dict[key] = ReadObject((long)ReadUnsigned(start + ((count + i) * _refSize), _refSize), depth + 1);
                        }

                        _open.Remove(index);
                        return dict;
                    }

                default:
                    throw Error($"object {index} at offset {offset}: unsupported marker 0x{marker:x2}");
            }
        }

        /// <summary>Where an object's content starts and how many units it has; lengths ≥ 15 follow as an integer object.</summary>
        private (long Start, long Count) Length(long offset, int info, int unitSize)
        {
            long count = info;
            var start = offset + 1;
            if (info == 0xF)
            {
                Check(start, 1);
                var intMarker = bytes[start];
                if (intMarker >> 4 != 0x1 || (intMarker & 0xF) > 3)
                {
                    throw Error($"offset {offset}: length is not an integer object");
                }

                var size = 1 << (intMarker & 0xF);
                Check(start + 1, size);
                count = (long)ReadUnsigned(start + 1, Math.Min(size, 8));
                start += 1 + size;
            }

            if (count < 0 || count > (_offsetTable - start) / unitSize)
            {
                throw Error($"offset {offset}: {count} items do not fit in the file");
            }

            return (start, count);
        }

        private void Enter(long index)
        {
            if (!_open.Add(index))
            {
                throw Error($"object {index} contains itself");
            }
        }

        private void Check(long offset, int length)
        {
            if (offset < 0 || offset + length > bytes.Length)
            {
                throw Error($"offset {offset}: value runs past the end of the file (truncated)");
            }
        }

        private ulong ReadUnsigned(long offset, int size)
        {
            Check(offset, size);
            ulong value = 0;
            for (var i = 0; i < size; i++)
            {
                value = (value << 8) | bytes[offset + i];
            }

            return value;
        }

        private InputFormatException Error(string reason) => new(fileName, null, $"binary property list: {reason}");
    }
}
