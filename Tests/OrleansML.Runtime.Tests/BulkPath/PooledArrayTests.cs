using System.Buffers;
using OrleansML.Runtime.Serialization;
using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Tests.Core;
using OrleansML.Runtime.Tests.Core.Doubles;
using OrleansML.Runtime.Tests.Core.Grains;
using OrleansML.Runtime.Tests.TestSupport;

namespace OrleansML.Runtime.Tests.BulkPath;

/// <summary><see cref="PooledArray{T}"/>: the wire form, ownership on local and remote calls, and disposal.</summary>
[Collection(CoreTestGroup.Name)]
public sealed class PooledArrayTests
{
    [Fact]
    public void A_pooled_tensor_reads_back_from_a_many_segment_body_as_written()
    {
        float[] values = [.. Enumerable.Range(0, 50_000).Select(i => (i * 0.5f) - 3f)];
        using PooledArray<float> tensor = PooledArray.CopyOf<float>(values);
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new BodyWriter(buffer);
        writer.Write(tensor);
        writer.Write<PooledArray<float>?>(null);
        writer.WriteInt32(42);

        var reader = new BodyReader(SegmentedBodyReaderTests.Split(buffer.WrittenSpan.ToArray(), 4093, emptyBetween: false));
        using PooledArray<float>? read = reader.Read<PooledArray<float>?>();
        Assert.NotNull(read);
        Assert.Equal(values.Length, read.Length);
        Assert.Equal(values, read.Span.ToArray());
        Assert.Null(reader.Read<PooledArray<float>?>());
        Assert.Equal(42, reader.ReadInt32());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void A_damaged_count_is_a_format_error_before_anything_is_rented()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new BodyWriter(buffer);
        writer.WriteInt32(int.MaxValue); // 8 GiB of floats announced, 8 bytes present
        writer.WriteInt64(7);

        var error = Assert.Throws<MessageFormatException>(() =>
        {
            var reader = new BodyReader(buffer.WrittenSpan);
            return reader.Read<PooledArray<float>?>();
        });
        Assert.Contains($"block of {int.MaxValue} x 4-byte elements", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disposed_tensor_refuses_access_and_disposing_twice_is_harmless()
    {
        PooledArray<int> tensor = PooledArray.Rent<int>(10);
        Assert.Equal(10, tensor.Length);
        Assert.Equal(10, tensor.Memory.Length);
        tensor.Dispose();
        tensor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => tensor.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => tensor.Memory);
        Assert.Throws<ArgumentOutOfRangeException>(() => PooledArray.Rent<int>(-1));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_call_gets_its_own_copy_and_the_runtime_releases_the_returned_tensor(bool remote)
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        TestSilo caller = cluster.Silos[0];
        IPooledTensorGrain grain = caller.GrainFactory.GetGrain<IPooledTensorGrain>(TestKeys.Unique("pooled"));
        cluster.PinGrain(grain, remote ? cluster.Silos[1] : caller);

        // 1.2 MB: above the bulk threshold, so a remote call takes the gather send and the off-loop decode.
        float[] values = [.. Enumerable.Range(0, 300_000).Select(i => (float)(i % 1013))];
        using PooledArray<float> argument = PooledArray.CopyOf<float>(values);
        using PooledArray<float>? scaled = await grain.Scale(argument, 2f).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotNull(scaled);
        Assert.Equal(values.Select(v => v * 2f), scaled.Span.ToArray());
        Assert.Equal(values, argument.Span.ToArray()); // the grain overwrote its copy, not ours
        Assert.True(await grain.LastResultReleased());
        Assert.Null(await grain.Scale(null, 2f));
    }
}
