using System.Runtime.InteropServices;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.EndOfLife;
using Patchpeil.Core.Ranges;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Matching;

/// <summary>Settings that are not data: the clock and how far ahead "ending soon" looks.</summary>
public sealed record MatcherOptions
{
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>End of support within this horizon is reported as <see cref="FindingKind.EndingSoon"/>.</summary>
    public TimeSpan Horizon { get; init; } = TimeSpan.FromDays(90);
}

/// <summary>
/// The in-memory matcher (ADR 0016). Identity keys are interned to integers; every statement is stored pre-parsed
/// under its identity; each distinct (identity, version) is evaluated once and its result fanned out to the assets
/// that have it. A new or revised advisory re-evaluates only its identities, a changed asset only its components.
/// Not thread-safe: one writer (the re-match job) at a time.
/// </summary>
public sealed class Matcher
{
    private readonly Dictionary<string, int> _identityIds = new(StringComparer.Ordinal);
    private readonly List<string> _identityNames = [];
    private readonly List<List<Statement>> _statements = [];
    private readonly List<List<ComponentVersion>> _versionsByIdentity = [];
    private readonly Dictionary<(int Identity, string Version), ComponentVersion> _versions = [];
    private readonly Dictionary<string, PreparedAdvisory> _advisories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AssetState> _assets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _cvss = new(StringComparer.Ordinal);
    private readonly HashSet<string> _kev = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EolProduct> _lifecycles = new(StringComparer.Ordinal);
    private readonly MatcherOptions _options;

    public Matcher(MatcherOptions? options = null) => _options = options ?? new MatcherOptions();

    public int IdentityCount => _identityNames.Count;
    public int DistinctVersionCount => _versions.Count;
    public int StatementCount => _statements.Sum(s => s.Count);
    public int AssetCount => _assets.Count;
    public IEnumerable<PreparedAdvisory> Advisories => _advisories.Values;

    // ------------------------------------------------------------------ data in

    /// <summary>Known exploited (CISA KEV) CVE ids; raises priority. Call <see cref="RematchAll"/> afterwards.</summary>
    public void SetKnownExploited(IEnumerable<string> cveIds)
    {
        _kev.Clear();
        _kev.UnionWith(cveIds);
    }

    /// <summary>endoflife.date products by name; lifecycle rules use them. Call <see cref="RematchAll"/> afterwards.</summary>
    public void SetLifecycles(IEnumerable<EolProduct> products)
    {
        _lifecycles.Clear();
        foreach (var p in products)
        {
            _lifecycles[p.Name] = p;
        }
    }

    /// <summary>Loads advisories without matching (bulk start-up); follow with <see cref="RematchAll"/>.</summary>
    public void LoadAdvisory(PreparedAdvisory advisory) => Replace(advisory);

    /// <summary>Adds or replaces (same key, new revision) one advisory and re-matches only its identities.</summary>
    public MatchDelta UpsertAdvisory(PreparedAdvisory advisory)
    {
        var touched = Replace(advisory);
        return Reevaluate(touched);
    }

    public MatchDelta RemoveAdvisory(string key)
    {
        if (!_advisories.Remove(key, out var old))
        {
            return new MatchDelta([], [], 0);
        }

        var touched = new HashSet<int>();
        foreach (var s in old.Statements)
        {
            _statements[s.IdentityId].Remove(s);
            touched.Add(s.IdentityId);
        }

        return Reevaluate(touched);
    }

    /// <summary>Adds or replaces one asset and matches its components (known versions reuse their cached result).</summary>
    public MatchDelta UpsertAsset(MatchAsset asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var before = _assets.TryGetValue(asset.AssetId, out var old) ? old.AllFindings().ToList() : [];
        if (old is not null)
        {
            Detach(old);
        }

        var state = Attach(asset);
        var evaluated = 0;
        foreach (var versions in state.Components)
        {
            foreach (var cv in versions)
            {
                if (!cv.Evaluated)
                {
                    Evaluate(cv);
                    evaluated++;
                }
            }
        }

        for (var i = 0; i < state.Components.Length; i++)
        {
            state.Findings[i] = ComponentFindings(state, i);
        }

        state.AssetFindings = AssetFindings(state);
        return Diff(before, state.AllFindings().ToList(), evaluated);
    }

    /// <summary>Adds assets without matching (bulk start-up); follow with <see cref="RematchAll"/>.</summary>
    public void LoadAsset(MatchAsset asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        if (_assets.TryGetValue(asset.AssetId, out var old))
        {
            Detach(old);
        }

        Attach(asset);
    }

    public MatchDelta RemoveAsset(string assetId)
    {
        if (!_assets.TryGetValue(assetId, out var old))
        {
            return new MatchDelta([], [], 0);
        }

        var before = old.AllFindings().ToList();
        Detach(old);
        return new MatchDelta([], before, 0);
    }

    /// <summary>Evaluates every distinct (identity, version) once and rebuilds all findings. Returns the number of versions evaluated.</summary>
    public int RematchAll()
    {
        foreach (var cv in _versions.Values)
        {
            Evaluate(cv);
        }

        foreach (var state in _assets.Values)
        {
            for (var i = 0; i < state.Components.Length; i++)
            {
                state.Findings[i] = ComponentFindings(state, i);
            }

            state.AssetFindings = AssetFindings(state);
        }

        return _versions.Count;
    }

    // ------------------------------------------------------------------ data out

    public IReadOnlyList<Finding> FindingsFor(string assetId) =>
        _assets.TryGetValue(assetId, out var state) ? state.AllFindings().ToList() : [];

    public IEnumerable<Finding> AllFindings() => _assets.Values.SelectMany(a => a.AllFindings());

    // ------------------------------------------------------------------ internals

    private int Intern(string key)
    {
        ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(_identityIds, key, out var exists);
        if (!exists)
        {
            id = _identityNames.Count;
            _identityNames.Add(key);
            _statements.Add([]);
            _versionsByIdentity.Add([]);
        }

        return id;
    }

    private HashSet<int> Replace(PreparedAdvisory advisory)
    {
        ArgumentNullException.ThrowIfNull(advisory);
        var touched = new HashSet<int>();
        if (_advisories.Remove(advisory.Info.Key, out var old))
        {
            foreach (var s in old.Statements)
            {
                _statements[s.IdentityId].Remove(s);
                touched.Add(s.IdentityId);
            }
        }

        _advisories[advisory.Info.Key] = advisory;
        foreach (var s in advisory.Statements)
        {
            s.IdentityId = Intern(s.Identity);
            _statements[s.IdentityId].Add(s);
            touched.Add(s.IdentityId);
        }

        foreach (var (vuln, score) in advisory.MaxCvss)
        {
            if (!_cvss.TryGetValue(vuln, out var existing) || score > existing)
            {
                _cvss[vuln] = score;
            }
        }

        return touched;
    }

    private AssetState Attach(MatchAsset asset)
    {
        var state = new AssetState(asset);
        for (var i = 0; i < asset.Components.Count; i++)
        {
            var component = asset.Components[i];
            var count = component.Identities.Count;
            var lifecycle = component.EndOfLifeProduct is { } product && component.EndOfLifeCycle is { } cycle ? LifecycleKey(product, cycle) : null;
            var list = new List<ComponentVersion>(count + (lifecycle is null ? 0 : 1));
            for (var k = 0; k <= count; k++)
            {
                var key = k < count ? component.Identities[k] : lifecycle;
                if (key is null)
                {
                    continue;
                }

                var id = Intern(key);
                ref var cv = ref CollectionsMarshal.GetValueRefOrAddDefault(_versions, (id, component.Version), out var exists);
                if (!exists)
                {
                    cv = new ComponentVersion(id, component.Version, component.Scheme);
                    _versionsByIdentity[id].Add(cv);
                }

                if (list.Contains(cv!))
                {
                    continue;
                }

                cv!.Owners.Add((state, i));
                list.Add(cv);
            }

            state.Components[i] = [.. list];
        }

        _assets[asset.AssetId] = state;
        return state;
    }

    private void Detach(AssetState state)
    {
        for (var i = 0; i < state.Components.Length; i++)
        {
            foreach (var cv in state.Components[i])
            {
                cv.Owners.Remove((state, i));
                if (cv.Owners.Count == 0)
                {
                    _versions.Remove((cv.Identity, cv.Version));
                    _versionsByIdentity[cv.Identity].Remove(cv);
                }
            }
        }

        _assets.Remove(state.Asset.AssetId);
    }

    private MatchDelta Reevaluate(HashSet<int> identities)
    {
        var dirty = new HashSet<(AssetState State, int Component)>();
        var evaluated = 0;
        foreach (var id in identities)
        {
            foreach (var cv in _versionsByIdentity[id])
            {
                Evaluate(cv);
                evaluated++;
                foreach (var owner in cv.Owners)
                {
                    dirty.Add(owner);
                }
            }
        }

        var added = new List<Finding>();
        var removed = new List<Finding>();
        foreach (var (state, index) in dirty)
        {
            var before = state.Findings[index];
            var after = ComponentFindings(state, index);
            state.Findings[index] = after;
            var d = Diff(before, after, 0);
            added.AddRange(d.Added);
            removed.AddRange(d.Removed);
        }

        return new MatchDelta(added, removed, evaluated);
    }

    private static MatchDelta Diff(IReadOnlyList<Finding> before, IReadOnlyList<Finding> after, int evaluated)
    {
        // One asset can hold several versions of one identity (kernels): the key is per identity, the first wins here.
        var old = before.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.First());
        var now = after.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.First());
        var added = now.Values.Where(f => !old.TryGetValue(f.Key, out var o) || o.Kind != f.Kind || o.Priority != f.Priority).ToList();
        var removed = old.Values.Where(f => !now.ContainsKey(f.Key)).ToList();
        return new MatchDelta(added, removed, evaluated);
    }

    /// <summary>Evaluates one distinct (identity, version) against every statement of the identity.</summary>
    private void Evaluate(ComponentVersion cv)
    {
        cv.Evaluated = true;
        cv.Results.Clear();
        var name = _identityNames[cv.Identity];
        if (name.StartsWith("eol:", StringComparison.Ordinal))
        {
            EvaluateLifecycle(cv, name);
            return;
        }

        var statements = _statements[cv.Identity];
        if (statements.Count == 0)
        {
            return;
        }

        foreach (var s in statements)
        {
            if (s.PlatformConfigurations is not null)
            {
                cv.PlatformStatements ??= [];
                if (!cv.PlatformStatements.Contains(s))
                {
                    cv.PlatformStatements.Add(s);
                }

                continue;
            }

            RangeVerdict verdict;
            if (s.Fast is { } fast && cv.KeyFor(s.Scheme) is { } key)
            {
                verdict = fast(key);
            }
            else
            {
                verdict = s.Slow(cv.Version).Verdict;
            }

            var outcome = OutcomeOf(s.Kind, verdict);
            if (outcome == Outcome.None)
            {
                continue;
            }

            var candidate = new Resolution(s, outcome);
            if (!cv.Results.TryGetValue(s.VulnerabilityId, out var current) || candidate.IsBetterThan(current))
            {
                cv.Results[s.VulnerabilityId] = candidate;
            }
        }
    }

    private static Outcome OutcomeOf(StatementKind kind, RangeVerdict verdict) => (kind, verdict) switch
    {
        (StatementKind.Affected, RangeVerdict.Inside) => Outcome.Affected,
        (StatementKind.Affected, RangeVerdict.Outside) => Outcome.OutsideRange,
        (StatementKind.Affected, _) => Outcome.Undecided,
        (StatementKind.FixedFrom, RangeVerdict.Inside) => Outcome.Affected,
        (StatementKind.FixedFrom, RangeVerdict.Outside) => Outcome.ExplicitlyNotAffected,
        (StatementKind.FixedFrom, _) => Outcome.Undecided,
        (StatementKind.NotAffected, RangeVerdict.Inside) => Outcome.ExplicitlyNotAffected,
        (StatementKind.UnderInvestigation, RangeVerdict.Inside) => Outcome.Investigating,
        _ => Outcome.None,
    };

    private static string LifecycleKey(string product, string cycle) => $"eol:{product}/{cycle}";

    private void EvaluateLifecycle(ComponentVersion cv, string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var product = name[4..slash];
        var cycle = name[(slash + 1)..];
        if (!_lifecycles.TryGetValue(product, out var eol))
        {
            return;
        }

        var release = FindCycle(eol, cycle);
        if (release is null)
        {
            return;
        }

        var state = release.State(_options.Clock, _options.Horizon);
        var (origin, site) = eol.Provenance.Source == FeedSource.EndOfLife ? ("endoflife", "endoflife.date") : (eol.Provenance.Source.ToString().ToLowerInvariant(), eol.Provenance.Source.ToString().ToLowerInvariant());
        var source = $"{site}/{eol.Name} cycle {release.Name}";
        if (state.State is EndOfLifeState.EndOfLife or EndOfLifeState.EndingWithin)
        {
            var kind = state.State == EndOfLifeState.EndOfLife ? FindingKind.EndOfSupport : FindingKind.EndingSoon;
            var rule = kind == FindingKind.EndOfSupport
                ? $"{eol.Label} {release.Label}: security support ended{(state.EndDate is { } d ? " on " + d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : string.Empty)}"
                : $"{eol.Label} {release.Label}: security support ends on {state.EndDate:yyyy-MM-dd}, within {_options.Horizon.TotalDays:0} days";
            cv.Lifecycle.Add((kind, kind == FindingKind.EndOfSupport ? "end-of-support" : "ending-soon", new FindingEvidence(
                origin, source, eol.Provenance.Revision ?? eol.Provenance.ContentSha256[..12], $"eol {release.EndOfLife}", cv.Version, rule, [], MatchConfidence.High)));
        }

        if (state.State != EndOfLifeState.EndOfLife && release.Latest is { Name: { } latest })
        {
            var scheme = RangeSchemes.TryGet(cv.Scheme);
            if (scheme.IsOrdered && scheme.Relate(cv.Version, latest) == VersionRelation.Less)
            {
                cv.Lifecycle.Add((FindingKind.BehindLatest, "behind-latest", new FindingEvidence(
                    origin, source, eol.Provenance.Revision ?? eol.Provenance.ContentSha256[..12], $"latest {latest}", cv.Version,
                    $"{cv.Version} is older than {latest}, the latest release of supported cycle {release.Name}", [$"{cv.Version} < {latest}"], MatchConfidence.High)));
            }
        }
    }

    /// <summary>
    /// The cycle by name; a device-model cycle ("18|iPad7,5", <see cref="OsVersionLifecycles"/>) the sources do not know
    /// falls back to its OS line ("18"), so an unknown model is still judged by its line.
    /// </summary>
    private static EolRelease? FindCycle(EolProduct eol, string cycle)
    {
        var release = eol.Releases.FirstOrDefault(r => string.Equals(r.Name, cycle, StringComparison.OrdinalIgnoreCase));
        var separator = cycle.IndexOf(OsVersionLifecycles.ModelSeparator, StringComparison.Ordinal);
        if (release is null && separator > 0)
        {
            var line = cycle[..separator];
            release = eol.Releases.FirstOrDefault(r => string.Equals(r.Name, line, StringComparison.OrdinalIgnoreCase));
        }

        return release;
    }

    /// <summary>Merges the results of the component's identities per vulnerability and turns them into findings.</summary>
    private IReadOnlyList<Finding> ComponentFindings(AssetState state, int index)
    {
        var versions = state.Components[index];
        var component = state.Asset.Components[index];
        List<Finding>? findings = null;
        Dictionary<string, (Resolution Resolution, ComponentVersion Cv)>? merged = null;
        foreach (var cv in versions)
        {
            foreach (var (kind, rule, evidence) in cv.Lifecycle)
            {
                findings ??= [];
                var priority = kind switch
                {
                    FindingKind.EndOfSupport => Priority.P2,
                    FindingKind.BehindLatest => Priority.P3,
                    _ => Priority.P4,
                };
                findings.Add(new Finding(new FindingKey(state.Asset.AssetId, _identityNames[cv.Identity], rule), kind, state.Asset.Name, component.Display, component.Version, rule, priority, null, false, evidence));
            }

            if (cv.Results.Count == 0 && cv.PlatformStatements is null)
            {
                continue;
            }

            merged ??= new Dictionary<string, (Resolution, ComponentVersion)>(StringComparer.Ordinal);
            foreach (var (vuln, resolution) in cv.Results)
            {
                if (!merged.TryGetValue(vuln, out var current) || resolution.IsBetterThan(current.Resolution))
                {
                    merged[vuln] = (resolution, cv);
                }
            }

            if (cv.PlatformStatements is { } platform)
            {
                foreach (var s in platform)
                {
                    if (merged.TryGetValue(s.VulnerabilityId, out var current) && current.Resolution.IsDecisive)
                    {
                        continue; // a stronger source already decided; NVD AND nodes come last
                    }

                    var match = NvdEvaluator.Evaluate(s.PlatformConfigurations!, state.InstalledCpes(component, cv.Version));
                    var outcome = OutcomeOf(s.Kind, match.Verdict);
                    if (outcome != Outcome.None && (!merged.TryGetValue(s.VulnerabilityId, out current) || new Resolution(s, outcome).IsBetterThan(current.Resolution)))
                    {
                        merged[s.VulnerabilityId] = (new Resolution(s, outcome) { Explanation = match }, cv);
                    }
                }
            }
        }

        if (merged is not null)
        {
            foreach (var (vuln, (resolution, cv)) in merged)
            {
                var kind = resolution.Outcome switch
                {
                    Outcome.Affected => FindingKind.Vulnerable,
                    Outcome.Investigating => FindingKind.UnderInvestigation,
                    Outcome.Undecided => FindingKind.Unverified,
                    _ => (FindingKind?)null,
                };
                if (kind is null)
                {
                    continue;
                }

                findings ??= [];
                var s = resolution.Statement;
                var cvss = _cvss.TryGetValue(vuln, out var score) ? score : (decimal?)null;
                var kev = _kev.Contains(vuln);
                var evidence = cv.Explain(resolution, s);
                var priority = PriorityRules.For(kind.Value, cvss, kev);
                findings.Add(new Finding(new FindingKey(state.Asset.AssetId, _identityNames[cv.Identity], vuln), kind.Value, state.Asset.Name, component.Display, component.Version, vuln, priority, cvss, kev, evidence));
            }
        }

        return findings is null ? Array.Empty<Finding>() : findings;
    }

    private List<Finding> AssetFindings(AssetState state)
    {
        if (state.Asset.UpdateExpiresOn is not { } aue)
        {
            return [];
        }

        var today = DateOnly.FromDateTime(_options.Clock.GetUtcNow().UtcDateTime);
        var ended = today >= aue;
        var soon = !ended && today.AddDays((int)Math.Ceiling(_options.Horizon.TotalDays)) >= aue;
        if (!ended && !soon)
        {
            return [];
        }

        var rule = ended ? "update-expired" : "update-expiring";
        var text = ended
            ? $"Auto Update Expiration passed on {aue:yyyy-MM-dd}: the device receives no more updates"
            : $"Auto Update Expiration on {aue:yyyy-MM-dd}, within {_options.Horizon.TotalDays:0} days";
        return [new Finding(new FindingKey(state.Asset.AssetId, "device", rule), ended ? FindingKind.UpdateExpired : FindingKind.EndingSoon, state.Asset.Name, "device", aue.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), rule,
            ended ? Priority.P2 : Priority.P4, null, false, new FindingEvidence("device", "Auto Update Expiration", null, $"AUE {aue:yyyy-MM-dd}", today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), text, [], MatchConfidence.High))];
    }

    internal enum Outcome
    {
        // Order matters: within one evidence level a lower value wins.
        ExplicitlyNotAffected = 0,
        Affected = 1,
        OutsideRange = 2,
        Investigating = 3,
        Undecided = 4,
        None = 5,
    }

    internal sealed record Resolution(Statement Statement, Outcome Outcome)
    {
        public bool IsDecisive => Outcome <= Outcome.OutsideRange;

        /// <summary>A precomputed explanation (NVD AND nodes), else the statement's evaluator explains.</summary>
        public RangeMatch? Explanation { get; init; }

        /// <summary>Decisive beats not decisive; then the stronger evidence level; then the outcome order.</summary>
        public bool IsBetterThan(Resolution other)
        {
            if (IsDecisive != other.IsDecisive)
            {
                return IsDecisive;
            }

            var level = Statement.Advisory.Level.CompareTo(other.Statement.Advisory.Level);
            return level != 0 ? level < 0 : Outcome < other.Outcome;
        }
    }

    private sealed class ComponentVersion(int identity, string version, VersionSchemeKind scheme)
    {
        private VersionKey? _key;
        private VersionSchemeKind _keyScheme = VersionSchemeKind.Unknown;
        private bool _keyTried;
        private Dictionary<Statement, FindingEvidence>? _explanations;

        public int Identity { get; } = identity;
        public string Version { get; } = version;
        public VersionSchemeKind Scheme { get; } = scheme;
        public List<(AssetState State, int Component)> Owners { get; } = [];
        public Dictionary<string, Resolution> Results { get; } = new(StringComparer.Ordinal);
        public List<(FindingKind Kind, string Rule, FindingEvidence Evidence)> Lifecycle { get; } = [];
        public List<Statement>? PlatformStatements { get; set; }
        public bool Evaluated { get; set; }

        /// <summary>The version parsed in the statement's scheme, once; null when it does not parse.</summary>
        public VersionKey? KeyFor(VersionScheme scheme)
        {
            if (!_keyTried || _keyScheme != scheme.Kind)
            {
                _keyTried = true;
                _keyScheme = scheme.Kind;
                _key = scheme.TryParse(Version, out var key, out _) ? key : null;
            }

            return _key;
        }

        /// <summary>Explains once per (version, statement); every asset with this version shares the explanation.</summary>
        public FindingEvidence Explain(Resolution resolution, Statement s)
        {
            if (resolution.Explanation is null && _explanations?.TryGetValue(s, out var cached) == true)
            {
                return cached;
            }

            var match = resolution.Explanation ?? s.Slow(Version);
            var evidence = new FindingEvidence(s.Advisory.Source.ToString(), s.Advisory.DocumentId, s.Advisory.Revision, s.RangeText, Version, match.Rule, match.Comparisons, s.Confidence);
            if (resolution.Explanation is null)
            {
                (_explanations ??= [])[s] = evidence;
            }

            return evidence;
        }
    }

    private sealed class AssetState
    {
        public AssetState(MatchAsset asset)
        {
            Asset = asset;
            Components = new ComponentVersion[asset.Components.Count][];
            Findings = new IReadOnlyList<Finding>[asset.Components.Count];
            Array.Fill(Findings, Array.Empty<Finding>());
        }

        public MatchAsset Asset { get; }
        public ComponentVersion[][] Components { get; }
        public IReadOnlyList<Finding>[] Findings { get; }
        public IReadOnlyList<Finding> AssetFindings { get; set; } = [];

        public IEnumerable<Finding> AllFindings() => Findings.SelectMany(f => f).Concat(AssetFindings);

        /// <summary>The asset's CPEs for NVD AND configurations; the component being tested carries the version.</summary>
        public List<InstalledCpe> InstalledCpes(MatchComponent tested, string version)
        {
            var list = new List<InstalledCpe>();
            foreach (var c in Asset.Components)
            {
                if (c.Cpe is not null && Identities.Cpe.TryParse(c.Cpe, out var cpe, out _) && cpe is not null)
                {
                    list.Add(new InstalledCpe(cpe, ReferenceEquals(c, tested) ? version : c.Version));
                }
            }

            return list;
        }
    }
}

/// <summary>
/// The first priority rule of <c>patchpeil scan</c> (the server's policy-based priority replaces it later):
/// known exploited or CVSS ≥ 9 → P1; CVSS ≥ 7 → P2; CVSS ≥ 4 or no score → P3; else P4. Unverified and
/// under-investigation findings are at most P3.
/// </summary>
public static class PriorityRules
{
    public static Priority For(FindingKind kind, decimal? cvss, bool knownExploited)
    {
        var p = knownExploited || cvss >= 9m ? Priority.P1
            : cvss >= 7m ? Priority.P2
            : cvss is null || cvss >= 4m ? Priority.P3
            : Priority.P4;
        return kind is FindingKind.Unverified or FindingKind.UnderInvestigation && p < Priority.P3 ? Priority.P3 : p;
    }
}
