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
/// The in-memory matcher (ADR 0016). Identity keys and vulnerability ids are interned to integers; every statement is
/// stored pre-parsed under its identity; each distinct (identity, version) is evaluated once; each distinct component
/// (identities, version, name) merges its versions' results once into shared finding entries, and assets hold only
/// references to their distinct components. Per-asset <see cref="Finding"/>s are materialised when asked for
/// (<see cref="FindingsFor"/>, <see cref="AllFindings"/>, deltas); an incremental step compares the shared entries
/// before and after and fans out only what changed. Not thread-safe: one writer (the re-match job) at a time.
/// </summary>
public sealed class Matcher
{
    private static readonly Entry[] NoEntries = [];
    private static readonly Resolution[] NoResults = [];

    private readonly Dictionary<string, int> _identityIds = new(StringComparer.Ordinal);
    private readonly List<string> _identityNames = [];
    private readonly List<List<Statement>> _statements = [];
    private readonly List<List<ComponentVersion>> _versionsByIdentity = [];
    private readonly Dictionary<(int Identity, string Version), ComponentVersion> _versions = [];
    private readonly Dictionary<MatchComponent, Descriptor> _descriptors = new(ComponentComparer.Instance);
    private readonly Dictionary<string, PreparedAdvisory> _advisories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AssetState> _assets = new(StringComparer.Ordinal);
    private readonly List<AssetState?> _slots = [];
    private readonly Stack<int> _freeSlots = new();
    private readonly Dictionary<string, decimal> _cvss = new(StringComparer.Ordinal);
    private readonly HashSet<string> _kev = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EolProduct> _lifecycles = new(StringComparer.Ordinal);
    private readonly MatcherOptions _options;

    // Vulnerability ids interned to integers, with their priority facts, and scratch space for merging per vulnerability.
    private readonly Dictionary<string, int> _vulnIds = new(StringComparer.Ordinal);
    private readonly List<string> _vulnNames = [];
    private decimal?[] _vulnCvss = [];
    private bool[] _vulnKev = [];
    private int[] _vulnStamp = [];
    private int[] _vulnSlot = [];
    private int _vulnGeneration;
    private readonly List<Resolution> _scratchResults = [];
    private readonly List<(Resolution Resolution, ComponentVersion Cv)> _scratchMerged = [];
    private readonly List<Entry> _scratchEntries = [];

    // Asset slots seen in one fan-out (owners may repeat when an asset lists the same component twice).
    private int[] _slotStamp = [];
    private int _slotGeneration;

    public Matcher(MatcherOptions? options = null) => _options = options ?? new MatcherOptions();

    public int IdentityCount => _identityNames.Count;
    public int DistinctVersionCount => _versions.Count;

    /// <summary>Distinct components (identities, version, name …) shared by the assets; each is merged once.</summary>
    public int DistinctComponentCount => _descriptors.Count;

    public int StatementCount => _statements.Sum(s => s.Count);
    public int AssetCount => _assets.Count;
    public IEnumerable<PreparedAdvisory> Advisories => _advisories.Values;

    // ------------------------------------------------------------------ data in

    /// <summary>Known exploited (CISA KEV) CVE ids; raises priority. Call <see cref="RematchAll"/> afterwards.</summary>
    public void SetKnownExploited(IEnumerable<string> cveIds)
    {
        _kev.Clear();
        _kev.UnionWith(cveIds);
        for (var i = 0; i < _vulnNames.Count; i++)
        {
            _vulnKev[i] = _kev.Contains(_vulnNames[i]);
        }
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
        var old = _assets.GetValueOrDefault(asset.AssetId);
        List<Finding> before = old is null ? [] : [.. Materialise(old)];

        // Attach before detaching the old state: components the asset still has keep their cached results.
        var state = Attach(asset);
        if (old is not null)
        {
            Detach(old);
        }

        var evaluated = 0;
        foreach (var d in state.Components)
        {
            foreach (var cv in d.Versions)
            {
                if (!cv.Evaluated)
                {
                    Evaluate(cv);
                    evaluated++;
                    foreach (var shared in cv.Descriptors)
                    {
                        shared.Merged = false;
                    }
                }
            }
        }

        foreach (var d in state.Components)
        {
            if (!d.Merged)
            {
                Merge(d);
            }
        }

        RefreshPlatformFindings(state);
        state.AssetFindings = AssetFindings(state);
        return Diff(before, Materialise(state).ToList(), evaluated);
    }

    /// <summary>Adds assets without matching (bulk start-up); follow with <see cref="RematchAll"/>.</summary>
    public void LoadAsset(MatchAsset asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var old = _assets.GetValueOrDefault(asset.AssetId);
        Attach(asset);
        if (old is not null)
        {
            Detach(old);
        }
    }

    public MatchDelta RemoveAsset(string assetId)
    {
        if (!_assets.TryGetValue(assetId, out var old))
        {
            return new MatchDelta([], [], 0);
        }

        var before = Materialise(old).ToList();
        Detach(old);
        _assets.Remove(assetId);
        return new MatchDelta([], before, 0);
    }

    /// <summary>
    /// Evaluates every distinct (identity, version) once and merges every distinct component once; per-asset findings
    /// are materialised when asked for. Returns the number of versions evaluated.
    /// </summary>
    public int RematchAll()
    {
        foreach (var cv in _versions.Values)
        {
            Evaluate(cv);
        }

        List<Descriptor>? platform = null;
        foreach (var d in _descriptors.Values)
        {
            Merge(d);
            if (d.PlatformDependent)
            {
                (platform ??= []).Add(d);
            }
        }

        if (platform is not null)
        {
            var generation = NextSlotGeneration();
            foreach (var d in platform)
            {
                for (var k = 0; k < d.OwnerCount; k++)
                {
                    var slot = d.Owners[k];
                    if (_slotStamp[slot] != generation)
                    {
                        _slotStamp[slot] = generation;
                        RefreshPlatformFindings(_slots[slot]!);
                    }
                }
            }
        }

        foreach (var state in _assets.Values)
        {
            if (state.UpdateExpiresOn is not null || state.AssetFindings.Count > 0)
            {
                state.AssetFindings = AssetFindings(state);
            }
        }

        return _versions.Count;
    }

    // ------------------------------------------------------------------ data out

    public IReadOnlyList<Finding> FindingsFor(string assetId) =>
        _assets.TryGetValue(assetId, out var state) ? Materialise(state).ToList() : [];

    /// <summary>Every finding of every asset, materialised as it is enumerated.</summary>
    public IEnumerable<Finding> AllFindings() => _assets.Values.SelectMany(Materialise);

    // ------------------------------------------------------------------ interning

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

    private int InternVulnerability(string vuln)
    {
        ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(_vulnIds, vuln, out var exists);
        if (!exists)
        {
            id = _vulnNames.Count;
            _vulnNames.Add(vuln);
            if (id >= _vulnStamp.Length)
            {
                var size = Math.Max(1024, _vulnStamp.Length * 2);
                Array.Resize(ref _vulnStamp, size);
                Array.Resize(ref _vulnSlot, size);
                Array.Resize(ref _vulnCvss, size);
                Array.Resize(ref _vulnKev, size);
            }

            _vulnCvss[id] = _cvss.TryGetValue(vuln, out var score) ? score : null;
            _vulnKev[id] = _kev.Contains(vuln);
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
        foreach (var (vuln, score) in advisory.MaxCvss)
        {
            if (!_cvss.TryGetValue(vuln, out var existing) || score > existing)
            {
                _cvss[vuln] = score;
                if (_vulnIds.TryGetValue(vuln, out var known))
                {
                    _vulnCvss[known] = score;
                }
            }
        }

        foreach (var s in advisory.Statements)
        {
            s.IdentityId = Intern(s.Identity);
            s.Identity = _identityNames[s.IdentityId];
            s.VulnId = InternVulnerability(s.VulnerabilityId);
            s.VulnerabilityId = _vulnNames[s.VulnId];
            _statements[s.IdentityId].Add(s);
            touched.Add(s.IdentityId);
        }

        return touched;
    }

    // ------------------------------------------------------------------ assets

    private AssetState Attach(MatchAsset asset)
    {
        var components = new Descriptor[asset.Components.Count];
        for (var i = 0; i < components.Length; i++)
        {
            var component = asset.Components[i];
            ref var d = ref CollectionsMarshal.GetValueRefOrAddDefault(_descriptors, component, out var exists);
            if (!exists)
            {
                d = NewDescriptor(component);
            }

            components[i] = d!;
        }

        int slot;
        if (_freeSlots.Count > 0)
        {
            slot = _freeSlots.Pop();
        }
        else
        {
            slot = _slots.Count;
            _slots.Add(null);
            if (slot >= _slotStamp.Length)
            {
                Array.Resize(ref _slotStamp, Math.Max(1024, _slotStamp.Length * 2));
            }
        }

        var state = new AssetState(asset, components, slot);
        _slots[slot] = state;
        foreach (var d in components)
        {
            d.AddOwner(slot);
        }

        _assets[asset.AssetId] = state;
        return state;
    }

    private Descriptor NewDescriptor(MatchComponent component)
    {
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

            if (!list.Contains(cv!))
            {
                list.Add(cv!);
            }
        }

        var d = new Descriptor(component, [.. list]);
        foreach (var cv in d.Versions)
        {
            cv.Descriptors.Add(d);
        }

        return d;
    }

    /// <summary>Releases the asset's slot and the components and versions no other asset has; the caller updates <see cref="_assets"/>.</summary>
    private void Detach(AssetState state)
    {
        foreach (var d in state.Components)
        {
            d.RemoveOwner(state.Slot);
            if (d.OwnerCount > 0)
            {
                continue;
            }

            _descriptors.Remove(d.Component);
            foreach (var cv in d.Versions)
            {
                cv.Descriptors.Remove(d);
                if (cv.Descriptors.Count == 0)
                {
                    _versions.Remove((cv.Identity, cv.Version));
                    _versionsByIdentity[cv.Identity].Remove(cv);
                }
            }
        }

        _slots[state.Slot] = null;
        _freeSlots.Push(state.Slot);
    }

    private int NextSlotGeneration()
    {
        if (++_slotGeneration == int.MaxValue)
        {
            Array.Clear(_slotStamp);
            _slotGeneration = 1;
        }

        return _slotGeneration;
    }

    private int NextVulnGeneration()
    {
        if (++_vulnGeneration == int.MaxValue)
        {
            Array.Clear(_vulnStamp);
            _vulnGeneration = 1;
        }

        return _vulnGeneration;
    }

    // ------------------------------------------------------------------ incremental

    private MatchDelta Reevaluate(HashSet<int> identities)
    {
        var dirty = new List<Descriptor>();
        var seen = new HashSet<Descriptor>(ReferenceEqualityComparer.Instance);
        var evaluated = 0;
        foreach (var id in identities)
        {
            foreach (var cv in _versionsByIdentity[id])
            {
                Evaluate(cv);
                evaluated++;
                foreach (var d in cv.Descriptors)
                {
                    if (seen.Add(d))
                    {
                        dirty.Add(d);
                    }
                }
            }
        }

        var added = new List<Finding>();
        var removed = new List<Finding>();
        Dictionary<Descriptor, Entry[]>? platform = null;
        var addedEntries = new List<Entry>();
        var removedEntries = new List<Entry>();
        foreach (var d in dirty)
        {
            var wasPlatform = d.PlatformDependent;
            var before = d.Entries;
            Merge(d);
            if (wasPlatform || d.PlatformDependent)
            {
                (platform ??= new(ReferenceEqualityComparer.Instance))[d] = before;
                continue;
            }

            addedEntries.Clear();
            removedEntries.Clear();
            DiffEntries(before, d.Entries, addedEntries, removedEntries);
            if (addedEntries.Count == 0 && removedEntries.Count == 0)
            {
                continue;
            }

            // The change is the same for every asset with this component: fan it out, once per asset.
            var generation = NextSlotGeneration();
            for (var k = 0; k < d.OwnerCount; k++)
            {
                var slot = d.Owners[k];
                if (_slotStamp[slot] == generation)
                {
                    continue;
                }

                _slotStamp[slot] = generation;
                var state = _slots[slot]!;
                foreach (var e in addedEntries)
                {
                    added.Add(ToFinding(state, d, e));
                }

                foreach (var e in removedEntries)
                {
                    removed.Add(ToFinding(state, d, e));
                }
            }
        }

        if (platform is not null)
        {
            // NVD AND configurations depend on the asset's other CPEs: these components are matched per asset.
            var generation = NextSlotGeneration();
            foreach (var d in platform.Keys)
            {
                for (var k = 0; k < d.OwnerCount; k++)
                {
                    var slot = d.Owners[k];
                    if (_slotStamp[slot] == generation)
                    {
                        continue;
                    }

                    _slotStamp[slot] = generation;
                    var state = _slots[slot]!;
                    for (var i = 0; i < state.Components.Length; i++)
                    {
                        var component = state.Components[i];
                        if (!platform.TryGetValue(component, out var beforeEntries))
                        {
                            continue;
                        }

                        var beforeFindings = state.PlatformFindings?.GetValueOrDefault(i) ?? [.. beforeEntries.Select(e => ToFinding(state, component, e))];
                        RefreshPlatformFindings(state, i);
                        var d2 = Diff(beforeFindings, ComponentFindings(state, i).ToList(), 0);
                        added.AddRange(d2.Added);
                        removed.AddRange(d2.Removed);
                    }
                }
            }
        }

        return new MatchDelta(added, removed, evaluated);
    }

    /// <summary>Entries are unique per (identity, subject) within a component: added = new or changed kind/priority, removed = gone.</summary>
    private static void DiffEntries(Entry[] before, Entry[] after, List<Entry> added, List<Entry> removed)
    {
        if (before.Length == 0 && after.Length == 0)
        {
            return;
        }

        if (before.Length <= 16 && after.Length <= 16)
        {
            foreach (var e in after)
            {
                var old = Find(before, e);
                if (old is null || old.Kind != e.Kind || old.Priority != e.Priority)
                {
                    added.Add(e);
                }
            }

            foreach (var e in before)
            {
                if (Find(after, e) is null)
                {
                    removed.Add(e);
                }
            }

            return;
        }

        var oldByKey = new Dictionary<(int, string), Entry>(before.Length);
        foreach (var e in before)
        {
            oldByKey.TryAdd((e.IdentityId, e.Subject), e);
        }

        var newKeys = new HashSet<(int, string)>(after.Length);
        foreach (var e in after)
        {
            newKeys.Add((e.IdentityId, e.Subject));
            if (!oldByKey.TryGetValue((e.IdentityId, e.Subject), out var old) || old.Kind != e.Kind || old.Priority != e.Priority)
            {
                added.Add(e);
            }
        }

        foreach (var e in before)
        {
            if (!newKeys.Contains((e.IdentityId, e.Subject)))
            {
                removed.Add(e);
            }
        }

        static Entry? Find(Entry[] entries, Entry key)
        {
            foreach (var e in entries)
            {
                if (e.IdentityId == key.IdentityId && string.Equals(e.Subject, key.Subject, StringComparison.Ordinal))
                {
                    return e;
                }
            }

            return null;
        }
    }

    private static MatchDelta Diff(List<Finding> before, List<Finding> after, int evaluated)
    {
        // One asset can hold several versions of one identity (kernels): the key is per identity, the first wins here.
        var old = new Dictionary<FindingKey, Finding>(before.Count);
        foreach (var f in before)
        {
            old.TryAdd(f.Key, f);
        }

        var now = new Dictionary<FindingKey, Finding>(after.Count);
        foreach (var f in after)
        {
            now.TryAdd(f.Key, f);
        }

        var added = now.Values.Where(f => !old.TryGetValue(f.Key, out var o) || o.Kind != f.Kind || o.Priority != f.Priority).ToList();
        var removed = old.Values.Where(f => !now.ContainsKey(f.Key)).ToList();
        return new MatchDelta(added, removed, evaluated);
    }

    // ------------------------------------------------------------------ evaluation

    /// <summary>Evaluates one distinct (identity, version) against every statement of the identity: the best resolution per vulnerability.</summary>
    private void Evaluate(ComponentVersion cv)
    {
        cv.Evaluated = true;
        cv.Results = NoResults;
        cv.Lifecycle = null;
        cv.PlatformStatements = null;
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

        var generation = NextVulnGeneration();
        var results = _scratchResults;
        results.Clear();
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

            var candidate = new Resolution(s, outcome, null);
            if (_vulnStamp[s.VulnId] != generation)
            {
                _vulnStamp[s.VulnId] = generation;
                _vulnSlot[s.VulnId] = results.Count;
                results.Add(candidate);
            }
            else if (candidate.IsBetterThan(results[_vulnSlot[s.VulnId]]))
            {
                results[_vulnSlot[s.VulnId]] = candidate;
            }
        }

        cv.Results = results.Count == 0 ? NoResults : [.. results];
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

    private static FindingKind? KindOf(Outcome outcome) => outcome switch
    {
        Outcome.Affected => FindingKind.Vulnerable,
        Outcome.Investigating => FindingKind.UnderInvestigation,
        Outcome.Undecided => FindingKind.Unverified,
        _ => null,
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
        var lifecycle = new List<(FindingKind Kind, string Rule, FindingEvidence Evidence)>();
        if (state.State is EndOfLifeState.EndOfLife or EndOfLifeState.EndingWithin)
        {
            var kind = state.State == EndOfLifeState.EndOfLife ? FindingKind.EndOfSupport : FindingKind.EndingSoon;
            var rule = kind == FindingKind.EndOfSupport
                ? $"{eol.Label} {release.Label}: security support ended{(state.EndDate is { } d ? " on " + d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : string.Empty)}"
                : $"{eol.Label} {release.Label}: security support ends on {state.EndDate:yyyy-MM-dd}, within {_options.Horizon.TotalDays:0} days";
            lifecycle.Add((kind, kind == FindingKind.EndOfSupport ? "end-of-support" : "ending-soon", new FindingEvidence(
                origin, source, eol.Provenance.Revision ?? eol.Provenance.ContentSha256[..12], $"eol {release.EndOfLife}", cv.Version, rule, [], MatchConfidence.High)));
        }

        if (state.State != EndOfLifeState.EndOfLife && release.Latest is { Name: { } latest })
        {
            var scheme = RangeSchemes.TryGet(cv.Scheme);
            if (scheme.IsOrdered && scheme.Relate(cv.Version, latest) == VersionRelation.Less)
            {
                lifecycle.Add((FindingKind.BehindLatest, "behind-latest", new FindingEvidence(
                    origin, source, eol.Provenance.Revision ?? eol.Provenance.ContentSha256[..12], $"latest {latest}", cv.Version,
                    $"{cv.Version} is older than {latest}, the latest release of supported cycle {release.Name}", [$"{cv.Version} < {latest}"], MatchConfidence.High)));
            }
        }

        cv.Lifecycle = lifecycle.Count == 0 ? null : [.. lifecycle];
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

    /// <summary>
    /// Merges the results of the component's versions (one per identity) per vulnerability, strongest evidence first,
    /// into the finding entries every asset with this component shares. Entries that did not change are kept, with
    /// their explanation.
    /// </summary>
    private void Merge(Descriptor d)
    {
        d.Merged = true;
        var before = d.Entries;
        var entries = _scratchEntries;
        entries.Clear();
        var platform = false;
        foreach (var cv in d.Versions)
        {
            platform |= cv.PlatformStatements is not null;
            if (cv.Lifecycle is { } lifecycle)
            {
                foreach (var (kind, rule, evidence) in lifecycle)
                {
                    var priority = kind switch
                    {
                        FindingKind.EndOfSupport => Priority.P2,
                        FindingKind.BehindLatest => Priority.P3,
                        _ => Priority.P4,
                    };
                    entries.Add(new Entry(cv.Identity, rule, kind, priority, null, false, cv, default) { Evidence = evidence });
                }
            }
        }

        d.PlatformDependent = platform;
        var merged = _scratchMerged;
        merged.Clear();
        if (d.Versions.Length == 1)
        {
            foreach (var r in d.Versions[0].Results)
            {
                merged.Add((r, d.Versions[0]));
            }
        }
        else
        {
            var generation = NextVulnGeneration();
            foreach (var cv in d.Versions)
            {
                foreach (var r in cv.Results)
                {
                    var vuln = r.Statement.VulnId;
                    if (_vulnStamp[vuln] != generation)
                    {
                        _vulnStamp[vuln] = generation;
                        _vulnSlot[vuln] = merged.Count;
                        merged.Add((r, cv));
                    }
                    else if (r.IsBetterThan(merged[_vulnSlot[vuln]].Resolution))
                    {
                        merged[_vulnSlot[vuln]] = (r, cv);
                    }
                }
            }
        }

        // Components with NVD AND configurations keep the whole merge: each asset adds its platform statements to it.
        d.AllMerged = platform ? [.. merged] : null;
        var position = 0;
        foreach (var (resolution, cv) in merged)
        {
            if (KindOf(resolution.Outcome) is not { } kind)
            {
                continue;
            }

            var vuln = resolution.Statement.VulnId;
            var cvss = _vulnCvss[vuln];
            var kev = _vulnKev[vuln];
            var priority = PriorityRules.For(kind, cvss, kev);
            var reuse = Reusable(before, position, cv, resolution, kind, priority, cvss, kev);
            entries.Add(reuse ?? new Entry(cv.Identity, resolution.Statement.VulnerabilityId, kind, priority, cvss, kev, cv, resolution));
            position++;
        }

        d.Entries = entries.Count == 0 ? NoEntries : [.. entries];
    }

    /// <summary>The entry from before when nothing about it changed (usually at the same position), so its explanation is kept.</summary>
    private static Entry? Reusable(Entry[] before, int position, ComponentVersion cv, Resolution resolution, FindingKind kind, Priority priority, decimal? cvss, bool kev)
    {
        static bool Same(Entry e, ComponentVersion cv, Resolution r, FindingKind kind, Priority priority, decimal? cvss, bool kev) =>
            ReferenceEquals(e.Cv, cv) && ReferenceEquals(e.Resolution.Statement, r.Statement) && e.Resolution.Outcome == r.Outcome
            && e.Kind == kind && e.Priority == priority && e.Cvss == cvss && e.Kev == kev;

        // Lifecycle entries come first and are always rebuilt: look among the vulnerability entries only.
        for (var k = 0; k < before.Length; k++)
        {
            var i = (position + k) % before.Length;
            var e = before[i];
            if (e.Resolution.Statement is not null && Same(e, cv, resolution, kind, priority, cvss, kev))
            {
                return e;
            }

            if (k >= 4)
            {
                break; // far away: a new entry is cheaper than a long search
            }
        }

        return null;
    }

    // ------------------------------------------------------------------ materialising

    private IEnumerable<Finding> Materialise(AssetState state)
    {
        for (var i = 0; i < state.Components.Length; i++)
        {
            foreach (var f in ComponentFindings(state, i))
            {
                yield return f;
            }
        }

        foreach (var f in state.AssetFindings)
        {
            yield return f;
        }
    }

    private IEnumerable<Finding> ComponentFindings(AssetState state, int index)
    {
        if (state.PlatformFindings is { } platform && platform.TryGetValue(index, out var findings))
        {
            return findings;
        }

        var d = state.Components[index];
        if (d.Entries.Length == 0)
        {
            return [];
        }

        return d.Entries.Select(e => ToFinding(state, d, e));
    }

    private Finding ToFinding(AssetState state, Descriptor d, Entry e) =>
        new(new FindingKey(state.AssetId, _identityNames[e.IdentityId], e.Subject), e.Kind, state.Name, d.Component.Display, d.Component.Version,
            e.Subject, e.Priority, e.Cvss, e.Kev, e.Evidence ??= Explain(e));

    /// <summary>Explains once per shared entry: every asset with this component shares the explanation.</summary>
    private static FindingEvidence Explain(Entry e)
    {
        var s = e.Resolution.Statement;
        var match = e.Resolution.Explanation ?? s.Slow(e.Cv.Version);
        return new FindingEvidence(s.Advisory.Source.ToString(), s.Advisory.DocumentId, s.Advisory.Revision, s.RangeText, e.Cv.Version, match.Rule, match.Comparisons, s.Confidence);
    }

    /// <summary>Components with NVD AND configurations: the shared merge plus this asset's platform statements, per asset.</summary>
    private void RefreshPlatformFindings(AssetState state)
    {
        for (var i = 0; i < state.Components.Length; i++)
        {
            if (state.Components[i].PlatformDependent || state.PlatformFindings?.ContainsKey(i) == true)
            {
                RefreshPlatformFindings(state, i);
            }
        }
    }

    private void RefreshPlatformFindings(AssetState state, int index)
    {
        var d = state.Components[index];
        if (!d.PlatformDependent)
        {
            state.PlatformFindings?.Remove(index);
            return;
        }

        var merged = new Dictionary<int, (Resolution Resolution, ComponentVersion Cv)>();
        var order = new List<int>();
        foreach (var (resolution, cv) in d.AllMerged ?? [])
        {
            merged[resolution.Statement.VulnId] = (resolution, cv);
            order.Add(resolution.Statement.VulnId);
        }

        foreach (var cv in d.Versions)
        {
            if (cv.PlatformStatements is not { } platform)
            {
                continue;
            }

            foreach (var s in platform)
            {
                if (merged.TryGetValue(s.VulnId, out var current) && current.Resolution.IsDecisive)
                {
                    continue; // a stronger source already decided; NVD AND nodes come last
                }

                var match = NvdEvaluator.Evaluate(s.PlatformConfigurations!, state.InstalledCpes(index, cv.Version));
                var outcome = OutcomeOf(s.Kind, match.Verdict);
                var candidate = new Resolution(s, outcome, match);
                if (outcome != Outcome.None && (!merged.TryGetValue(s.VulnId, out current) || candidate.IsBetterThan(current.Resolution)))
                {
                    if (!merged.ContainsKey(s.VulnId))
                    {
                        order.Add(s.VulnId);
                    }

                    merged[s.VulnId] = (candidate, cv);
                }
            }
        }

        var findings = new List<Finding>();
        foreach (var e in d.Entries)
        {
            if (e.Resolution.Statement is null)
            {
                findings.Add(ToFinding(state, d, e)); // lifecycle
            }
        }

        foreach (var vuln in order)
        {
            var (resolution, cv) = merged[vuln];
            if (KindOf(resolution.Outcome) is not { } kind)
            {
                continue;
            }

            var priority = PriorityRules.For(kind, _vulnCvss[vuln], _vulnKev[vuln]);
            var e = new Entry(cv.Identity, resolution.Statement.VulnerabilityId, kind, priority, _vulnCvss[vuln], _vulnKev[vuln], cv, resolution);
            findings.Add(ToFinding(state, d, e));
        }

        (state.PlatformFindings ??= [])[index] = findings;
    }

    private List<Finding> AssetFindings(AssetState state)
    {
        if (state.UpdateExpiresOn is not { } aue)
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
        return [new Finding(new FindingKey(state.AssetId, "device", rule), ended ? FindingKind.UpdateExpired : FindingKind.EndingSoon, state.Name, "device", aue.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), rule,
            ended ? Priority.P2 : Priority.P4, null, false, new FindingEvidence("device", "Auto Update Expiration", null, $"AUE {aue:yyyy-MM-dd}", today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), text, [], MatchConfidence.High))];
    }

    // ------------------------------------------------------------------ types

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

    /// <param name="Explanation">A precomputed explanation (NVD AND nodes), else the statement's evaluator explains.</param>
    internal readonly record struct Resolution(Statement Statement, Outcome Outcome, RangeMatch? Explanation)
    {
        public bool IsDecisive => Outcome <= Outcome.OutsideRange;

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

    /// <summary>One finding as every asset with the component shares it; a lifecycle entry has no resolution.</summary>
    private sealed class Entry(int identityId, string subject, FindingKind kind, Priority priority, decimal? cvss, bool kev, ComponentVersion cv, Resolution resolution)
    {
        public int IdentityId { get; } = identityId;
        public string Subject { get; } = subject;
        public FindingKind Kind { get; } = kind;
        public Priority Priority { get; } = priority;
        public decimal? Cvss { get; } = cvss;
        public bool Kev { get; } = kev;
        public ComponentVersion Cv { get; } = cv;
        public Resolution Resolution { get; } = resolution;
        public FindingEvidence? Evidence { get; set; }
    }

    /// <summary>One distinct (identity, version), evaluated once for all components that have it.</summary>
    private sealed class ComponentVersion(int identity, string version, VersionSchemeKind scheme)
    {
        private VersionKey? _key;
        private VersionSchemeKind _keyScheme = VersionSchemeKind.Unknown;
        private bool _keyTried;

        public int Identity { get; } = identity;
        public string Version { get; } = version;
        public VersionSchemeKind Scheme { get; } = scheme;

        /// <summary>The distinct components using this version (one in most cases).</summary>
        public List<Descriptor> Descriptors { get; } = new(1);

        /// <summary>The best resolution per vulnerability, in statement order.</summary>
        public Resolution[] Results { get; set; } = NoResults;

        public (FindingKind Kind, string Rule, FindingEvidence Evidence)[]? Lifecycle { get; set; }
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
    }

    /// <summary>A distinct component (identities, version, name, CPE, lifecycle) and the assets that have it, as slot numbers.</summary>
    private sealed class Descriptor(MatchComponent component, ComponentVersion[] versions)
    {
        public MatchComponent Component { get; } = component;
        public ComponentVersion[] Versions { get; } = versions;
        public int[] Owners { get; private set; } = new int[1];
        public int OwnerCount { get; private set; }
        public Entry[] Entries { get; set; } = NoEntries;
        public bool Merged { get; set; }
        public bool PlatformDependent { get; set; }
        public (Resolution Resolution, ComponentVersion Cv)[]? AllMerged { get; set; }

        public void AddOwner(int slot)
        {
            if (OwnerCount == Owners.Length)
            {
                var grown = new int[Owners.Length * 2];
                Owners.AsSpan().CopyTo(grown);
                Owners = grown;
            }

            Owners[OwnerCount++] = slot;
        }

        public void RemoveOwner(int slot)
        {
            var i = Owners.AsSpan(0, OwnerCount).IndexOf(slot);
            if (i < 0)
            {
                return;
            }

            Owners[i] = Owners[--OwnerCount];
            if (OwnerCount > 16 && OwnerCount < Owners.Length / 4)
            {
                Owners = Owners.AsSpan(0, OwnerCount * 2).ToArray();
            }
        }
    }

    /// <summary>What the matcher keeps of an asset: names, its distinct components, and the findings that are per asset.</summary>
    private sealed class AssetState(MatchAsset asset, Descriptor[] components, int slot)
    {
        public string AssetId { get; } = asset.AssetId;
        public string Name { get; } = asset.Name;
        public DateOnly? UpdateExpiresOn { get; } = asset.UpdateExpiresOn;
        public Descriptor[] Components { get; } = components;
        public int Slot { get; } = slot;
        public List<Finding> AssetFindings { get; set; } = [];

        /// <summary>Findings of components with NVD AND configurations, by component index.</summary>
        public Dictionary<int, List<Finding>>? PlatformFindings { get; set; }

        /// <summary>The asset's CPEs for NVD AND configurations; the component being tested carries the version.</summary>
        public List<InstalledCpe> InstalledCpes(int tested, string version)
        {
            var list = new List<InstalledCpe>();
            for (var i = 0; i < Components.Length; i++)
            {
                var c = Components[i].Component;
                if (c.Cpe is not null && Identities.Cpe.TryParse(c.Cpe, out var cpe, out _) && cpe is not null)
                {
                    list.Add(new InstalledCpe(cpe, i == tested ? version : c.Version));
                }
            }

            return list;
        }
    }

    /// <summary>Components are the same when everything the matcher reads of them is: identities, version, scheme, names, CPE, lifecycle.</summary>
    private sealed class ComponentComparer : IEqualityComparer<MatchComponent>
    {
        public static readonly ComponentComparer Instance = new();

        public bool Equals(MatchComponent? x, MatchComponent? y)
        {
            if (ReferenceEquals(x, y))
            {
                return true;
            }

            if (x is null || y is null || x.Scheme != y.Scheme || x.Identities.Count != y.Identities.Count
                || !string.Equals(x.Version, y.Version, StringComparison.Ordinal)
                || !string.Equals(x.Display, y.Display, StringComparison.Ordinal)
                || !string.Equals(x.Cpe, y.Cpe, StringComparison.Ordinal)
                || !string.Equals(x.EndOfLifeProduct, y.EndOfLifeProduct, StringComparison.Ordinal)
                || !string.Equals(x.EndOfLifeCycle, y.EndOfLifeCycle, StringComparison.Ordinal))
            {
                return false;
            }

            for (var i = 0; i < x.Identities.Count; i++)
            {
                if (!string.Equals(x.Identities[i], y.Identities[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(MatchComponent obj) => HashCode.Combine(
            StringComparer.Ordinal.GetHashCode(obj.Version),
            StringComparer.Ordinal.GetHashCode(obj.Display),
            obj.Identities.Count > 0 ? StringComparer.Ordinal.GetHashCode(obj.Identities[0]) : 0,
            obj.Scheme);
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
