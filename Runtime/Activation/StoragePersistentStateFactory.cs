using System.Buffers;
using Microsoft.Extensions.DependencyInjection;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Persistence;

/// <summary>
/// The default <see cref="IPersistentStateFactory"/>: state serialised with the runtime's value serializer
/// (JSON for DTOs) and stored by the keyed <see cref="IGrainStorage"/> named by the state's attribute.
/// (This is the one file to replace when a richer persistence bridge is plugged in.)
/// </summary>
internal sealed class StoragePersistentStateFactory(IServiceProvider services) : IPersistentStateFactory
{
    public IPersistentState<TState> Create<TState>(IGrainContext context, string stateName, string storageName) where TState : new()
    {
        ArgumentNullException.ThrowIfNull(context);
        IGrainStorage storage = services.GetKeyedService<IGrainStorage>(storageName)
            ?? throw new InvalidOperationException($"Grain {context.GrainId} declares state '{stateName}' in storage '{storageName}', but no IGrainStorage is registered under that name (services.AddKeyedSingleton<IGrainStorage>(\"{storageName}\", ...)).");
        return new StoragePersistentState<TState>(storage, stateName, context.GrainId);
    }

    private sealed class StoragePersistentState<TState>(IGrainStorage storage, string stateName, GrainId grainId) : IPersistentState<TState>
        where TState : new()
    {
        public TState State { get; set; } = new();

        public string? Etag { get; private set; }

        public bool RecordExists { get; private set; }

        public async Task ReadStateAsync(CancellationToken cancellationToken = default)
        {
            StoredRecord? record = await storage.ReadAsync(stateName, grainId, cancellationToken);
            if (record is null)
            {
                State = new TState();
                Etag = null;
                RecordExists = false;
                return;
            }

            var reader = new BodyReader(record.Data.Span);
            State = reader.Read<TState>();
            Etag = record.Etag;
            RecordExists = true;
        }

        public async Task WriteStateAsync(CancellationToken cancellationToken = default)
        {
            var buffer = new ArrayBufferWriter<byte>(256);
            var writer = new BodyWriter(buffer);
            writer.Write(State);
            Etag = await storage.WriteAsync(stateName, grainId, buffer.WrittenMemory, Etag, cancellationToken);
            RecordExists = true;
        }

        public async Task ClearStateAsync(CancellationToken cancellationToken = default)
        {
            await storage.ClearAsync(stateName, grainId, Etag, cancellationToken);
            State = new TState();
            Etag = null;
            RecordExists = false;
        }
    }
}
