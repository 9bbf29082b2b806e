using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Patchpeil.Core.Cvss;

/// <summary>
/// A parsed, scored CVSS v2.0, v3.0, v3.1 or v4.0 vector. Parsing is strict; scores are exact one-decimal values.
/// </summary>
/// <remarks>
/// Two vectors are equal when they have the same version and the same defined metric values: metrics given as
/// <c>X</c>/<c>ND</c> (Not Defined) are the same as metrics left out, and in v2/v3 the order of metrics does not
/// matter. <see cref="ToString"/> gives the canonical form: prefix, metrics in specification order, Not Defined
/// metrics omitted.
/// </remarks>
public sealed class CvssVector : IEquatable<CvssVector>
{
    /// <summary>Longer input is rejected before it is looked at; the longest valid v4.0 vector is under 200 characters.</summary>
    public const int MaxLength = 512;

    private readonly CvssMetricValues _values;

    private CvssVector(CvssMetricValues values)
    {
        _values = values;
        Version = values.Spec.Version;
        switch (Version)
        {
            case CvssVersion.Cvss20:
                (BaseScore, TemporalScore, EnvironmentalScore) = Cvss2Scorer.Score(values);
                Score = BaseScore;
                break;
            case CvssVersion.Cvss30:
            case CvssVersion.Cvss31:
                var (b, t, e) = Cvss3Scorer.Score(values, Version == CvssVersion.Cvss31);
                (BaseScore, TemporalScore, EnvironmentalScore) = (b, t, e);
                Score = BaseScore;
                break;
            default:
                BaseScore = Cvss4Scorer.Score(values, useThreat: false, useEnvironmental: false);
                ThreatScore = Cvss4Scorer.Score(values, useThreat: true, useEnvironmental: false);
                EnvironmentalScore = Cvss4Scorer.Score(values, useThreat: true, useEnvironmental: true);
                Score = EnvironmentalScore.Value;
                break;
        }

        Severity = SeverityOf(Version, Score);
    }

    public CvssVersion Version { get; }

    /// <summary>Base score: v2/v3 base equation; v4.0 CVSS-B (threat and environmental metrics ignored).</summary>
    public decimal BaseScore { get; }

    /// <summary>
    /// v3.x: always computed (undefined temporal metrics weigh 1, so it equals the base score then). v2: null unless the
    /// vector defines a temporal metric, as the v2 Guide treats the temporal group as optional. v4.0: null (see
    /// <see cref="ThreatScore"/>).
    /// </summary>
    public decimal? TemporalScore { get; }

    /// <summary>v4.0 only: CVSS-BT, base and threat metrics (environmental ignored). Null for v2/v3.</summary>
    public decimal? ThreatScore { get; }

    /// <summary>
    /// v3.x: the environmental equation (it includes the temporal metrics), always computed. v2: null unless the vector
    /// defines an environmental metric. v4.0: the score with every metric in the vector (CVSS-BE or CVSS-BTE).
    /// </summary>
    public decimal? EnvironmentalScore { get; }

    /// <summary>
    /// The score this vector is published with: the base score for v2/v3 (what NVD and CSAF <c>baseScore</c> carry),
    /// and for v4.0 the score using every metric present, whose nomenclature is <see cref="Nomenclature"/>.
    /// </summary>
    public decimal Score { get; }

    /// <summary>Severity band of <see cref="Score"/>.</summary>
    public CvssSeverity Severity { get; }

    /// <summary>v4.0 only: CVSS-B, CVSS-BT, CVSS-BE or CVSS-BTE, naming which groups <see cref="Score"/> used.</summary>
    public string? Nomenclature => Version != CvssVersion.Cvss40
        ? null
        : (_values.HasAny(CvssMetricGroup.Threat), _values.HasAny(CvssMetricGroup.Environmental)) switch
        {
            (false, false) => "CVSS-B",
            (true, false) => "CVSS-BT",
            (false, true) => "CVSS-BE",
            (true, true) => "CVSS-BTE",
        };

    /// <summary>The defined metrics in specification order (Not Defined metrics are absent).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metrics
    {
        get
        {
            var list = new List<KeyValuePair<string, string>>();
            for (var i = 0; i < _values.Count; i++)
            {
                if (_values[i] is { } value)
                {
                    list.Add(new(_values.Spec.Metrics[i].Key, value));
                }
            }

            return list;
        }
    }

    /// <summary>The value of a metric (abbreviation as in the vector, case-sensitive), or null when not defined.</summary>
    public string? GetMetric(string key) =>
        _values.Spec.IndexOf.TryGetValue(key, out var index) ? _values[index] : null;

    /// <summary>Parses and scores a vector. Never throws; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? text,
        [NotNullWhen(true)] out CvssVector? vector,
        [NotNullWhen(false)] out string? error)
    {
        vector = null;
        error = Validate(text, out var values);
        if (error is not null || values is null)
        {
            error ??= "Vector could not be parsed.";
            return false;
        }

        vector = new CvssVector(values);
        return true;
    }

    /// <summary>Parses and scores a vector.</summary>
    /// <exception cref="FormatException">The text is not a valid CVSS vector; the message says why.</exception>
    public static CvssVector Parse(string text) =>
        TryParse(text, out var vector, out var error) ? vector : throw new FormatException(error);

    /// <summary>Severity band of a score under the rating scale of <paramref name="version"/>.</summary>
    public static CvssSeverity SeverityOf(CvssVersion version, decimal score)
    {
        if (version == CvssVersion.Cvss20)
        {
            return score < 4.0m ? CvssSeverity.Low : score < 7.0m ? CvssSeverity.Medium : CvssSeverity.High;
        }

        return score <= 0.0m ? CvssSeverity.None
            : score < 4.0m ? CvssSeverity.Low
            : score < 7.0m ? CvssSeverity.Medium
            : score < 9.0m ? CvssSeverity.High
            : CvssSeverity.Critical;
    }

    /// <summary>A score as CVSS writes it: one decimal, always a point (never the Dutch comma).</summary>
    public static string FormatScore(decimal score) => score.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>The canonical vector string.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(_values.Spec.Prefix);
        for (var i = 0; i < _values.Count; i++)
        {
            if (_values[i] is { } value)
            {
                if (builder.Length > 0)
                {
                    builder.Append('/');
                }

                builder.Append(_values.Spec.Metrics[i].Key).Append(':').Append(value);
            }
        }

        return builder.ToString();
    }

    public bool Equals(CvssVector? other) => other is not null && _values.SameAs(other._values);

    public override bool Equals(object? obj) => Equals(obj as CvssVector);

    public override int GetHashCode() => _values.ValuesHashCode();

    public static bool operator ==(CvssVector? left, CvssVector? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(CvssVector? left, CvssVector? right) => !(left == right);

    private static string? Validate(string? text, out CvssMetricValues? result)
    {
        result = null;
        if (text is null)
        {
            return "Vector is null.";
        }

        if (text.Length == 0)
        {
            return "Vector is empty.";
        }

        if (text.Length > MaxLength)
        {
            return $"Vector is too long ({text.Length.ToString(CultureInfo.InvariantCulture)} characters; at most {MaxLength.ToString(CultureInfo.InvariantCulture)}).";
        }

        for (var i = 0; i < text.Length; i++)
        {
            // Vector strings are printable ASCII without spaces; this also rejects whitespace and control characters.
            if (text[i] is < '!' or > '~')
            {
                return $"Vector contains an invalid character U+{((int)text[i]).ToString("X4", CultureInfo.InvariantCulture)} at position {i.ToString(CultureInfo.InvariantCulture)}.";
            }
        }

        var spec = CvssSpec.V20;
        var body = text;
        if (text.StartsWith("CVSS:", StringComparison.Ordinal))
        {
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            var prefix = slash < 0 ? text : text[..slash];
            CvssSpec? prefixed = prefix switch
            {
                "CVSS:3.0" => CvssSpec.V30,
                "CVSS:3.1" => CvssSpec.V31,
                "CVSS:4.0" => CvssSpec.V40,
                _ => null,
            };
            if (prefixed is null)
            {
                return $"Unsupported CVSS version '{Shorten(prefix["CVSS:".Length..])}'; expected CVSS:3.0, CVSS:3.1, CVSS:4.0, or a v2 vector without prefix.";
            }

            spec = prefixed;

            if (slash < 0 || slash == text.Length - 1)
            {
                return $"{spec.DisplayName} vector has no metrics after the '{prefix}' prefix.";
            }

            body = text[(slash + 1)..];
        }
        else if (text.Contains("CVSS:", StringComparison.Ordinal))
        {
            return "The 'CVSS:x.y' version prefix must come first in the vector.";
        }

        var values = new string?[spec.Metrics.Count];
        var seen = new bool[spec.Metrics.Count];
        var lastIndex = -1;
        var position = 0;
        foreach (var part in body.Split('/'))
        {
            position++;
            if (part.Length == 0)
            {
                return $"Empty metric at position {position.ToString(CultureInfo.InvariantCulture)} (doubled or trailing '/').";
            }

            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return colon == 0
                    ? $"Metric at position {position.ToString(CultureInfo.InvariantCulture)} has no name ('{Shorten(part)}')."
                    : $"Metric '{Shorten(part)}' has no value; expected 'name:value'.";
            }

            var key = part[..colon];
            var value = part[(colon + 1)..];
            if (!spec.IndexOf.TryGetValue(key, out var index))
            {
                var hint = spec.Version == CvssVersion.Cvss20 && CvssSpec.V31.IndexOf.ContainsKey(key)
                    ? " (a CVSS v3 vector must start with 'CVSS:3.0/' or 'CVSS:3.1/')"
                    : spec.Version == CvssVersion.Cvss20 && CvssSpec.V40.IndexOf.ContainsKey(key)
                        ? " (a CVSS v4 vector must start with 'CVSS:4.0/')"
                        : "";
                return $"Unknown metric '{Shorten(key)}' for {spec.DisplayName}{hint}.";
            }

            var metric = spec.Metrics[index];
            if (seen[index])
            {
                return $"Duplicate metric '{key}' ({metric.Name}).";
            }

            if (!metric.Values.Contains(value, StringComparer.Ordinal))
            {
                return $"Invalid value '{Shorten(value)}' for metric '{key}' ({metric.Name}); expected one of {string.Join(", ", metric.Values)}.";
            }

            if (spec.StrictOrder && index < lastIndex)
            {
                return $"Metric '{key}' ({metric.Name}) is out of order: {spec.DisplayName} requires it before '{spec.Metrics[lastIndex].Key}' (order {string.Join("/", spec.Metrics.Select(m => m.Key))}).";
            }

            seen[index] = true;
            lastIndex = Math.Max(lastIndex, index);
            values[index] = value == metric.NotDefined ? null : value;
        }

        foreach (var metric in spec.Metrics)
        {
            if (metric.Mandatory && !seen[spec.IndexOf[metric.Key]])
            {
                return $"Missing mandatory base metric '{metric.Key}' ({metric.Name}) in {spec.DisplayName} vector.";
            }
        }

        result = new CvssMetricValues(spec, values);
        return null;
    }

    /// <summary>Keeps error messages readable when a caller passes a long garbage token.</summary>
    private static string Shorten(string token) => token.Length <= 24 ? token : string.Concat(token.AsSpan(0, 24), "…");
}
