using System.Globalization;
using System.Text;
using System.Xml;

namespace Patchpeil.Agent.MacOS;

/// <summary>
/// Reads XML property lists (Apple's plist DTD 1.0): dict, array, string, integer, real, true, false, date and data,
/// as Dictionary, List, string, long, double, bool, DateTime and byte[]; binary property lists ("bplist00") are read
/// by <see cref="BinaryPlist"/> into the same values. The DTD is never fetched.
/// </summary>
public static class Plist
{
    /// <summary>Deeper nesting than any Info.plist has is refused rather than followed.</summary>
    private const int MaxDepth = 64;

    public static object Read(string path) => Parse(RecordedInput.ReadBytes(path), path);

    public static object Parse(byte[] bytes, string fileName)
    {
        if (bytes.AsSpan().StartsWith("bplist00"u8))
        {
            return BinaryPlist.Parse(bytes, fileName);
        }

        if (bytes.AsSpan().StartsWith("bplist"u8))
        {
            throw new InputFormatException(fileName, null, $"binary property list version {Encoding.ASCII.GetString(bytes, 6, Math.Min(2, bytes.Length - 6))} is not supported (only bplist00); convert it with `plutil -convert xml1`");
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreWhitespace = true,
            IgnoreProcessingInstructions = true,
            MaxCharactersInDocument = 64L * 1024 * 1024,
        };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes), settings);
            reader.MoveToContent();
            if (reader.NodeType != XmlNodeType.Element || reader.Name != "plist")
            {
                throw new InputFormatException(fileName, LineOf(reader), $"not a property list: root element is <{reader.Name}>, expected <plist>");
            }

            reader.Read();
            return ReadValue(reader, fileName, 0);
        }
        catch (XmlException e)
        {
            throw new InputFormatException(fileName, e.LineNumber, $"not well-formed XML: {e.Message}");
        }
    }

    private static object ReadValue(XmlReader reader, string fileName, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InputFormatException(fileName, LineOf(reader), $"nested deeper than {MaxDepth} levels");
        }

        if (reader.NodeType != XmlNodeType.Element)
        {
            throw new InputFormatException(fileName, LineOf(reader), $"expected a value element, found {reader.NodeType}");
        }

        var line = LineOf(reader);
        switch (reader.Name)
        {
            case "dict":
                {
                    var dict = new Dictionary<string, object>(StringComparer.Ordinal);
                    if (reader.IsEmptyElement)
                    {
                        reader.Read();
                        return dict;
                    }

                    reader.Read();
                    while (reader.NodeType != XmlNodeType.EndElement)
                    {
                        if (reader.NodeType != XmlNodeType.Element || reader.Name != "key")
                        {
                            throw new InputFormatException(fileName, LineOf(reader), $"expected <key> in <dict>, found <{reader.Name}>");
                        }

                        var key = reader.ReadElementContentAsString();
                        dict[key] = ReadValue(reader, fileName, depth + 1);
                    }

                    reader.Read();
                    return dict;
                }

            case "array":
                {
                    var list = new List<object>();
                    if (reader.IsEmptyElement)
                    {
                        reader.Read();
                        return list;
                    }

                    reader.Read();
                    while (reader.NodeType != XmlNodeType.EndElement)
                    {
                        list.Add(ReadValue(reader, fileName, depth + 1));
                    }

                    reader.Read();
                    return list;
                }

            case "string":
                return reader.ReadElementContentAsString();
            case "integer":
                var integer = reader.ReadElementContentAsString().Trim();
                return long.TryParse(integer, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                    ? number
                    : throw new InputFormatException(fileName, line, $"<integer> \"{integer}\" is not an integer");
            case "real":
                var real = reader.ReadElementContentAsString().Trim();
                return double.TryParse(real, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                    ? value
                    : throw new InputFormatException(fileName, line, $"<real> \"{real}\" is not a number");
            case "true":
            case "false":
                var result = reader.Name == "true";
                reader.Skip();
                return result;
            case "date":
                var date = reader.ReadElementContentAsString().Trim();
                return DateTime.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)
                    ? parsed
                    : throw new InputFormatException(fileName, line, $"<date> \"{date}\" is not an ISO 8601 time");
            case "data":
                var data = reader.ReadElementContentAsString();
                try
                {
                    return Convert.FromBase64String(string.Concat(data.Where(c => !char.IsWhiteSpace(c))));
                }
                catch (FormatException)
                {
                    throw new InputFormatException(fileName, line, "<data> is not base64");
                }

            default:
                throw new InputFormatException(fileName, line, $"unknown plist element <{reader.Name}>");
        }
    }

    private static int? LineOf(XmlReader reader) => reader is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : null;
}
