namespace OrleansML.Learning.Data.Readers;

/// <summary>
/// Reads IDX files (the MNIST / Fashion-MNIST format), plain or gzipped (detected by the 1f 8b magic):
/// unsigned-byte images (magic 0x00000803) and labels (magic 0x00000801), big-endian headers.
/// Errors are <see cref="DataFormatException"/> whose <see cref="DataFormatException.Line"/> is the byte offset.
/// </summary>
public static class IdxReader
{
    private const int ChunkBytes = 1 << 16;

    /// <summary>Reads an images file.</summary>
    public static IdxImageSet ReadImages(string filePath, IdxReaderOptions? options = null)
    {
        using var stream = new IdxStream(OpenFile(filePath), filePath, ownsSource: true);
        return ReadImages(stream, options ?? new IdxReaderOptions());
    }

    /// <summary>Reads images from a stream (left open); <paramref name="displayName"/> names it in errors.</summary>
    public static IdxImageSet ReadImages(Stream stream, string displayName, IdxReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        using var source = new IdxStream(stream, displayName, ownsSource: false);
        return ReadImages(source, options ?? new IdxReaderOptions());
    }

    /// <summary>Reads a labels file.</summary>
    public static byte[] ReadLabels(string filePath)
    {
        using var stream = new IdxStream(OpenFile(filePath), filePath, ownsSource: true);
        return ReadLabels(stream);
    }

    /// <summary>Reads labels from a stream (left open); <paramref name="displayName"/> names it in errors.</summary>
    public static byte[] ReadLabels(Stream stream, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        using var source = new IdxStream(stream, displayName, ownsSource: false);
        return ReadLabels(source);
    }

    /// <summary>Reads an images file and its labels file into one dataset (one row of Height x Width features per image).</summary>
    /// <exception cref="DataFormatException">A file is malformed, or the image and label counts differ.</exception>
    public static DenseDataset ReadDataset(string imagesPath, string labelsPath, IdxReaderOptions? options = null)
    {
        IdxImageSet images = ReadImages(imagesPath, options);
        byte[] labels = ReadLabels(labelsPath);
        return Combine(images, labels, labelsPath);
    }

    internal static DenseDataset Combine(IdxImageSet images, byte[] labels, string labelsName)
    {
        if (labels.Length != images.Count)
        {
            throw new DataFormatException(labelsName, 4, 0, $"at byte offset 4: {labels.Length} labels but {images.Count} images");
        }

        var labelValues = new float[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            labelValues[i] = labels[i];
        }

        return new DenseDataset(images.PixelArray, labelValues, images.Height * images.Width);
    }

    private static FileStream OpenFile(string filePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        if (Directory.Exists(filePath))
        {
            throw new DataFormatException(filePath, 0, 0, "is a directory, not a data file");
        }

        return new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, ChunkBytes, FileOptions.SequentialScan);
    }

    private static IdxImageSet ReadImages(IdxStream stream, IdxReaderOptions options)
    {
        stream.ExpectMagic(IdxStream.ImageMagic, "IDX3 unsigned-byte images");
        int count = stream.ReadDimension("image count");
        int height = stream.ReadDimension("image height");
        int width = stream.ReadDimension("image width");
        long total = (long)count * height * width;
        if (total > Array.MaxLength)
        {
            throw stream.Error(4, $"{count} x {height} x {width} pixels do not fit one array");
        }

        stream.EnsureAvailable(total);
        // Every element is written below (or the read throws), so skipping the zeroing pass is safe.
        float[] pixels = GC.AllocateUninitializedArray<float>((int)total);
        // Convert chunk by chunk: no second full-size byte buffer.
        byte[] chunk = new byte[(int)Math.Min(ChunkBytes, Math.Max(total, 1))];
        long done = 0;
        while (done < total)
        {
            int length = (int)Math.Min(chunk.Length, total - done);
            Span<byte> bytes = chunk.AsSpan(0, length);
            stream.ReadExactly(bytes);
            PixelConversion.ToFloat(bytes, pixels.AsSpan((int)done, length), options.ScaleToUnitRange);

            done += length;
        }

        stream.ExpectEnd();
        return new IdxImageSet(pixels, count, height, width);
    }

    private static byte[] ReadLabels(IdxStream stream)
    {
        stream.ExpectMagic(IdxStream.LabelMagic, "IDX1 unsigned-byte labels");
        int count = stream.ReadDimension("label count");
        stream.EnsureAvailable(count);
        byte[] labels = new byte[count];
        stream.ReadExactly(labels);
        stream.ExpectEnd();
        return labels;
    }
}
