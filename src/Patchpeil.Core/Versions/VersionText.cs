using System.Globalization;

namespace Patchpeil.Core.Versions;

/// <summary>Checks shared by every scheme's <c>TryParse</c>, so all schemes reject garbage with the same words.</summary>
internal static class VersionText
{
    /// <summary>Real versions are short; a longer text is treated as hostile input rather than parsed.</summary>
    public const int MaxLength = 4096;

    /// <summary>Returns null when the text is acceptable as a version token, otherwise the problem.</summary>
    public static string? Check(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "empty version";
        }

        if (text.Length > MaxLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"version longer than {MaxLength} characters");
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                return At("lone surrogate", i);
            }

            if (char.IsLowSurrogate(c))
            {
                return At("lone surrogate", i);
            }

            if (char.IsControl(c))
            {
                return At("control character", i);
            }

            if (char.IsWhiteSpace(c))
            {
                return At("whitespace", i);
            }
        }

        return null;
    }

    public static string At(string problem, int position) =>
        string.Create(CultureInfo.InvariantCulture, $"{problem} at position {position}");

    // Hand-written: MemoryExtensions.IndexOfAnyExceptInRange allocated on every call on .NET 10 (measured, 96 bytes),
    // and the raw comparisons must not allocate.
    public static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    public static bool HasDigit(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (IsAsciiDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsAsciiDigit(int c) => (uint)(c - '0') <= 9;

    public static bool IsAsciiLetter(int c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';
}
