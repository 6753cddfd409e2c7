using System.IO.Pipelines;

namespace OrleansML.Learning.Storage;

/// <summary>
/// Turns a store's pull-model write (<see cref="IBlobStore.WriteAsync(string, Stream, CancellationToken)"/>, which
/// reads its content from a stream) into a push-model one (the caller writes into a stream), through an in-memory
/// pipe of at most <see cref="PauseBytes"/> unread bytes: the producer waits while the store is behind, so memory
/// stays bounded whatever the content's length.
/// </summary>
/// <remarks>
/// A producer failure completes the pipe with that exception, so the store's read of the content fails before the
/// end and the store keeps the old content (its writes are atomic); the producer's exception is the one thrown. A
/// store failure cancels the producer, and the store's exception is thrown.
/// </remarks>
public static class BlobPipe
{
    /// <summary>Unread bytes at which the producer waits for the store.</summary>
    public const int PauseBytes = 1 << 20;

    /// <summary>Writes blob <paramref name="name"/> of <paramref name="store"/> with what <paramref name="write"/> writes.</summary>
    public static async Task WriteAsync(IBlobStore store, string name, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(write);
        BlobName.Validate(name);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PauseBytes, resumeWriterThreshold: PauseBytes / 2, useSynchronizationContext: false));
        using var producerCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task producer = ProduceAsync(pipe.Writer, write, producerCancellation.Token);
        Task consumer = ConsumeAsync(store, name, pipe.Reader, producerCancellation, cancellationToken);
        try
        {
            await Task.WhenAll(producer, consumer);
        }
        catch when (producer.IsFaulted || (producer.IsCanceled && !consumer.IsFaulted))
        {
            // The producer's failure is the cause; the store's failure to read the content follows from it.
            await producer;
            throw;
        }
    }

    private static async Task ProduceAsync(PipeWriter writer, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        // Off the caller's thread, so that the store's upload (started next) runs while the producer fills the pipe.
        await Task.Yield();
        try
        {
            await using (Stream stream = writer.AsStream(leaveOpen: true))
            {
                await write(stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }
        }
        catch (Exception exception)
        {
            await writer.CompleteAsync(exception);
            throw;
        }

        await writer.CompleteAsync();
    }

    private static async Task ConsumeAsync(IBlobStore store, string name, PipeReader reader, CancellationTokenSource producer, CancellationToken cancellationToken)
    {
        try
        {
            await using Stream content = reader.AsStream(leaveOpen: true);
            await store.WriteAsync(name, content, cancellationToken);
        }
        catch (Exception exception)
        {
            // The producer may be waiting for room in the pipe: release it.
            await producer.CancelAsync();
            await reader.CompleteAsync(exception);
            throw;
        }

        await reader.CompleteAsync();
    }
}
