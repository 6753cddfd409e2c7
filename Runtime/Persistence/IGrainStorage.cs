namespace OrleansML.Runtime.Persistence;

/// <summary>One stored record: the serialised state and its ETag.</summary>
public sealed record StoredRecord(ReadOnlyMemory<byte> Data, string Etag);

/// <summary>
/// A storage provider for grain state. Providers store opaque bytes (the runtime serialises the state),
/// so one provider serves every state type.
/// </summary>
/// <remarks>
/// Concurrency contract: every write and clear is conditional. <c>expectedEtag == null</c> means "only if
/// no record exists"; otherwise "only if the stored ETag equals it". A failed condition throws
/// <see cref="InconsistentStateException"/>. ETags are opaque strings chosen by the provider and change on
/// every successful write.
/// </remarks>
public interface IGrainStorage
{
    /// <summary>Reads the record of <paramref name="stateName"/> for <paramref name="grainId"/>, or null when none exists.</summary>
    Task<StoredRecord?> ReadAsync(string stateName, GrainId grainId, CancellationToken cancellationToken);

    /// <summary>Writes the record conditionally and returns the new ETag.</summary>
    Task<string> WriteAsync(string stateName, GrainId grainId, ReadOnlyMemory<byte> data, string? expectedEtag, CancellationToken cancellationToken);

    /// <summary>Deletes the record conditionally. Clearing a record that does not exist with a null ETag succeeds.</summary>
    Task ClearAsync(string stateName, GrainId grainId, string? expectedEtag, CancellationToken cancellationToken);
}
