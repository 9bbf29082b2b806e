using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Advisories;

/// <summary>
/// Writes parsed advisories set-based, a batch at a time, inside the file's transaction, with the same rules as the
/// change-tracker path (ADR 0009): one advisory per (source, document id); a revision whose content hash is stored
/// changes nothing; a new hash adds a revision, and when it is not older than the current one it replaces the
/// advisory's fields, vulnerabilities, products and scores; an older one is history only. Per batch: two reads (the
/// batch's advisories and their revision hashes), then deletes of replaced children, row updates of changed
/// advisories, and appends (<see cref="BulkInsert{T}"/>) of everything new. The same document twice in one batch is
/// handled in order, exactly as two files would be.
/// </summary>
internal sealed class AdvisoryBatchWriter(PatchpeilDbContext db, AdvisorySource source) : IAsyncDisposable
{
    private sealed class State(Guid id, DateTime? modifiedUtc, bool stored)
    {
        public Guid Id { get; } = id;
        public DateTime? ModifiedUtc { get; set; } = modifiedUtc;
        public bool Stored { get; } = stored;
        public HashSet<string> Hashes { get; } = new(StringComparer.Ordinal);

        /// <summary>The advisory whose fields and children are written at the flush; null when they stay as stored.</summary>
        public Advisory? Latest { get; set; }
    }

    private readonly Dictionary<string, State> _states = new(StringComparer.Ordinal);
    private readonly List<AdvisoryRevision> _revisions = [];
    private BulkInsert<Advisory>? _advisories;
    private BulkInsert<AdvisoryRevision>? _revisionRows;
    private BulkInsert<AdvisoryVulnerability>? _vulnerabilities;
    private BulkInsert<AffectedProduct>? _products;
    private BulkInsert<AdvisoryScore>? _scores;
    private DbCommand? _update;
    private IProperty[]? _updateProperties;

    public int Added { get; private set; }
    public int Changed { get; private set; }
    public int Unchanged { get; private set; }

    /// <summary>Loads what is stored for these document ids (call once per batch, before <see cref="IsStored"/> and <see cref="Add"/>).</summary>
    public async Task PrepareAsync(IEnumerable<string> documentIds, CancellationToken cancellationToken)
    {
        var ids = documentIds.Where(id => !_states.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return;
        }

        var stored = await db.Set<Advisory>().AsNoTracking()
            .Where(a => a.Source == source && EF.Parameter(ids).Contains(a.DocumentId))
            .Select(a => new { a.Id, a.DocumentId, a.ModifiedUtc })
            .ToListAsync(cancellationToken);
        if (stored.Count == 0)
        {
            return;
        }

        var byId = new Dictionary<Guid, State>();
        foreach (var a in stored)
        {
            byId[a.Id] = _states[a.DocumentId] = new State(a.Id, a.ModifiedUtc, stored: true);
        }

        var advisoryIds = byId.Keys.ToList();
        var hashes = await db.Set<AdvisoryRevision>().AsNoTracking()
            .Where(r => EF.Parameter(advisoryIds).Contains(r.AdvisoryId))
            .Select(r => new { r.AdvisoryId, r.ContentSha256 })
            .ToListAsync(cancellationToken);
        foreach (var h in hashes)
        {
            byId[h.AdvisoryId].Hashes.Add(h.ContentSha256);
        }
    }

    /// <summary>True when this exact content (by hash) is already stored or queued for this document: it can be skipped unparsed.</summary>
    public bool IsStored(string documentId, string contentSha256) =>
        _states.TryGetValue(documentId, out var state) && state.Hashes.Contains(contentSha256);

    public void CountUnchanged() => Unchanged++;

    /// <summary>Queues one parsed advisory with its revision; nothing is written before <see cref="FlushAsync"/>.</summary>
    public void Add(Advisory incoming, AdvisoryRevision revision)
    {
        if (!_states.TryGetValue(incoming.DocumentId, out var state))
        {
            state = _states[incoming.DocumentId] = new State(incoming.Id, incoming.ModifiedUtc, stored: false) { Latest = incoming };
            state.Hashes.Add(revision.ContentSha256);
            revision.AdvisoryId = state.Id;
            _revisions.Add(revision);
            Added++;
            return;
        }

        if (!state.Hashes.Add(revision.ContentSha256))
        {
            Unchanged++;
            return;
        }

        revision.AdvisoryId = state.Id;
        _revisions.Add(revision);
        Changed++;
        var newer = state.ModifiedUtc is null || incoming.ModifiedUtc is null || incoming.ModifiedUtc >= state.ModifiedUtc;
        if (!newer)
        {
            return; // An older revision arriving late is kept as history only.
        }

        incoming.Id = state.Id;
        state.ModifiedUtc = incoming.ModifiedUtc;
        state.Latest = incoming;
    }

    /// <summary>Writes the queued batch and forgets it (the next batch reads what it needs again).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var inserted = new List<Advisory>();
        var updated = new List<Advisory>();
        foreach (var state in _states.Values)
        {
            if (state.Latest is { } latest)
            {
                (state.Stored ? updated : inserted).Add(latest);
            }
        }

        if (updated.Count > 0)
        {
            var ids = updated.Select(a => a.Id).ToList();
            await db.Set<AdvisoryVulnerability>().Where(v => EF.Parameter(ids).Contains(v.AdvisoryId)).ExecuteDeleteAsync(cancellationToken);
            await db.Set<AffectedProduct>().Where(p => EF.Parameter(ids).Contains(p.AdvisoryId)).ExecuteDeleteAsync(cancellationToken);
            await db.Set<AdvisoryScore>().Where(s => EF.Parameter(ids).Contains(s.AdvisoryId)).ExecuteDeleteAsync(cancellationToken);
            foreach (var advisory in updated)
            {
                await UpdateAsync(advisory, cancellationToken);
            }
        }

        var written = inserted.Concat(updated).ToList();
        foreach (var advisory in written)
        {
            advisory.Vulnerabilities.ForEach(v => v.AdvisoryId = advisory.Id);
            advisory.Products.ForEach(p => p.AdvisoryId = advisory.Id);
            advisory.Scores.ForEach(s => s.AdvisoryId = advisory.Id);
        }

        _advisories ??= new BulkInsert<Advisory>(db);
        _revisionRows ??= new BulkInsert<AdvisoryRevision>(db);
        _vulnerabilities ??= new BulkInsert<AdvisoryVulnerability>(db);
        _products ??= new BulkInsert<AffectedProduct>(db);
        _scores ??= new BulkInsert<AdvisoryScore>(db);
        using (IngestProfile.Time(IngestProfile.Section.WriteAdvisories))
        {
            await _advisories.WriteAsync(inserted, cancellationToken);
        }

        using (IngestProfile.Time(IngestProfile.Section.WriteRevisions))
        {
            await _revisionRows.WriteAsync(_revisions, cancellationToken);
        }

        using (IngestProfile.Time(IngestProfile.Section.WriteVulnerabilities))
        {
            await _vulnerabilities.WriteAsync(written.SelectMany(a => a.Vulnerabilities).ToList(), cancellationToken);
        }

        using (IngestProfile.Time(IngestProfile.Section.WriteProducts))
        {
            await _products.WriteAsync(written.SelectMany(a => a.Products).ToList(), cancellationToken);
        }

        using (IngestProfile.Time(IngestProfile.Section.WriteScores))
        {
            await _scores.WriteAsync(written.SelectMany(a => a.Scores).ToList(), cancellationToken);
        }

        _states.Clear();
        _revisions.Clear();
    }

    /// <summary>One prepared UPDATE of every column but the id (changed advisories are the rare case).</summary>
    private async Task UpdateAsync(Advisory advisory, CancellationToken cancellationToken)
    {
        if (_update is null)
        {
            var entity = db.Model.FindEntityType(typeof(Advisory))!;
            var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var key = entity.FindPrimaryKey()!.Properties.Single();
            _updateProperties = [.. entity.GetProperties().Where(p => p != key), key];
            _update = db.Database.GetDbConnection().CreateCommand();
            _update.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
            var sets = new List<string>();
            for (var i = 0; i < _updateProperties.Length; i++)
            {
                var p = _updateProperties[i];
                _update.Parameters.Add(p.GetRelationalTypeMapping().CreateParameter(_update, $"@u{i}", null, p.IsNullable));
                if (p != key)
                {
                    sets.Add($"{BulkInsert<Advisory>.Quote(p.GetColumnName(store)!)} = @u{i}");
                }
            }

            _update.CommandText = $"UPDATE {BulkInsert<Advisory>.Quote(entity.GetTableName()!)} SET {string.Join(", ", sets)} " +
                $"WHERE {BulkInsert<Advisory>.Quote(key.GetColumnName(store)!)} = @u{_updateProperties.Length - 1}";
            _update.Prepare();
        }

        for (var i = 0; i < _updateProperties!.Length; i++)
        {
            _update.Parameters[i].Value = BulkInsert<Advisory>.ProviderValue(_updateProperties[i], advisory) ?? DBNull.Value;
        }

        await _update.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in new IAsyncDisposable?[] { _advisories, _revisionRows, _vulnerabilities, _products, _scores, _update })
        {
            if (writer is not null)
            {
                await writer.DisposeAsync();
            }
        }
    }
}
