using System.Buffers;

namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// A <see cref="Memory{T}"/> of bytes over part of a typed array, so that streams (which take byte memory) can
/// read straight into, or write straight from, the float and id arrays of a dataset without a staging copy.
/// </summary>
internal sealed unsafe class ArrayByteMemory<T> : MemoryManager<byte> where T : unmanaged
{
    /// <summary>Chunks stay at or below 1 GiB so that every chunk's byte length fits in an int.</summary>
    private const int MaximumChunkBytes = 1 << 30;

    private readonly T[] _array;
    private readonly int _start;
    private readonly int _count;

    private ArrayByteMemory(T[] array, int start, int count)
    {
        Debug.Assert(start >= 0 && count >= 0 && start + (long)count <= array.Length, "the range lies inside the array");
        Debug.Assert((long)count * sizeof(T) <= MaximumChunkBytes, "a chunk's byte length fits in an int");
        _array = array;
        _start = start;
        _count = count;
    }

    /// <summary>Byte views of <c>array[start..start + count]</c>, in order, each at most 1 GiB.</summary>
    public static IEnumerable<Memory<byte>> Chunks(T[] array, int start, int count)
    {
        int perChunk = MaximumChunkBytes / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        for (int done = 0; done < count; done += perChunk)
        {
            yield return new ArrayByteMemory<T>(array, start + done, Math.Min(perChunk, count - done)).Memory;
        }
    }

    public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(_array.AsSpan(_start, _count));

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        // T is unmanaged, so the array is blittable and can be pinned; the handle is freed when the MemoryHandle is disposed.
        GCHandle handle = GCHandle.Alloc(_array, GCHandleType.Pinned);
        byte* pointer = (byte*)handle.AddrOfPinnedObject() + ((long)_start * sizeof(T)) + elementIndex;
        return new MemoryHandle(pointer, handle, this);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
