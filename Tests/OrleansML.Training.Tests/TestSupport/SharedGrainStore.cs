using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace OrleansML.Training.Tests.TestSupport;

/// <summary>
/// Test-only grain storage for every silo of one in-process cluster: records live in this object, not in a grain,
/// so they survive the silo that wrote them, as a database's rows would. Each silo gets its own
/// <see cref="IGrainStorage"/> (<see cref="ForSilo"/>) bound to its serializer: a write stores the state's Orleans
/// binary form and a read decodes a fresh instance, so no two activations (on one silo or two) ever share an object,
/// and a state that does not serialize fails here as it would in a real store. ETags are checked as a database
/// provider checks them: a write or clear whose ETag is not the stored one throws
/// <see cref="InconsistentStateException"/>.
/// </summary>
public sealed class SharedGrainStore
{
    /// <summary>The storage name the training grains use.</summary>
    public const string StorageName = "Default";

    private readonly Dictionary<string, Record> _records = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _nextETag;

    /// <summary>The storage provider of one silo.</summary>
    public IGrainStorage ForSilo(Serializer serializer, IActivatorProvider activators)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(activators);
        return new SiloStorage(this, serializer, activators);
    }

    private static string KeyOf(string stateName, GrainId grainId) => $"{stateName}|{grainId}";

    private (byte[] Bytes, string ETag)? Read(string key)
    {
        lock (_gate)
        {
            return _records.TryGetValue(key, out Record record) ? (record.Bytes, record.ETag) : null;
        }
    }

    /// <summary>Stores <paramref name="bytes"/> (null: deletes) if the stored ETag is <paramref name="expectedETag"/>
    /// (null: nothing stored); returns the new ETag.</summary>
    private string? Replace(string key, string? expectedETag, byte[]? bytes)
    {
        lock (_gate)
        {
            string? stored = _records.TryGetValue(key, out Record record) ? record.ETag : null;
            if (!string.Equals(stored, expectedETag, StringComparison.Ordinal))
            {
                throw new InconsistentStateException(
                    $"Grain state '{key}': the write carries ETag '{expectedETag ?? "(none)"}' but the store holds '{stored ?? "(nothing)"}': another activation wrote it since this one read it.",
                    stored ?? "(nothing)",
                    expectedETag ?? "(none)");
            }

            if (bytes is null)
            {
                _records.Remove(key);
                return null;
            }

            string etag = (++_nextETag).ToString(CultureInfo.InvariantCulture);
            _records[key] = new Record(bytes, etag);
            return etag;
        }
    }

    private readonly record struct Record(byte[] Bytes, string ETag);

    private sealed class SiloStorage(SharedGrainStore store, Serializer serializer, IActivatorProvider activators) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (store.Read(KeyOf(stateName, grainId)) is { } stored)
            {
                grainState.State = serializer.Deserialize<T>(stored.Bytes);
                grainState.ETag = stored.ETag;
                grainState.RecordExists = true;
            }
            else
            {
                grainState.State = activators.GetActivator<T>().Create();
                grainState.ETag = null;
                grainState.RecordExists = false;
            }

            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            byte[] bytes = serializer.SerializeToArray(grainState.State);
            grainState.ETag = store.Replace(KeyOf(stateName, grainId), grainState.ETag, bytes);
            grainState.RecordExists = true;
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            store.Replace(KeyOf(stateName, grainId), grainState.ETag, bytes: null);
            grainState.ETag = null;
            grainState.RecordExists = false;
            grainState.State = activators.GetActivator<T>().Create();
            return Task.CompletedTask;
        }
    }
}
