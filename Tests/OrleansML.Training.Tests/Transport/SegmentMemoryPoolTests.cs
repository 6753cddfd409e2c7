using System.Buffers;
using System.Runtime.InteropServices;
using OrleansML.Grains.Hosting.Transport;

namespace OrleansML.Training.Tests.Transport;

public sealed class SegmentMemoryPoolTests
{
    [Fact]
    public void A_rent_without_a_size_is_a_whole_segment_and_a_smaller_rent_is_at_least_its_size()
    {
        using var pool = new SegmentMemoryPool(64 * 1024, segmentsRetained: 4);

        using IMemoryOwner<byte> whole = pool.Rent();
        using IMemoryOwner<byte> small = pool.Rent(1000);

        Assert.Equal(64 * 1024, pool.MaxBufferSize);
        Assert.True(whole.Memory.Length >= 64 * 1024);
        Assert.True(small.Memory.Length >= 1000);
    }

    [Fact]
    public void A_rent_larger_than_a_segment_is_refused()
    {
        using var pool = new SegmentMemoryPool(64 * 1024, segmentsRetained: 4);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(64 * 1024 + 1));

        Assert.Contains("65536", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_returned_segment_is_handed_out_again()
    {
        using var pool = new SegmentMemoryPool(64 * 1024, segmentsRetained: 4);
        IMemoryOwner<byte> first = pool.Rent();
        Assert.True(MemoryMarshal.TryGetArray<byte>(first.Memory, out ArraySegment<byte> firstArray));
        first.Dispose();

        using IMemoryOwner<byte> second = pool.Rent();

        Assert.True(MemoryMarshal.TryGetArray<byte>(second.Memory, out ArraySegment<byte> secondArray));
        Assert.Same(firstArray.Array, secondArray.Array);
        Assert.Throws<ObjectDisposedException>(() => first.Memory);
    }
}
