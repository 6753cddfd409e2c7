using Microsoft.Win32.SafeHandles;

namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// Where <see cref="PartitionReader"/> reads a partition from: a file, read synchronously at explicit offsets
/// (so the shared asynchronous reader completes synchronously for the file API), or any stream, such as a blob
/// download. Tracks how many bytes were consumed, which error messages report as the byte offset.
/// </summary>
internal abstract class PartitionSource : IDisposable
{
    protected PartitionSource(string name, long length)
    {
        Name = name;
        Length = length;
    }

    /// <summary>The file path or blob description that error messages name.</summary>
    public string Name { get; }

    /// <summary>Bytes in the source, or -1 when a stream cannot tell in advance.</summary>
    public long Length { get; }

    public long Position { get; private set; }

    public static PartitionSource OpenFile(string path) => new FileSource(path);

    /// <summary>Reads from <paramref name="stream"/>'s current position; the caller keeps ownership of the stream
    /// unless <paramref name="ownsStream"/>, when disposing the source disposes it.</summary>
    public static PartitionSource FromStream(Stream stream, string name, bool ownsStream = false) => new StreamSource(stream, name, ownsStream);

    /// <summary>Fills <paramref name="buffer"/> unless the source ends first; returns the bytes read.</summary>
    public async ValueTask<int> FillAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int read = await ReadAsync(buffer[done..], cancellationToken);
            if (read == 0)
            {
                break;
            }

            done += read;
            Position += read;
        }

        return done;
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    protected virtual void Dispose(bool disposing)
    {
    }

    private sealed class FileSource : PartitionSource
    {
        private readonly SafeFileHandle _handle;

        public FileSource(string path)
            : this(path, File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan))
        {
        }

        private FileSource(string path, SafeFileHandle handle)
            : base(path, RandomAccess.GetLength(handle))
        {
            _handle = handle;
        }

        protected override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
            ValueTask.FromResult(RandomAccess.Read(_handle, buffer.Span, Position));

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _handle.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class StreamSource(Stream stream, string name, bool ownsStream)
        : PartitionSource(name, stream.CanSeek ? stream.Length - stream.Position : -1)
    {
        protected override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
            stream.ReadAsync(buffer, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing && ownsStream)
            {
                stream.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
