using Orleans.Serialization;

namespace OrleansML.Training.Tests.Wire;

/// <summary>
/// The tensor codecs through Orleans' own <see cref="Serializer"/> (as a silo builds it: <c>AddSerializer()</c>): a
/// tensor is one tagged raw block, float32 or float16, where Orleans would write a field per element; a damaged
/// block is a <see cref="TensorFormatException"/>; and a call inside one silo shares the instance.
/// </summary>
public sealed class TensorCodecTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    private Serializer Serializer => _services.GetRequiredService<Serializer>();

    public void Dispose() => _services.Dispose();

    private T Decode<T>(ReadOnlySpan<byte> bytes) where T : class =>
        Serializer.Deserialize<T>(bytes) ?? throw new InvalidOperationException("the serializer decoded null");

    private T RoundTrip<T>(T value) where T : class => Decode<T>(Serializer.SerializeToArray(value));

    [Fact]
    public void A_float32_tensor_round_trips_exactly_including_special_values()
    {
        float[] values = [0f, -0f, 1.2345678f, -3.4e38f, 1e-45f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, .. Enumerable.Range(0, 1000).Select(i => (i * 0.731f) - 200f)];

        FloatTensor back = RoundTrip(new FloatTensor(values));

        Assert.Equal(TensorCompression.None, back.Compression);
        Assert.Equal(values.Length, back.Length);
        // Bit for bit: NaN and the sign of zero survive.
        Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), back.Values.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void A_float16_tensor_travels_as_halves_and_arrives_as_their_float32_values()
    {
        float[] values = [.. Enumerable.Range(0, 4096).Select(i => 1.2345678f + (i * -0.731f))];

        byte[] bytes = Serializer.SerializeToArray(new FloatTensor(values, TensorCompression.Float16));
        FloatTensor back = Decode<FloatTensor>(bytes);

        Assert.Equal(TensorCompression.Float16, back.Compression);
        Assert.Equal(values.Select(v => (float)(Half)v), back.Values);
        Assert.NotEqual(values, back.Values); // the values did travel as halves
        // Two bytes a value and a few of framing.
        Assert.InRange(bytes.Length, values.Length * 2, (values.Length * 2) + 16);
        // Rounding before sending (what a sender does for its local callers) changes nothing on the wire.
        float[] rounded = [.. values];
        FloatTensor.RoundToWire(rounded, TensorCompression.Float16);
        Assert.Equal(back.Values, RoundTrip(new FloatTensor(rounded, TensorCompression.Float16)).Values);
    }

    [Fact]
    public void An_index_tensor_round_trips_exactly()
    {
        int[] keys = [0, 1, 7, 1 << 20, int.MaxValue, -1, int.MinValue];

        IndexTensor back = RoundTrip(new IndexTensor(keys));

        Assert.Equal(keys, back.Values);
    }

    [Fact]
    public void Tensors_inside_a_message_keep_their_values_and_an_empty_tensor_stays_empty()
    {
        var push = new OrleansML.Shards.GradientPush
        {
            Attempt = 3, WorkerId = 1, Step = 9, Rows = 32,
            Keys = new IndexTensor([2, 5, 11]),
            Values = new FloatTensor([0.5f, -0.25f, 8f], TensorCompression.Float16),
        };

        OrleansML.Shards.GradientPush back = RoundTrip(push);

        Assert.Equal((3L, 1, 9L, 32), (back.Attempt, back.WorkerId, back.Step, back.Rows));
        Assert.Equal([2, 5, 11], back.Keys!.Values);
        Assert.Equal([0.5f, -0.25f, 8f], back.Values.Values);
        Assert.Equal(TensorCompression.Float16, back.Values.Compression);
        Assert.Empty(RoundTrip(FloatTensor.Empty).Values);
    }

    [Fact]
    public void A_million_floats_take_one_block_of_four_megabytes_where_an_array_takes_five()
    {
        float[] values = [.. Enumerable.Range(0, 1_000_000).Select(i => i * 0.5f)];

        int tensorBytes = Serializer.SerializeToArray(new FloatTensor(values)).Length;
        int arrayBytes = Serializer.SerializeToArray(values).Length;

        // 4,000,000 bytes of floats, a tag byte, a length prefix and a field header.
        Assert.InRange(tensorBytes, 4_000_001, 4_000_016);
        // Orleans' array codec writes a header per element: about 5 MB (what the tensor type avoids).
        Assert.InRange(arrayBytes, 4_900_000, 5_100_000);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)] // int32: a float tensor's reader must refuse an index block
    [InlineData(9)]
    public void A_damaged_element_type_tag_is_a_tensor_format_error(byte tag)
    {
        float[] values = [1f, 2f, 3f];
        byte[] bytes = Serializer.SerializeToArray(new FloatTensor(values));
        // The block ends the message: [header][length][tag][12 bytes of floats].
        int tagAt = bytes.Length - (values.Length * sizeof(float)) - 1;
        Assert.Equal(1, bytes[tagAt]); // float32, as written
        bytes[tagAt] = tag;

        var error = Assert.Throws<TensorFormatException>(() => Decode<FloatTensor>(bytes));

        Assert.Contains($"element-type tag {tag}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_that_is_not_a_whole_number_of_elements_is_a_tensor_format_error()
    {
        byte[] bytes = Serializer.SerializeToArray(new IndexTensor([1, 2]));
        // [header][length = 9][tag = 3][8 bytes]: declare one byte less and drop the last byte.
        int lengthAt = bytes.Length - 8 - 2;
        Assert.Equal(9, bytes[lengthAt] >> 1); // var-uint: the value shifted left by one, low bit set
        bytes[lengthAt] = (byte)((8 << 1) | 1);

        var error = Assert.Throws<TensorFormatException>(() => Decode<IndexTensor>(bytes.AsSpan(0, bytes.Length - 1)));

        Assert.Contains("not a whole number of 4-byte elements", error.Message, StringComparison.Ordinal);
    }
}
