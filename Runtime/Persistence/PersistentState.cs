using System.Buffers;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Persistence;

/// <summary>
/// Bridges a grain's <see cref="IPersistentState{TState}"/> to a storage provider: it serialises the state
/// with the runtime's value serializer (so DTO states use their registered System.Text.Json context) and
/// keeps the ETag of the last read or write, which every write and clear is conditional on.
/// </summary>
internal sealed class PersistentState<TState> : IPersistentState<TState> where TState : new()
{
    private readonly string _stateName;
    private readonly GrainId _grainId;
    private readonly IGrainStorage _storage;
    private TState _state = new();

    public PersistentState(string stateName, GrainId grainId, IGrainStorage storage)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        _stateName = stateName;
        _grainId = grainId;
        _storage = storage ?? throw new ArgumentNullException(nameof(storage));
    }

    public TState State
    {
        get => _state;
        set => _state = value ?? throw new ArgumentNullException(nameof(value), $"State '{_stateName}' of grain {_grainId} cannot be set to null.");
    }

    public string? Etag { get; private set; }

    public bool RecordExists { get; private set; }

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        StoredRecord? record = await _storage.ReadAsync(_stateName, _grainId, cancellationToken);
        if (record is null)
        {
            _state = new TState();
            Etag = null;
            RecordExists = false;
            return;
        }

        _state = Deserialize(record.Data);
        Etag = record.Etag;
        RecordExists = true;
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Serialize(buffer, _state);
        Etag = await _storage.WriteAsync(_stateName, _grainId, buffer.WrittenMemory, Etag, cancellationToken);
        RecordExists = true;
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        await _storage.ClearAsync(_stateName, _grainId, Etag, cancellationToken);
        _state = new TState();
        Etag = null;
        RecordExists = false;
    }

    private static void Serialize(ArrayBufferWriter<byte> buffer, TState state)
    {
        var writer = new BodyWriter(buffer);
        writer.Write(state);
    }

    private TState Deserialize(ReadOnlyMemory<byte> data)
    {
        var reader = new BodyReader(data.Span);
        TState state = reader.Read<TState>();
        if (reader.Remaining != 0)
        {
            throw new MessageFormatException($"State '{_stateName}' of grain {_grainId} has {reader.Remaining} bytes after the {typeof(TState).Name} value: it was written as another type.");
        }

        return state ?? new TState();
    }
}
