namespace Patchpeil.Core.Cvss;

/// <summary>
/// The metric values of a parsed vector, indexed like <see cref="CvssSpec.Metrics"/>. A null entry means "not
/// defined": absent from the vector or given as <c>X</c>/<c>ND</c>, which the specifications treat the same.
/// </summary>
internal sealed class CvssMetricValues(CvssSpec spec, string?[] values)
{
    private readonly string?[] _values = values;

    public CvssSpec Spec { get; } = spec;

    public string? this[string key] => _values[Spec.IndexOf[key]];

    public string? this[int index] => _values[index];

    public int Count => _values.Length;

    /// <summary>A mandatory base metric; parsing guarantees it is present.</summary>
    public string Required(string key) =>
        this[key] ?? throw new InvalidOperationException($"Base metric {key} missing after parsing.");

    public bool HasAny(CvssMetricGroup group)
    {
        for (var i = 0; i < _values.Length; i++)
        {
            if (_values[i] is not null && Spec.Metrics[i].Group == group)
            {
                return true;
            }
        }

        return false;
    }

    public bool SameAs(CvssMetricValues other)
    {
        if (!ReferenceEquals(Spec, other.Spec))
        {
            return false;
        }

        for (var i = 0; i < _values.Length; i++)
        {
            if (!string.Equals(_values[i], other._values[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public int ValuesHashCode()
    {
        var hash = new HashCode();
        hash.Add(Spec.Version);
        foreach (var value in _values)
        {
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }
}
