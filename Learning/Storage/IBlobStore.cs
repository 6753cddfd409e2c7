namespace OrleansML.Learning.Storage;

/// <summary>
/// A flat store of named byte blobs (tensors, checkpoints, saved models, dataset partitions): the one place
/// where a silo's data outlives the silo, so that a grain reactivated on another host finds it again.
/// Grain state keeps only blob names and checksums; the bytes live here.
/// </summary>
/// <remarks>
/// Names are '/'-separated relative paths such as <c>datasets/clicks/clicks.part-00003.omlp</c>: no empty,
/// <c>.</c> or <c>..</c> segment, no leading '/', no backslash, no control character, at most 1024 characters.
/// A bad name throws <see cref="ArgumentException"/> naming it. Every failure of the store itself is a
/// <see cref="BlobStoreException"/> whose message names <see cref="Location"/> and the blob, never a secret.
/// Cancellation throws <see cref="OperationCanceledException"/>; a write cancelled midway leaves the old content.
/// Implementations are safe for concurrent use; concurrent writes of one name end with one of the contents whole.
/// </remarks>
public interface IBlobStore
{
    /// <summary>
    /// Describes the store for messages and logs, e.g. <c>directory /var/lib/orleansml</c> or
    /// <c>Azure container 'orleansml' at https://account.blob.core.windows.net</c>. Never holds a key or SAS.
    /// </summary>
    string Location { get; }

    /// <summary>
    /// Creates or replaces blob <paramref name="name"/> with <paramref name="content"/>. The replacement is atomic:
    /// a concurrent or later reader sees the old content or the new content, never a mix or a prefix.
    /// </summary>
    /// <exception cref="BlobStoreException">The store could not be written.</exception>
    Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates or replaces blob <paramref name="name"/> with the rest of <paramref name="content"/>, read in
    /// blocks rather than all at once, so it suits content larger than memory. Atomic as the other overload.
    /// The caller keeps ownership of <paramref name="content"/>.
    /// </summary>
    /// <exception cref="BlobStoreException">The store could not be written.</exception>
    Task WriteAsync(string name, Stream content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates or replaces blob <paramref name="name"/> with what <paramref name="write"/> writes to the stream it is
    /// given, so content can be encoded straight into the store, never held whole in memory. Treat the stream as
    /// write-only and do not keep it. Atomic as the other overloads: if <paramref name="write"/> throws or is
    /// cancelled, the blob keeps its old content and that exception propagates.
    /// </summary>
    /// <remarks>
    /// By default the content goes through a bounded in-memory pipe (<see cref="BlobPipe"/>) into
    /// <see cref="WriteAsync(string, Stream, CancellationToken)"/>; a store that can hand out its own write stream
    /// without giving up atomicity overrides this.
    /// </remarks>
    /// <exception cref="BlobStoreException">The store could not be written.</exception>
    Task WriteAsync(string name, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default) =>
        BlobPipe.WriteAsync(this, name, write, cancellationToken);

    /// <summary>Opens blob <paramref name="name"/> for reading from its start; the caller disposes the stream.</summary>
    /// <exception cref="BlobNotFoundException">There is no such blob.</exception>
    /// <exception cref="BlobStoreException">The store could not be read.</exception>
    Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Reads the whole of blob <paramref name="name"/>; meant for small blobs such as manifests.</summary>
    /// <exception cref="BlobNotFoundException">There is no such blob.</exception>
    /// <exception cref="BlobStoreException">The store could not be read.</exception>
    Task<byte[]> ReadAllBytesAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Whether blob <paramref name="name"/> exists.</summary>
    /// <exception cref="BlobStoreException">The store could not be asked.</exception>
    Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes blob <paramref name="name"/>. Idempotent: deleting a blob that does not exist succeeds.</summary>
    /// <exception cref="BlobStoreException">The store could not be written.</exception>
    Task DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// The names of the blobs that start with <paramref name="prefix"/> (plain string prefix; "" lists all),
    /// sorted by name. Unfinished writes are never listed.
    /// </summary>
    /// <exception cref="BlobStoreException">The store could not be listed.</exception>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default);
}
