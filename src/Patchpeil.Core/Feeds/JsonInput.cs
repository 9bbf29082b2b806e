using System.Globalization;
using System.Text.Json;

namespace Patchpeil.Core.Feeds;

/// <summary>Reads untrusted bytes into a JsonDocument, refusing with a reason instead of throwing.</summary>
internal static class JsonInput
{
    /// <summary>Reads a whole stream, refusing before buffering when the stream says it is too large.</summary>
    public static async Task<(byte[]? Bytes, QuarantineReason? Refusal)> ReadAllAsync(
        Stream stream, FeedReadOptions options, CancellationToken cancellationToken)
    {
        if (stream.CanSeek && stream.Length - stream.Position > options.MaxBytes)
        {
            return (null, TooLarge(stream.Length - stream.Position, options));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            total += read;
            if (total > options.MaxBytes)
            {
                return (null, TooLarge(total, options, atLeast: true));
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), null);
    }

    public static QuarantineReason TooLarge(long size, FeedReadOptions options, bool atLeast = false) =>
        new(FeedReasonCodes.TooLarge, "",
            string.Create(CultureInfo.InvariantCulture,
                $"input is {(atLeast ? "more than " : "")}{size} bytes; the limit is {options.MaxBytes} bytes"));

    /// <summary>
    /// Checks syntax, truncation and nesting depth in one forward pass, then builds the DOM.
    /// The pass reads with isFinalBlock:false so a valid prefix that simply ends is told apart from bad syntax.
    /// </summary>
    public static (JsonDocument? Document, QuarantineReason? Refusal) Parse(ReadOnlyMemory<byte> bytes, FeedReadOptions options)
    {
        var span = bytes.Span;
        if (span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return (null, new QuarantineReason(FeedReasonCodes.Empty, "", "input is empty"));
        }

        var refusal = Guard(span, options.MaxDepth);
        if (refusal is not null)
        {
            return (null, refusal);
        }

        try
        {
            var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = options.MaxDepth + 8 });
            return (document, null);
        }
        catch (JsonException e)
        {
            return (null, Syntax(e));
        }
    }

    public static QuarantineReason Syntax(JsonException e) =>
        new(FeedReasonCodes.JsonSyntax, "",
            string.Create(CultureInfo.InvariantCulture,
                $"malformed JSON at line {(e.LineNumber ?? 0) + 1}, byte position {(e.BytePositionInLine ?? 0) + 1}: {FirstSentence(e.Message)}"));

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }

    private static QuarantineReason? Guard(ReadOnlySpan<byte> span, int maxDepth)
    {
        var reader = new Utf8JsonReader(span, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { MaxDepth = maxDepth + 8 }));
        try
        {
            var sawValue = false;
            while (reader.Read())
            {
                sawValue = true;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth + 1 > maxDepth)
                {
                    var (line, column) = LineAndColumn(span, reader.TokenStartIndex);
                    return new QuarantineReason(FeedReasonCodes.JsonDepth, "",
                        string.Create(CultureInfo.InvariantCulture,
                            $"JSON nested deeper than {maxDepth} levels at line {line}, byte position {column}"));
                }

                if (reader.CurrentDepth == 0 && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    return null;
                }

                if (reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                {
                    return null;
                }
            }

            var (l, c) = LineAndColumn(span, (int)reader.BytesConsumed);
            return new QuarantineReason(FeedReasonCodes.JsonTruncated, "",
                string.Create(CultureInfo.InvariantCulture,
                    $"JSON ends before the document is complete (truncated?) at line {l}, byte position {c}{(sawValue ? "" : "; no value read")}"));
        }
        catch (JsonException e)
        {
            return Syntax(e);
        }
    }

    public static (long Line, long Column) LineAndColumn(ReadOnlySpan<byte> span, long offset)
    {
        var upTo = span[..(int)Math.Min(offset, span.Length)];
        var line = upTo.Count((byte)'\n') + 1;
        var lastNewline = upTo.LastIndexOf((byte)'\n');
        return (line, upTo.Length - lastNewline);
    }
}
