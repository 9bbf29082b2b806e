using System.Globalization;

namespace Patchpeil.Core.Versions;

/// <summary>Text front ends for the version schemes (wired into <c>patchpeil versions …</c>).</summary>
public static class VersionCommands
{
    /// <summary>
    /// Reads lines <c>A B</c> (two versions separated by whitespace) and writes one result line per input line, in
    /// order: <c>-1</c>, <c>0</c> or <c>1</c>; for a scheme without an order (unknown) <c>0</c> or <c>unordered</c>.
    /// A bad line (not exactly two fields, or a version the scheme rejects) writes nothing to
    /// <paramref name="output"/> and <c>line N: problem</c> to <paramref name="error"/>, and the run continues; so
    /// output lines no longer align with input lines once an error occurred — check the exit code.
    /// Returns 0 when every line was good, 2 otherwise.
    /// </summary>
    public static int Compare(VersionScheme scheme, TextReader input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        var exitCode = 0;
        var lineNumber = 0;
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            var problem = CompareLine(scheme, line, out var result);
            if (problem is null)
            {
                output.WriteLine(result);
            }
            else
            {
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}: {problem}"));
                exitCode = 2;
            }
        }

        return exitCode;
    }

    private static string? CompareLine(VersionScheme scheme, string line, out string result)
    {
        result = string.Empty;
        var span = line.AsSpan();
        Span<Range> fields = stackalloc Range[3];
        var count = span.SplitAny(fields, " \t\v\f\r", StringSplitOptions.RemoveEmptyEntries);
        if (count != 2)
        {
            return count < 2 ? "expected two versions separated by whitespace" : "more than two fields";
        }

        var a = line[fields[0]];
        var b = line[fields[1]];
        if (!scheme.TryParse(a, out var ka, out var problem))
        {
            return $"'{VersionScheme.Shorten(a)}': {problem}";
        }

        if (!scheme.TryParse(b, out var kb, out problem))
        {
            return $"'{VersionScheme.Shorten(b)}': {problem}";
        }

        result = scheme.Relate(ka, kb) switch
        {
            VersionRelation.Less => "-1",
            VersionRelation.Greater => "1",
            VersionRelation.Equal => "0",
            _ => "unordered",
        };
        return null;
    }
}
