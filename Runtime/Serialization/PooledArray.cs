using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrleansML.Runtime.Serialization;

/// <summary>
/// A tensor of <typeparamref name="T"/> in an array rented from <see cref="ArrayPool{T}.Shared"/>, owned by whoever
/// holds it (the <see cref="IMemoryOwner{T}"/> contract): for large tensor arguments and results.
/// </summary>
/// <remarks>
/// Why it exists: a grain that receives a <c>float[]</c> of 4 MiB gets a fresh large-object array for every call, and
/// on Linux the GC hands back freed large-object memory to the kernel, so each new array is paid for again in page
/// faults: decoding one took 655-843 us on the development VM against 92-99 us into a pooled array
/// (<c>dotnet run -c Release --project Benchmarks -- tensor-alloc</c>; <c>-- transport</c> compares both argument
/// kinds between silos). A received
/// <see cref="PooledArray{T}"/> is decoded into a pooled array instead; the receiver disposes it when done, which
/// returns the array for the next message.
/// <para>Ownership: a call never takes the caller's instance. It is written (copied) when sent, also on local calls,
/// and the callee gets its own instance, which the callee must dispose (or may keep). A grain method's returned
/// instance is the other way round: the runtime disposes it once the response is written, and the caller gets its
/// own instance to dispose. An instance that is never
/// disposed is only garbage: the pool rents a new array next time. Using an instance after disposing it throws
/// <see cref="ObjectDisposedException"/>; handing out its <see cref="Memory"/> and using that after disposal is a
/// bug the type cannot catch, as with any <see cref="ArrayPool{T}"/> array.</para>
/// </remarks>
/// <typeparam name="T">An unmanaged element type, sent as raw little-endian bytes.</typeparam>
public sealed class PooledArray<T> : IMemoryOwner<T>, IBinarySerializable<PooledArray<T>>, IReleasedAfterSend
    where T : unmanaged
{
    private readonly int _length;
    private T[]? _array;

    internal PooledArray(T[] array, int length)
    {
        Debug.Assert(length >= 0 && length <= array.Length, "the rented array holds the length");
        _array = array;
        _length = length;
    }

    /// <summary>The number of elements (the rented array may be longer).</summary>
    public int Length => _length;

    /// <summary>The elements; valid until <see cref="Dispose"/>.</summary>
    public Memory<T> Memory => Array.AsMemory(0, _length);

    /// <summary>The elements; valid until <see cref="Dispose"/>.</summary>
    public Span<T> Span => Array.AsSpan(0, _length);

    private T[] Array => _array ?? throw new ObjectDisposedException(nameof(PooledArray<T>), "The pooled array was disposed: its memory went back to the pool.");

    /// <summary>Writes the elements as a block (null writes a null block; a disposed instance throws).</summary>
    static void IBinarySerializable<PooledArray<T>>.Write(ref BodyWriter writer, PooledArray<T>? value)
    {
        if (value is null)
        {
            writer.WriteBlock<T>([], isNull: true);
            return;
        }

        writer.WriteBlock<T>(value.Span);
    }

    /// <summary>Reads a block into a newly rented array.</summary>
    static PooledArray<T>? IBinarySerializable<PooledArray<T>>.Read(ref BodyReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0)
        {
            return null;
        }

        PooledArray<T> values = PooledArray.Rent<T>(reader.CheckBlockLength<T>(count));
        try
        {
            reader.ReadInto(MemoryMarshal.AsBytes(values.Span));
        }
        catch
        {
            values.Dispose();
            throw;
        }

        return values;
    }

    void IReleasedAfterSend.Release() => Dispose();

    /// <summary>Returns the array to the pool; later calls do nothing.</summary>
    public void Dispose()
    {
        T[]? array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            ArrayPool<T>.Shared.Return(array);
        }
    }
}

/// <summary>A result the runtime disposes once its response is written (the callee hands it over by returning it).</summary>
internal interface IReleasedAfterSend
{
    void Release();
}

/// <summary>Creates <see cref="PooledArray{T}"/> instances.</summary>
public static class PooledArray
{
    /// <summary>Rents room for <paramref name="length"/> elements; their initial values are unspecified.</summary>
    public static PooledArray<T> Rent<T>(int length) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new PooledArray<T>(ArrayPool<T>.Shared.Rent(length), length);
    }

    /// <summary>Rents an array and copies <paramref name="values"/> into it.</summary>
    public static PooledArray<T> CopyOf<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        PooledArray<T> copy = Rent<T>(values.Length);
        values.CopyTo(copy.Span);
        return copy;
    }
}
