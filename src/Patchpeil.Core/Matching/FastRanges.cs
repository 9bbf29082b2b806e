using Patchpeil.Core.Ranges;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Matching;

/// <summary>
/// Ranges parsed once into <see cref="VersionKey"/>s so the hot path compares bytes and allocates nothing. Every
/// builder returns null when it cannot reproduce the full evaluator exactly (unordered scheme, a bound that does not
/// parse, GIT events); the matcher then uses the full evaluator, which is also what explains a finding.
/// </summary>
internal static class FastRanges
{
    /// <summary>The OSV algorithm (versions[] or any range) on keys; same walk as <see cref="OsvEvaluator"/>.</summary>
    public static Func<VersionKey, RangeVerdict>? Osv(Ranges.OsvAffected affected, VersionScheme scheme)
    {
        if (!scheme.IsOrdered)
        {
            return null;
        }

        var listed = new List<VersionKey>();
        foreach (var v in affected.Versions)
        {
            if (!scheme.TryParse(v, out var key, out _))
            {
                return null;
            }

            listed.Add(key);
        }

        var walks = new List<(VersionKey[] Limits, (OsvEventKind Kind, bool Zero, VersionKey Key)[] Events)>();
        foreach (var range in affected.Ranges)
        {
            if (range.Type is not (OsvRangeType.Ecosystem or OsvRangeType.Semver) || !range.Events.Any(e => e.Kind == OsvEventKind.Introduced))
            {
                return null;
            }

            if (range.Type == OsvRangeType.Semver && scheme.Kind != VersionSchemeKind.SemVer)
            {
                return null;
            }

            var limits = new List<VersionKey>();
            var events = new List<(OsvEventKind Kind, bool Zero, VersionKey Key)>();
            foreach (var e in range.Events)
            {
                var zero = e.Kind == OsvEventKind.Introduced && e.Version == "0";
                if (zero || (e.Kind == OsvEventKind.Limit && e.Version == "*"))
                {
                    if (zero)
                    {
                        events.Add((e.Kind, true, default));
                    }

                    continue;
                }

                if (!scheme.TryParse(e.Version, out var key, out _))
                {
                    return null;
                }

                if (e.Kind == OsvEventKind.Limit)
                {
                    limits.Add(key);
                }
                else
                {
                    events.Add((e.Kind, false, key));
                }
            }

            events.Sort((a, b) => a.Zero || b.Zero ? b.Zero.CompareTo(a.Zero) : a.Key.CompareTo(b.Key));
            walks.Add(([.. limits], [.. events]));
        }

        var listedArray = listed.ToArray();
        var allZero = affected.Ranges.Select(r => r.Events.All(e => (e.Kind == OsvEventKind.Introduced && e.Version == "0") || (e.Kind == OsvEventKind.Limit && e.Version == "*"))).ToArray();
        return version =>
        {
            foreach (var l in listedArray)
            {
                if (l.Equals(version))
                {
                    return RangeVerdict.Inside;
                }
            }

            for (var r = 0; r < walks.Count; r++)
            {
                if (allZero[r])
                {
                    return RangeVerdict.Inside;
                }

                var (limits, events) = walks[r];
                if (limits.Length > 0)
                {
                    var below = false;
                    foreach (var limit in limits)
                    {
                        below |= version < limit;
                    }

                    if (!below)
                    {
                        continue;
                    }
                }

                var affectedNow = false;
                foreach (var (kind, zero, key) in events)
                {
                    if (kind == OsvEventKind.Introduced)
                    {
                        if (zero || version >= key)
                        {
                            affectedNow = true;
                        }
                        else
                        {
                            break;
                        }
                    }
                    else if (kind == OsvEventKind.Fixed)
                    {
                        if (version >= key)
                        {
                            affectedNow = false;
                        }
                        else
                        {
                            break;
                        }
                    }
                    else if (kind == OsvEventKind.LastAffected)
                    {
                        if (version > key)
                        {
                            affectedNow = false;
                        }
                        else
                        {
                            break;
                        }
                    }
                }

                if (affectedNow)
                {
                    return RangeVerdict.Inside;
                }
            }

            return RangeVerdict.Outside;
        };
    }

    /// <summary>Lower/upper bounds (NVD style); null bounds are open. With no bound at all every version is inside.</summary>
    public static Func<VersionKey, RangeVerdict>? Bounds(VersionScheme scheme, string? startIncluding, string? startExcluding, string? endIncluding, string? endExcluding)
    {
        if (!scheme.IsOrdered)
        {
            return null;
        }

        VersionKey? si = null, se = null, ei = null, ee = null;
        if (!Parse(startIncluding, ref si) || !Parse(startExcluding, ref se) || !Parse(endIncluding, ref ei) || !Parse(endExcluding, ref ee))
        {
            return null;
        }

        return v =>
            (si is { } a && v < a) || (se is { } b && v <= b) || (ei is { } c && v > c) || (ee is { } d && v >= d)
                ? RangeVerdict.Outside
                : RangeVerdict.Inside;

        bool Parse(string? text, ref VersionKey? key)
        {
            if (text is null)
            {
                return true;
            }

            if (!scheme.TryParse(text, out var parsed, out _))
            {
                return false;
            }

            key = parsed;
            return true;
        }
    }

    /// <summary>Equal to one version.</summary>
    public static Func<VersionKey, RangeVerdict>? Exact(VersionScheme scheme, string version)
    {
        if (!scheme.IsOrdered || !scheme.TryParse(version, out var key, out _))
        {
            return null;
        }

        return v => v.Equals(key) ? RangeVerdict.Inside : RangeVerdict.Outside;
    }

    /// <summary>Older than a fixed version.</summary>
    public static Func<VersionKey, RangeVerdict>? Below(VersionScheme scheme, string version)
    {
        if (!scheme.IsOrdered || !scheme.TryParse(version, out var key, out _))
        {
            return null;
        }

        return v => v < key ? RangeVerdict.Inside : RangeVerdict.Outside;
    }
}
