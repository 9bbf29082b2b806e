using System.Globalization;
using System.Text;

namespace Patchpeil.Agent.Windows;

/// <summary>
/// Reads registry exports as written by regedit and `reg export`: "Windows Registry Editor Version 5.00" files in
/// UTF-16 LE with a byte-order mark, and the older "REGEDIT4" files in the ANSI code page. Values are
/// "name"="string", dword:0000000a, hex:…, and hex(n):… for the other kinds (2 = expandable string, 7 = multi-string,
/// b = qword), with long hex data continued over lines ending in a backslash.
/// A broken value or key is reported with its line and left out; the rest of the file is kept.
/// </summary>
public static class RegFile
{
    private const string Header5 = "Windows Registry Editor Version 5.00";
    private const string Header4 = "REGEDIT4";

    /// <summary>Longest logical line (a value with its continuations) read; larger values are skipped and reported.</summary>
    public const int MaxValueChars = 4 * 1024 * 1024;

    /// <summary>The keys the agent exports hold a few thousand subkeys; far more means a whole hive, which would only fill memory.</summary>
    public const int MaxKeys = 200_000;

    public sealed record Result(RegistrySnapshot Snapshot, int FormatVersion, IReadOnlyList<CollectionProblem> Problems);

    public static Result Read(string path) => Parse(RecordedInput.ReadBytes(path), Path.GetFileName(path));

    public static Result Parse(byte[] bytes, string fileName)
    {
        var text = Decode(bytes, fileName);
        using var reader = new StringReader(text);
        var first = reader.ReadLine()?.Trim();
        var version = first switch
        {
            Header5 => 5,
            Header4 => 4,
            _ => throw new InputFormatException(fileName, 1, $"not a registry export: the first line must be \"{Header5}\" or \"{Header4}\", found \"{Shorten(first ?? "")}\""),
        };

        var snapshot = new RegistrySnapshot();
        var problems = new List<CollectionProblem>();
        Dictionary<string, RegistryValue>? current = null;
        var skipKey = false;
        var lineNumber = 1;
        // regedit ends every line, the last one included, with CRLF; a file that stops mid-line was cut off, and its
        // last value may look valid while it is not ("dword:0003" of "dword:00030000").
        var cutOff = text.Length > 0 && text[^1] != '\n';
        while (reader.ReadLine() is { } physical)
        {
            lineNumber++;
            var startLine = lineNumber;
            var line = physical.TrimEnd();
            if (line.Length == 0 || line[0] == ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                skipKey = false;
                current = null;
                if (line[^1] != ']' || line.Length < 3)
                {
                    problems.Add(new(fileName, startLine, "key line is not closed with ']'; the key and its values are skipped"));
                    skipKey = true;
                    continue;
                }

                var path = line[1..^1];
                if (path.StartsWith('-'))
                {
                    snapshot.RemoveKey(path[1..]);
                    skipKey = true;
                }
                else if (snapshot.KeyCount >= MaxKeys)
                {
                    problems.Add(new(fileName, startLine, $"more than {MaxKeys} keys: this key and the rest of the file are skipped (export only the keys the agent needs)"));
                    break;
                }
                else
                {
                    current = snapshot.AddKey(path);
                }

                continue;
            }

            // Hex data longer than a line continues on the next ones: "…,00,\" then "  00,…". Only the first line can
            // hold a quoted string, so only there can a trailing backslash be data.
            var logical = new StringBuilder(line);
            var truncated = false;
            var tooLong = false;
            var continues = line[^1] == '\\' && !EndsInsideString(line);
            while (continues)
            {
                logical.Length--;
                if (reader.ReadLine() is not { } next)
                {
                    truncated = true;
                    break;
                }

                lineNumber++;
                var piece = next.Trim();
                continues = piece.EndsWith('\\');
                if (tooLong || logical.Length + piece.Length > MaxValueChars)
                {
                    // Keep consuming the value's lines without keeping them.
                    tooLong = true;
                    logical.Clear().Append(continues ? "\\" : "");
                }
                else
                {
                    logical.Append(piece);
                }
            }

            truncated |= cutOff && reader.Peek() == -1;
            if (skipKey)
            {
                continue;
            }

            if (truncated)
            {
                problems.Add(new(fileName, startLine, "the file ends inside this value (truncated export?); the value is skipped"));
                break;
            }

            if (tooLong || line.Length > MaxValueChars)
            {
                problems.Add(new(fileName, startLine, $"value is longer than {MaxValueChars} characters; skipped"));
                continue;
            }

            if (current is null)
            {
                problems.Add(new(fileName, startLine, "value outside any [key]; skipped"));
                continue;
            }

            if (ParseValue(logical.ToString(), version, out var name, out var value, out var error))
            {
                if (value is null)
                {
                    current.Remove(name);
                }
                else
                {
                    current[name] = value;
                }
            }
            else
            {
                problems.Add(new(fileName, startLine, error));
            }
        }

        return new Result(snapshot, version, problems);
    }

    private static string Decode(byte[] bytes, string fileName)
    {
        if (bytes.Length >= 4 && bytes[0] == (byte)'r' && bytes[1] == (byte)'e' && bytes[2] == (byte)'g' && bytes[3] == (byte)'f')
        {
            throw new InputFormatException(fileName, null, "this is a binary registry hive (regf), not a .reg export; export the key with `reg export`");
        }

        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
        {
            return Strict(new UnicodeEncoding(false, false, true), bytes, 2, fileName, "UTF-16 LE");
        }

        if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
        {
            return Strict(new UnicodeEncoding(true, false, true), bytes, 2, fileName, "UTF-16 BE");
        }

        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            return Strict(new UTF8Encoding(false, true), bytes, 3, fileName, "UTF-8");
        }

        if (bytes.Length >= 2 && bytes[0] != 0 && bytes[1] == 0)
        {
            // UTF-16 LE that lost its byte-order mark (copied through a tool that strips it).
            return Strict(new UnicodeEncoding(false, false, true), bytes, 0, fileName, "UTF-16 LE");
        }

        if (Array.IndexOf(bytes, (byte)0) >= 0)
        {
            throw new InputFormatException(fileName, null, "contains NUL bytes but is not UTF-16: not a text registry export");
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // REGEDIT4 files are in the ANSI code page; Latin-1 reads the Western European one without loss of
            // structure (only a few typographic characters differ from Windows-1252).
            return Encoding.Latin1.GetString(bytes);
        }
    }

    private static string Strict(Encoding encoding, byte[] bytes, int offset, string fileName, string name)
    {
        try
        {
            // A UTF-16 file cut at an odd byte loses half a character; the line it was on is reported as truncated.
            var count = bytes.Length - offset;
            return encoding.GetString(bytes, offset, encoding is UnicodeEncoding ? count & ~1 : count);
        }
        catch (DecoderFallbackException e)
        {
            throw new InputFormatException(fileName, null, $"not valid {name} text (byte offset {e.Index + offset}); regedit writes UTF-16 LE with a byte-order mark");
        }
    }

    /// <summary>True when the text so far has an unclosed quoted string, so a trailing backslash is data, not a continuation.</summary>
    private static bool EndsInsideString(string text)
    {
        var inside = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                inside = !inside;
            }
            else if (text[i] == '\\' && inside)
            {
                i++;
            }
        }

        return inside;
    }

    internal static bool ParseValue(string line, int version, out string name, out RegistryValue? value, out string error)
    {
        value = null;
        name = "";
        error = "";
        int position;
        if (line[0] == '@')
        {
            position = 1;
        }
        else if (line[0] == '"')
        {
            if (ReadQuoted(line, 0, out name, out position) is { } nameError)
            {
                error = $"value name: {nameError}";
                return false;
            }
        }
        else
        {
            error = $"expected a quoted value name or @, found \"{Shorten(line)}\"";
            return false;
        }

        if (position >= line.Length || line[position] != '=')
        {
            error = $"expected '=' after the value name \"{Shorten(name)}\"";
            return false;
        }

        var data = line[(position + 1)..].Trim();
        if (data == "-")
        {
            return true; // deletion: value stays null
        }

        if (data.StartsWith('"'))
        {
            if (ReadQuoted(data, 0, out var text, out var end) is { } textError)
            {
                error = $"value \"{Shorten(name)}\": {textError}";
                return false;
            }

            if (end != data.Length)
            {
                error = $"value \"{Shorten(name)}\": unexpected text after the closing quote";
                return false;
            }

            value = new RegistryValue(RegistryValueKind.Sz, Text: text);
            return true;
        }

        if (data.StartsWith("dword:", StringComparison.OrdinalIgnoreCase))
        {
            var digits = data[6..];
            if (digits.Length is < 1 or > 8 || !uint.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var dword))
            {
                error = $"value \"{Shorten(name)}\": dword must be up to 8 hex digits, found \"{Shorten(digits)}\"";
                return false;
            }

            value = new RegistryValue(RegistryValueKind.DWord, Number: dword);
            return true;
        }

        var kind = 3;
        string hex;
        if (data.StartsWith("hex:", StringComparison.OrdinalIgnoreCase))
        {
            hex = data[4..];
        }
        else if (data.StartsWith("hex(", StringComparison.OrdinalIgnoreCase) && data.IndexOf("):", StringComparison.Ordinal) is var close and > 4
            && int.TryParse(data.AsSpan(4, close - 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out kind))
        {
            hex = data[(close + 2)..];
        }
        else
        {
            error = $"value \"{Shorten(name)}\": unknown data \"{Shorten(data)}\" (expected a string, dword: or hex:)";
            return false;
        }

        if (!TryParseHex(hex, out var bytes))
        {
            error = $"value \"{Shorten(name)}\": hex data is not comma-separated byte pairs";
            return false;
        }

        value = kind switch
        {
            0 => new RegistryValue(RegistryValueKind.None, Bytes: bytes),
            1 => new RegistryValue(RegistryValueKind.Sz, Text: DecodeString(bytes, version)),
            2 => new RegistryValue(RegistryValueKind.ExpandSz, Text: DecodeString(bytes, version)),
            3 => new RegistryValue(RegistryValueKind.Binary, Bytes: bytes),
            4 when bytes.Length == 4 => new RegistryValue(RegistryValueKind.DWord, Number: BitConverter.ToUInt32(bytes)),
            5 when bytes.Length == 4 => new RegistryValue(RegistryValueKind.DWord, Number: ((long)bytes[0] << 24) | ((long)bytes[1] << 16) | ((long)bytes[2] << 8) | bytes[3]),
            7 => new RegistryValue(RegistryValueKind.MultiSz, Lines: DecodeString(bytes, version, keepNuls: true).Split('\0', StringSplitOptions.RemoveEmptyEntries)),
            0xb when bytes.Length == 8 => new RegistryValue(RegistryValueKind.QWord, Number: BitConverter.ToInt64(bytes)),
            4 or 5 or 0xb => null,
            _ => new RegistryValue(RegistryValueKind.Other, Bytes: bytes),
        };
        if (value is null)
        {
            error = $"value \"{Shorten(name)}\": hex({kind:x}) has {bytes.Length} bytes, which is the wrong size for a number";
            return false;
        }

        return true;
    }

    private static string? ReadQuoted(string text, int start, out string result, out int end)
    {
        var builder = new StringBuilder();
        for (var i = start + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                builder.Append(text[++i]);
            }
            else if (c == '"')
            {
                result = builder.ToString();
                end = i + 1;
                return null;
            }
            else
            {
                builder.Append(c);
            }
        }

        result = "";
        end = text.Length;
        return "string is not closed with '\"' (truncated line?)";
    }

    private static bool TryParseHex(string hex, out byte[] bytes)
    {
        var parts = hex.Split(',', StringSplitOptions.TrimEntries);
        if (parts is [""])
        {
            bytes = [];
            return true;
        }

        bytes = new byte[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length is < 1 or > 2 || !byte.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>REGEDIT5 stores string bytes as UTF-16 LE, REGEDIT4 as ANSI; both end with a NUL that is not part of the text.</summary>
    private static string DecodeString(byte[] bytes, int version, bool keepNuls = false)
    {
        var text = version == 5 ? Encoding.Unicode.GetString(bytes, 0, bytes.Length & ~1) : Encoding.Latin1.GetString(bytes);
        return keepNuls ? text : text.TrimEnd('\0');
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
