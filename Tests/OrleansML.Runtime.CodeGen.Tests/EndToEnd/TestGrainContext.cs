using System.Globalization;

namespace OrleansML.Runtime.CodeGen.Tests.EndToEnd;

/// <summary>An activation context for tests: persistent state lives in a shared in-memory store, and every
/// request the grain makes of its context is recorded so tests can assert it.</summary>
internal sealed class TestGrainContext(GrainId grainId, IServiceProvider services, IGrainFactory grainFactory, TestStateStore store) : IGrainContext
{
    public GrainId GrainId { get; } = grainId;

    public SiloAddress Silo { get; } = new("127.0.0.1", 11111, 1);

    public IGrainFactory GrainFactory { get; } = grainFactory;

    public IServiceProvider Services { get; } = services;

    public int DeactivationRequests { get; private set; }

    public List<(string StateName, string StorageName)> StatesRequested { get; } = [];

    public void DeactivateOnIdle() => DeactivationRequests++;

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        throw new NotSupportedException("The code-generation tests run no timers.");

    public Task RegisterOrUpdateReminderAsync(string reminderName, TimeSpan dueTime, TimeSpan period, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The code-generation tests run no reminders.");

    public Task UnregisterReminderAsync(string reminderName, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The code-generation tests run no reminders.");

    public IPersistentState<TState> GetPersistentState<TState>(string stateName, string storageName) where TState : new()
    {
        StatesRequested.Add((stateName, storageName));
        return new TestPersistentState<TState>(store, $"{storageName}/{GrainId}/{stateName}");
    }
}

/// <summary>Stored states by key, with an ETag per write (what a storage provider keeps).</summary>
internal sealed class TestStateStore
{
    private readonly Dictionary<string, (object State, int Version)> _records = new(StringComparer.Ordinal);

    public bool TryRead(string key, out object? state, out int version)
    {
        lock (_records)
        {
            bool found = _records.TryGetValue(key, out (object State, int Version) record);
            (state, version) = found ? record : (null, 0);
            return found;
        }
    }

    public int Write(string key, object state, int expectedVersion)
    {
        lock (_records)
        {
            int current = _records.TryGetValue(key, out (object State, int Version) record) ? record.Version : 0;
            if (current != expectedVersion)
            {
                throw new Persistence.InconsistentStateException($"stale write to {key}: version {expectedVersion}, stored {current}.");
            }

            _records[key] = (state, current + 1);
            return current + 1;
        }
    }

    public void Clear(string key)
    {
        lock (_records)
        {
            _records.Remove(key);
        }
    }
}

/// <summary>Persistent state over <see cref="TestStateStore"/>; reads on creation, as the runtime loads state before activation.</summary>
internal sealed class TestPersistentState<TState> : IPersistentState<TState> where TState : new()
{
    private readonly TestStateStore _store;
    private readonly string _key;
    private int _version;

    public TestPersistentState(TestStateStore store, string key)
    {
        _store = store;
        _key = key;
        State = new TState();
        Load();
    }

    public TState State { get; set; }

    public string? Etag => _version == 0 ? null : _version.ToString(CultureInfo.InvariantCulture);

    public bool RecordExists => _version != 0;

    public Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        Load();
        return Task.CompletedTask;
    }

    public Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        _version = _store.Write(_key, State!, _version);
        return Task.CompletedTask;
    }

    public Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        _store.Clear(_key);
        _version = 0;
        State = new TState();
        return Task.CompletedTask;
    }

    private void Load()
    {
        if (_store.TryRead(_key, out object? state, out int version))
        {
            State = (TState)state!;
            _version = version;
        }
    }
}
