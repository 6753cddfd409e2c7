namespace OrleansML.Learning.Data.Readers;

/// <summary>Converts unsigned-byte pixels to float32, optionally divided by 255, 32 pixels per step where Vector256 is accelerated.</summary>
internal static class PixelConversion
{
    public static void ToFloat(ReadOnlySpan<byte> source, Span<float> destination, bool scaleToUnitRange)
    {
        System.Diagnostics.Debug.Assert(destination.Length >= source.Length);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Division (not multiplication by 1/255) keeps each value the correctly rounded quotient, like the scalar tail.
            Vector256<float> divisor = Vector256.Create(scaleToUnitRange ? 255f : 1f);
            for (; i + Vector256<byte>.Count <= source.Length; i += Vector256<byte>.Count)
            {
                (Vector256<ushort> low, Vector256<ushort> high) = Vector256.Widen(Vector256.Create(source.Slice(i, Vector256<byte>.Count)));
                Store(low, destination[i..], divisor);
                Store(high, destination[(i + 16)..], divisor);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = scaleToUnitRange ? source[i] / 255f : source[i];
        }
    }

    private static void Store(Vector256<ushort> values, Span<float> destination, Vector256<float> divisor)
    {
        (Vector256<uint> low, Vector256<uint> high) = Vector256.Widen(values);
        // Values are below 256, so the signed conversion is exact and avoids the slow unsigned path without AVX-512.
        (Vector256.ConvertToSingle(low.AsInt32()) / divisor).CopyTo(destination);
        (Vector256.ConvertToSingle(high.AsInt32()) / divisor).CopyTo(destination[8..]);
    }
}
