using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Ranges;

/// <summary>Command-line entry points for ranges; the host maps arguments and streams onto these.</summary>
public static class RangeCommands
{
    /// <summary>
    /// <c>in-range SCHEME RANGE</c>: reads one version per line from <paramref name="input"/> and writes
    /// <c>true</c> or <c>false</c> per version. RANGE is a vers (<c>vers:deb/&gt;=1.0|&lt;2.0</c>) or a vls
    /// (<c>&gt;=1.0|&lt;2.0</c>). A line that is not a valid version, or whose answer cannot be decided (an unordered
    /// scheme, say), writes <c>line N: problem</c> to <paramref name="error"/> and nothing to
    /// <paramref name="output"/>; processing continues. Returns 2 for a bad RANGE or when any line was bad, else 0.
    /// </summary>
    public static int InRange(VersionScheme scheme, string range, TextReader input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!TryReadRange(scheme, range, out var parsed, out var problem))
        {
            error.WriteLine($"range: {problem}");
            return 2;
        }

        if (parsed!.Confidence == RangeConfidence.Repaired)
        {
            error.WriteLine($"range: read '{range}' as {parsed.Range} ({string.Join("; ", parsed.Repairs)})");
        }

        var bad = false;
        var lineNumber = 0;
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            var version = parsed.PrepareVersion(line.Trim());
            if (version.Length == 0)
            {
                error.WriteLine($"line {lineNumber}: empty version");
                bad = true;
                continue;
            }

            if (!scheme.TryParse(version, out _, out var versionProblem))
            {
                error.WriteLine($"line {lineNumber}: {versionProblem}");
                bad = true;
                continue;
            }

            var match = parsed.Contains(version);
            switch (match.Verdict)
            {
                case RangeVerdict.Inside:
                    output.WriteLine("true");
                    break;
                case RangeVerdict.Outside:
                    output.WriteLine("false");
                    break;
                default:
                    error.WriteLine($"line {lineNumber}: cannot decide: {match.Rule}");
                    bad = true;
                    break;
            }
        }

        return bad ? 2 : 0;
    }

    private static bool TryReadRange(VersionScheme scheme, string? range, out CsafVersionRange? parsed, out string? problem)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(range))
        {
            problem = "empty range";
            return false;
        }

        if (range.StartsWith("vers:", StringComparison.OrdinalIgnoreCase))
        {
            var slash = range.IndexOf('/', StringComparison.Ordinal);
            var type = slash > 5 ? range[5..slash].Trim().ToLowerInvariant() : string.Empty;
            var typeScheme = RangeSchemes.ForVersType(type);
            if (type is not ("all" or "none" or "generic") && typeScheme.IsOrdered && typeScheme.Kind != scheme.Kind)
            {
                problem = $"vers type '{type}' orders versions as {typeScheme.Name}, not as {scheme.Name}; comparing across schemes is an error";
                return false;
            }
        }

        parsed = CsafVersionRange.Parse(range, scheme);
        if (parsed.Confidence == RangeConfidence.TextOnly)
        {
            problem = parsed.Problem;
            return false;
        }

        problem = null;
        return true;
    }
}
