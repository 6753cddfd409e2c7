using System.Buffers;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Tests;

public class ValueSerializerTests
{
    private static T RoundTrip<T>(T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new BodyWriter(buffer);
        writer.Write(value);
        var reader = new BodyReader(buffer.WrittenSpan);
        T result = reader.Read<T>();
        Assert.Equal(0, reader.Remaining);
        return result;
    }

    [Fact]
    public void Primitives_strings_and_tensors_round_trip()
    {
        Assert.Equal(42, RoundTrip(42));
        Assert.Equal(-7L, RoundTrip(-7L));
        Assert.Equal(1.5f, RoundTrip(1.5f));
        Assert.Equal("héllo", RoundTrip("héllo"));
        Assert.Null(RoundTrip<string?>(null));
        Assert.Equal(new[] { 1f, 2f, float.NaN }, RoundTrip(new[] { 1f, 2f, float.NaN }));
        Assert.Null(RoundTrip<float[]?>(null));
        Assert.Equal(new long[] { long.MinValue, 3 }, RoundTrip(new long[] { long.MinValue, 3 }));
        Assert.Equal(new float[] { 4, 5 }, RoundTrip<ReadOnlyMemory<float>>(new float[] { 4, 5 }).ToArray());
        Assert.Equal(TimeSpan.FromMilliseconds(1234), RoundTrip(TimeSpan.FromMilliseconds(1234)));
        Assert.Equal(DayOfWeek.Friday, RoundTrip(DayOfWeek.Friday));
        var when = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.FromHours(2));
        Assert.Equal(when, RoundTrip(when));
        Assert.Equal(when.Offset, RoundTrip(when).Offset);
    }

    [Fact]
    public void Truncated_body_is_a_format_error_not_a_crash()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new BodyWriter(buffer);
        writer.Write(new float[100]);
        byte[] truncated = buffer.WrittenSpan[..50].ToArray();
        var error = Assert.Throws<MessageFormatException>(() =>
        {
            var reader = new BodyReader(truncated);
            reader.Read<float[]>();
        });
        Assert.Contains("400 more bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unregistered_dto_names_the_type_and_the_fix()
    {
        var error = Assert.Throws<TypeInitializationException>(() => RoundTrip(new UnregisteredDto()));
        Assert.Contains("UnregisteredDto", error.InnerException!.Message, StringComparison.Ordinal);
        Assert.Contains("JsonSerializable", error.InnerException.Message, StringComparison.Ordinal);
    }

    public sealed class UnregisteredDto
    {
        public int Value { get; set; }
    }
}
