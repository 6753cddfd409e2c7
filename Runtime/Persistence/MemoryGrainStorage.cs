using System.Globalization;

namespace OrleansML.Runtime.Persistence;

/// <summary>
/// Grain state in process memory (tests, and state that may be lost with the process). Conditional writes
/// follow <see cref="IGrainStorage"/> exactly; ETags come from one counter, so an ETag is never reused even
/// after a record is cleared and created again.
/// </summary>
internal sealed class MemoryGrainStorage : IGrainStorage
{
    private readonly object _gate = new();
    private readonly Dictionary<(string StateName, GrainId GrainId), StoredRecord> _records = [];
    private long _lastEtag;

    public Task<StoredRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // Records hold private copies, so handing out the stored memory cannot let a caller change it.
            return Task.FromResult(_records.GetValueOrDefault((stateName, grainId)));
        }
    }

    public Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? expectedEtag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        cancellationToken.ThrowIfCancellationRequested();
        byte[] copy = data.ToArray();
        lock (_gate)
        {
            StoredRecord? stored = _records.GetValueOrDefault((stateName, grainId));
            EtagCheck.ThrowIfMismatch(stored?.Etag, expectedEtag, stateName, grainId, "write");
            string etag = (++_lastEtag).ToString(CultureInfo.InvariantCulture);
            _records[(stateName, grainId)] = new StoredRecord(copy, etag);
            return Task.FromResult(etag);
        }
    }

    public Task ClearAsync(string stateName, GrainId grainId, string? expectedEtag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            StoredRecord? stored = _records.GetValueOrDefault((stateName, grainId));
            EtagCheck.ThrowIfMismatch(stored?.Etag, expectedEtag, stateName, grainId, "clear");
            _records.Remove((stateName, grainId));
            return Task.CompletedTask;
        }
    }
}
