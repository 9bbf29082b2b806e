using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Patchpeil.Core.Feeds;

/// <summary>
/// Streams the elements of one array property of a top-level JSON object (NVD <c>vulnerabilities</c>) without building
/// a DOM of the whole document: a Utf8JsonReader runs over a growing window of the stream, and only one element at a
/// time is buffered and handed out as its own small JsonDocument. Top-level scalars (totalResults, timestamp …) are
/// collected as they pass. Syntax errors and truncation end the stream with a reason; elements read before are kept.
/// With no array name the document itself must be an array (an OSV list file) and its elements are streamed.
/// </summary>
internal sealed class JsonArrayStream
{
    private enum Phase
    {
        Start,
        Root,
        Array,
        Done,
    }

    private readonly string? _arrayName;
    private readonly FeedReadOptions _options;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _final;
    private long _totalRead;
    private JsonReaderState _state;
    private Phase _phase = Phase.Start;
    private string? _pendingProperty;

    public JsonArrayStream(string? arrayName, FeedReadOptions options)
    {
        _arrayName = arrayName;
        _options = options;
        _state = new JsonReaderState(new JsonReaderOptions { MaxDepth = options.MaxDepth });
    }

    /// <summary>Top-level scalar properties, raw JSON text (strings keep their quotes off).</summary>
    public Dictionary<string, JsonElement> Scalars { get; } = new(StringComparer.Ordinal);

    public bool ArrayFound { get; private set; }

    public QuarantineReason? Failure { get; private set; }

    /// <summary>
    /// Calls <paramref name="onElement"/> with each array element in order: the element (undefined when it could not be
    /// parsed), its bytes, and the reason it could not be parsed.
    /// </summary>
    public async Task ReadAsync(Stream stream, Action<JsonElement, ReadOnlyMemory<byte>, QuarantineReason?> onElement, CancellationToken cancellationToken)
    {
        while (_phase != Phase.Done && Failure is null)
        {
            var elements = new List<ReadOnlyMemory<byte>>();
            var progressed = Step(elements);
            foreach (var bytes in elements)
            {
                using var doc = ParseElement(bytes, out var reason);
                onElement(doc?.RootElement ?? default, bytes, reason);
            }

            if (_phase == Phase.Done || Failure is not null)
            {
                break;
            }

            if (!progressed)
            {
                if (_final)
                {
                    Failure = new QuarantineReason(FeedReasonCodes.JsonTruncated, "",
                        string.Create(CultureInfo.InvariantCulture, $"JSON ends before the document is complete (truncated?) at byte {_totalRead - (_end - _start)} of {_totalRead}"));
                    break;
                }

                await FillAsync(stream, cancellationToken);
            }
        }
    }

    /// <summary>
    /// The raw bytes of each array element in order (each its own array, never a slice of a shared buffer), parsed by
    /// nobody here: the caller decides which to parse. <see cref="Failure"/> is set when the stream ends badly.
    /// </summary>
    public async IAsyncEnumerable<byte[]> ElementsAsync(Stream stream, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var elements = new List<ReadOnlyMemory<byte>>();
        while (_phase != Phase.Done && Failure is null)
        {
            elements.Clear();
            var progressed = Step(elements);
            foreach (var bytes in elements)
            {
                yield return MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                    ? segment.Array
                    : bytes.ToArray();
            }

            if (_phase == Phase.Done || Failure is not null)
            {
                break;
            }

            if (!progressed)
            {
                if (_final)
                {
                    Failure = new QuarantineReason(FeedReasonCodes.JsonTruncated, "",
                        string.Create(CultureInfo.InvariantCulture, $"JSON ends before the document is complete (truncated?) at byte {_totalRead - (_end - _start)} of {_totalRead}"));
                    break;
                }

                await FillAsync(stream, cancellationToken);
            }
        }
    }

    private JsonDocument? ParseElement(ReadOnlyMemory<byte> bytes, out QuarantineReason? reason)
    {
        reason = null;
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = _options.MaxDepth + 8 });
        }
        catch (JsonException e)
        {
            reason = JsonInput.Syntax(e);
            return null;
        }
    }

    private async Task FillAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            // One element does not fit: grow, never beyond the input limit.
            var size = (int)Math.Min((long)_buffer.Length * 2, Math.Max(_options.MaxBytes, _buffer.Length + 1));
            Array.Resize(ref _buffer, size);
        }

        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0)
        {
            _final = true;
        }

        _end += read;
        _totalRead += read;
        if (_totalRead > _options.MaxBytes)
        {
            Failure = JsonInput.TooLarge(_totalRead, _options, atLeast: true);
        }
    }

    /// <summary>Advances over whole tokens in the window; false when nothing could be consumed without more data.</summary>
    private bool Step(List<ReadOnlyMemory<byte>> elements)
    {
        var window = _buffer.AsMemory(_start, _end - _start);
        var stepState = _state;
        var reader = new Utf8JsonReader(window.Span, _final, stepState);
        var progressed = false;
        try
        {
            while (true)
            {
                var checkpoint = reader.CurrentState;
                var checkpointBytes = reader.BytesConsumed;
                if (!reader.Read())
                {
                    break;
                }

                switch (_phase)
                {
                    case Phase.Start when _arrayName is null:
                        if (reader.TokenType != JsonTokenType.StartArray)
                        {
                            Failure = new QuarantineReason(FeedReasonCodes.JsonType, "", "the document must be a JSON array");
                            return true;
                        }

                        ArrayFound = true;
                        _phase = Phase.Array;
                        break;
                    case Phase.Start:
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            Failure = new QuarantineReason(FeedReasonCodes.JsonType, "", "the document must be a JSON object");
                            return true;
                        }

                        _phase = Phase.Root;
                        break;
                    case Phase.Root when reader.TokenType == JsonTokenType.PropertyName:
                        _pendingProperty = reader.GetString();
                        break;
                    case Phase.Root when reader.TokenType == JsonTokenType.EndObject:
                        _phase = Phase.Done;
                        Commit(reader.CurrentState, reader.BytesConsumed);
                        return true;
                    case Phase.Root when _pendingProperty == _arrayName && reader.TokenType == JsonTokenType.StartArray:
                        ArrayFound = true;
                        _phase = Phase.Array;
                        _pendingProperty = null;
                        break;
                    case Phase.Root when reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (!reader.TrySkip())
                        {
                            Commit(checkpoint, checkpointBytes);
                            return progressed;
                        }

                        _pendingProperty = null;
                        break;
                    case Phase.Root:
                        if (_pendingProperty is not null)
                        {
                            using var doc = JsonDocument.Parse(window[(int)reader.TokenStartIndex..(int)reader.BytesConsumed]);
                            Scalars[_pendingProperty] = doc.RootElement.Clone();
                        }

                        _pendingProperty = null;
                        break;
                    case Phase.Array when reader.TokenType == JsonTokenType.EndArray:
                        _phase = _arrayName is null ? Phase.Done : Phase.Root;
                        if (_phase == Phase.Done)
                        {
                            Commit(reader.CurrentState, reader.BytesConsumed);
                            return true;
                        }

                        break;
                    case Phase.Array:
                        var elementStart = (int)reader.TokenStartIndex;
                        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                        {
                            Commit(checkpoint, checkpointBytes);
                            return progressed;
                        }

                        elements.Add(window[elementStart..(int)reader.BytesConsumed].ToArray());
                        break;
                }

                progressed = true;
            }

            Commit(reader.CurrentState, reader.BytesConsumed);
            return progressed;
        }
        catch (JsonException e)
        {
            var depth = reader.CurrentDepth >= _options.MaxDepth - 1;
            Failure = _final && IsValidPrefix(window.Span, stepState)
                ? new QuarantineReason(FeedReasonCodes.JsonTruncated, "", string.Create(CultureInfo.InvariantCulture, $"JSON ends before the document is complete (truncated?) at line {(e.LineNumber ?? 0) + 1}"))
                : depth
                ? new QuarantineReason(FeedReasonCodes.JsonDepth, "", string.Create(CultureInfo.InvariantCulture, $"JSON nested deeper than {_options.MaxDepth} levels (line {(e.LineNumber ?? 0) + 1})"))
                : JsonInput.Syntax(e);
            return true;
        }
    }

    /// <summary>True when the data only ends too early: read as a non-final block it raises no error.</summary>
    private static bool IsValidPrefix(ReadOnlySpan<byte> data, JsonReaderState state)
    {
        var probe = new Utf8JsonReader(data, isFinalBlock: false, state);
        try
        {
            while (probe.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private void Commit(JsonReaderState state, long consumed)
    {
        _state = state;
        _start += (int)consumed;
    }
}
