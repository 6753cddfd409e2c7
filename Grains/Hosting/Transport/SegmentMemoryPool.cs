using System.Buffers;
using System.Diagnostics;

namespace OrleansML.Grains.Hosting.Transport;

/// <summary>
/// The pipe segments of bulk connections: arrays of up to <see cref="MaxBufferSize"/> bytes from a pool private to
/// the transport, so that a 4 MiB message received in 128 KiB segments reuses the same arrays instead of draining the
/// process-wide <see cref="ArrayPool{T}.Shared"/> (which keeps few arrays per size) or allocating large objects.
/// </summary>
internal sealed class SegmentMemoryPool : MemoryPool<byte>
{
    private readonly ArrayPool<byte> _arrays;
    private readonly int _maxBufferSize;

    /// <param name="segmentSize">The largest rent this pool serves; larger requests fail.</param>
    /// <param name="segmentsRetained">Arrays of each size kept for reuse; more than this in use at once are allocated and dropped.</param>
    public SegmentMemoryPool(int segmentSize, int segmentsRetained)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentsRetained, 1);
        _maxBufferSize = segmentSize;
        _arrays = ArrayPool<byte>.Create(segmentSize, segmentsRetained);
    }

    public override int MaxBufferSize => _maxBufferSize;

    /// <summary>Rents at least <paramref name="minBufferSize"/> bytes (the whole segment size when -1).</summary>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > _maxBufferSize)
        {
            throw new ArgumentOutOfRangeException(nameof(minBufferSize), minBufferSize, $"This pool serves at most {_maxBufferSize} bytes.");
        }

        int size = minBufferSize < 0 ? _maxBufferSize : minBufferSize;
        return new Lease(_arrays, _arrays.Rent(size));
    }

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Lease(ArrayPool<byte> arrays, byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(SegmentMemoryPool));

        public void Dispose()
        {
            byte[]? array = Interlocked.Exchange(ref _array, null);
            Debug.Assert(array is not null, "A pipe segment is returned once.");
            if (array is not null)
            {
                arrays.Return(array);
            }
        }
    }
}
