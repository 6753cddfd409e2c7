using System.Collections.Concurrent;
using OrleansML.Learning.Storage;

namespace OrleansML.Training.Tests.Checkpoints;

/// <summary>
/// A blob store whose checkpoint writes (names under <c>checkpoints/</c>) take <see cref="Delay"/> longer than the
/// store beneath, or never finish when the name contains <c>hang</c> (until cancelled), like a remote store under
/// load; it counts the streamed checkpoint writes per checkpoint (name without its random suffix).
/// </summary>
public sealed class SlowCheckpointStore(IBlobStore inner) : IBlobStore
{
    private readonly ConcurrentDictionary<string, int> _writes = new(StringComparer.Ordinal);

    public TimeSpan Delay { get; set; }

    public string Location => inner.Location;

    /// <summary>Streamed checkpoint writes begun for <paramref name="prefix"/> (e.g. <c>checkpoints/job/shard/000000000002</c>).</summary>
    public int WritesOf(string prefix) => _writes.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(p => p.Value);

    public async Task WriteAsync(string name, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        if (name.StartsWith("checkpoints/", StringComparison.Ordinal))
        {
            _writes.AddOrUpdate(name, 1, (_, n) => n + 1);
            await Task.Delay(name.Contains("hang", StringComparison.Ordinal) ? Timeout.InfiniteTimeSpan : Delay, cancellationToken);
        }

        await inner.WriteAsync(name, write, cancellationToken);
    }

    public Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => inner.WriteAsync(name, content, cancellationToken);

    public Task WriteAsync(string name, Stream content, CancellationToken cancellationToken = default) => inner.WriteAsync(name, content, cancellationToken);

    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default) => inner.OpenReadAsync(name, cancellationToken);

    public Task<byte[]> ReadAllBytesAsync(string name, CancellationToken cancellationToken = default) => inner.ReadAllBytesAsync(name, cancellationToken);

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) => inner.ExistsAsync(name, cancellationToken);

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
}
