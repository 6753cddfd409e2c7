namespace OrleansML.Learning.Data.Readers;

/// <summary>Images read from an IDX3 file: <see cref="Count"/> images of <see cref="Height"/> x <see cref="Width"/> pixels, row-major.</summary>
public sealed class IdxImageSet
{
    private readonly float[] _pixels;

    internal IdxImageSet(float[] pixels, int count, int height, int width)
    {
        System.Diagnostics.Debug.Assert(pixels.Length == (long)count * height * width);
        _pixels = pixels;
        Count = count;
        Height = height;
        Width = width;
    }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Pixel rows per image.</summary>
    public int Height { get; }

    /// <summary>Pixel columns per image.</summary>
    public int Width { get; }

    /// <summary>All pixels: image i occupies [i * Height * Width, (i + 1) * Height * Width).</summary>
    public ReadOnlySpan<float> Pixels => _pixels;

    internal float[] PixelArray => _pixels;
}
