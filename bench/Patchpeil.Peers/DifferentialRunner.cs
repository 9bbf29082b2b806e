using System.Globalization;
using System.Text;
using Patchpeil.Core.Versions;

namespace Patchpeil.Peers;

/// <summary>How Patchpeil and a peer answered one pair they disagree on.</summary>
public sealed record Disagreement(string Kind, string A, string B, int Peer, int? Raw, int? Key, string? Note)
{
    public override string ToString()
    {
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"{Kind}: '{Shorten(A)}' vs '{Shorten(B)}': peer {Sign(Peer)}");
        if (Raw is { } raw)
        {
            builder.Append(CultureInfo.InvariantCulture, $", Compare {Sign(raw)}");
        }

        if (Key is { } key)
        {
            builder.Append(CultureInfo.InvariantCulture, $", key {Sign(key)}");
        }

        if (Note is not null)
        {
            builder.Append(" (").Append(Note).Append(')');
        }

        return builder.ToString();
    }

    private static string Sign(int value) => value switch { < 0 => "<", 0 => "=", _ => ">" };

    private static string Shorten(string text) =>
        text.Length <= 100 ? text : string.Create(CultureInfo.InvariantCulture, $"{text.AsSpan(0, 60)}…{text.AsSpan(text.Length - 30)} ({text.Length} chars)");
}

/// <summary>Counts from one differential run.</summary>
public sealed class DifferentialReport(string scheme, string peer)
{
    private readonly List<Disagreement> _examples = [];
    private readonly Dictionary<string, int> _examplesPerKind = new(StringComparer.Ordinal);

    public string Scheme { get; } = scheme;

    public string Peer { get; } = peer;

    public long Pairs { get; internal set; }

    /// <summary>Pairs where the raw-string <see cref="VersionScheme.Compare"/> differs from the peer.</summary>
    public long RawDisagreements { get; internal set; }

    /// <summary>Pairs where both sides parse and the key order differs from the peer.</summary>
    public long KeyDisagreements { get; internal set; }

    /// <summary>Pairs with a side <see cref="VersionScheme.TryParse"/> rejects although it is a well-formed version.</summary>
    public long Rejected { get; internal set; }

    /// <summary>Pairs with a malformed side that TryParse rightly or arguably rejects; only raw Compare is checked.</summary>
    public long MalformedRejected { get; internal set; }

    /// <summary>Pairs where our own raw and key answers differ (a contract break inside Patchpeil).</summary>
    public long RawKeyMismatches { get; internal set; }

    /// <summary>Pairs where the peer's fast path and its reference path differ (a bug in the harness, not in us).</summary>
    public long PeerSelfDisagreements { get; internal set; }

    public IReadOnlyList<Disagreement> Examples => _examples;

    public bool IsClean => RawDisagreements == 0 && KeyDisagreements == 0 && Rejected == 0 && RawKeyMismatches == 0 &&
        PeerSelfDisagreements == 0;

    internal void Add(Disagreement disagreement, int examplesPerKind)
    {
        _examplesPerKind.TryGetValue(disagreement.Kind, out var seen);
        if (seen < examplesPerKind)
        {
            _examples.Add(disagreement);
        }

        _examplesPerKind[disagreement.Kind] = seen + 1;
    }

    public string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Scheme} vs {Peer}: {Pairs:N0} pairs, {RawDisagreements:N0} raw Compare disagreements, {KeyDisagreements:N0} key disagreements, {Rejected:N0} well-formed pairs rejected by TryParse ({MalformedRejected:N0} malformed ones), {RawKeyMismatches:N0} raw/key mismatches, {PeerSelfDisagreements:N0} peer self-check failures");
}

/// <summary>
/// Runs a stream of pairs through Patchpeil (raw <see cref="VersionScheme.Compare"/> and parsed
/// <see cref="VersionKey.CompareTo"/>) and through a peer, and counts every difference.
/// </summary>
public static class DifferentialRunner
{
    public static DifferentialReport Run(
        VersionScheme scheme,
        string peerName,
        Func<string, string, int> peer,
        IEnumerable<VersionPair> pairs,
        int examplesPerKind = 20,
        Func<string, string, int>? peerReference = null,
        Func<string, bool>? isWellFormed = null)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(pairs);
        var report = new DifferentialReport(scheme.Name, peerName);

        // Parsing is the slow half; consecutive pairs often share a side, and real runs repeat versions a lot.
        var cache = new Dictionary<string, (bool Ok, VersionKey Key, string? Problem)>(StringComparer.Ordinal);
        foreach (var (a, b) in pairs)
        {
            report.Pairs++;
            var expected = Math.Sign(peer(a, b));
            if (peerReference is not null)
            {
                // -2: the reference cannot parse the text (librpm's rpmverParse on an empty string).
                var reference = peerReference(a, b);
                if (reference != -2 && Math.Sign(reference) != expected)
                {
                    report.PeerSelfDisagreements++;
                    report.Add(new Disagreement("peer-self", a, b, expected, null, null, $"reference says {reference}"), examplesPerKind);
                }
            }

            var raw = Math.Sign(scheme.Compare(a, b));
            if (raw != expected)
            {
                report.RawDisagreements++;
                report.Add(new Disagreement("raw", a, b, expected, raw, null, null), examplesPerKind);
            }

            var pa = Parse(scheme, a, cache);
            var pb = Parse(scheme, b, cache);
            if (!pa.Ok || !pb.Ok)
            {
                var problem = !pa.Ok ? pa.Problem : pb.Problem;
                var wronglyRejected = isWellFormed is null || (!pa.Ok && isWellFormed(a)) || (!pb.Ok && isWellFormed(b));
                if (wronglyRejected)
                {
                    report.Rejected++;
                    report.Add(new Disagreement("rejected", a, b, expected, raw, null, problem), examplesPerKind);
                }
                else
                {
                    report.MalformedRejected++;
                    report.Add(new Disagreement("info-malformed-rejected", a, b, expected, raw, null, problem), Math.Min(examplesPerKind, 5));
                }

                continue;
            }

            var key = pa.Key.CompareTo(pb.Key);
            if (key != expected)
            {
                report.KeyDisagreements++;
                report.Add(new Disagreement("key", a, b, expected, raw, key, null), examplesPerKind);
            }

            if (key != raw)
            {
                report.RawKeyMismatches++;
                report.Add(new Disagreement("raw-vs-key", a, b, expected, raw, key, null), examplesPerKind);
            }
        }

        return report;
    }

    /// <summary>
    /// Sorts the versions by Patchpeil's key and asks the peer about every adjacent pair: a sort is only right when
    /// the peer never finds a neighbour out of order. Catches order errors that random pairs rarely hit, because
    /// neighbours in a sorted list of real versions differ in one small detail.
    /// </summary>
    public static DifferentialReport CheckSortedOrder(
        VersionScheme scheme, string peerName, Func<string, string, int> peer, IEnumerable<string> versions, int examplesPerKind = 20)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(versions);
        var keys = new List<VersionKey>();
        foreach (var version in versions.Distinct(StringComparer.Ordinal))
        {
            if (scheme.TryParse(version, out var key, out _))
            {
                keys.Add(key);
            }
        }

        keys.Sort();
        var report = new DifferentialReport(scheme.Name + " (sorted neighbours)", peerName);
        for (var i = 1; i < keys.Count; i++)
        {
            report.Pairs++;
            var (a, b) = (keys[i - 1].Original, keys[i].Original);
            var expected = Math.Sign(peer(a, b));
            var key = keys[i - 1].CompareTo(keys[i]);
            if (expected != key)
            {
                report.KeyDisagreements++;
                report.Add(new Disagreement("key", a, b, expected, null, key, "neighbours after sorting by key"), examplesPerKind);
            }
        }

        return report;
    }

    private static (bool Ok, VersionKey Key, string? Problem) Parse(
        VersionScheme scheme, string text, Dictionary<string, (bool Ok, VersionKey Key, string? Problem)> cache)
    {
        if (cache.TryGetValue(text, out var cached))
        {
            return cached;
        }

        var ok = scheme.TryParse(text, out var key, out var problem);
        var result = (ok, key, problem);
        // Bounded so million-pair runs do not hold every mutated string.
        if (cache.Count < 200_000)
        {
            cache[text] = result;
        }

        return result;
    }

    /// <summary>
    /// The peer for Windows versions: <see cref="Version.CompareTo(Version)"/> orders four numeric parts the way
    /// Windows builds are ordered (parts must fit in an int).
    /// </summary>
    public static int SystemVersionCompare(string a, string b) =>
        Math.Sign(Version.Parse(a).CompareTo(Version.Parse(b)));
}
