using System.Globalization;
using OrleansML.Runtime.Persistence;

namespace OrleansML.Runtime.Tests.Core.Doubles;

/// <summary>An in-memory IGrainStorage honouring the ETag contract (null = only if absent).</summary>
public sealed class MemoryGrainStorage : IGrainStorage
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, GrainId), StoredRecord> _records = [];
    private long _nextEtag;

    public Task<StoredRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_records.GetValueOrDefault((stateName, grainId)));
        }
    }

    public Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? expectedEtag, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Check(stateName, grainId, expectedEtag);
            string etag = (++_nextEtag).ToString(CultureInfo.InvariantCulture);
            _records[(stateName, grainId)] = new StoredRecord(data.ToArray(), etag);
            return Task.FromResult(etag);
        }
    }

    public Task ClearAsync(string stateName, GrainId grainId, string? expectedEtag, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Check(stateName, grainId, expectedEtag);
            _records.Remove((stateName, grainId));
            return Task.CompletedTask;
        }
    }

    /// <summary>Overwrites a record as another writer would (for the stale-write test).</summary>
    public void Tamper(string stateName, GrainId grainId)
    {
        lock (_gate)
        {
            if (_records.TryGetValue((stateName, grainId), out StoredRecord? record))
            {
                _records[(stateName, grainId)] = record with { Etag = (++_nextEtag).ToString(CultureInfo.InvariantCulture) };
            }
        }
    }

    private void Check(string stateName, GrainId grainId, string? expectedEtag)
    {
        string? stored = _records.GetValueOrDefault((stateName, grainId))?.Etag;
        if (stored != expectedEtag)
        {
            throw new InconsistentStateException($"state '{stateName}' of {grainId} has ETag {stored ?? "(none)"}, not {expectedEtag ?? "(none)"}.", stored, expectedEtag);
        }
    }
}
