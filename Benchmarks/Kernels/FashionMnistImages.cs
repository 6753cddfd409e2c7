using System.Buffers.Binary;
using System.IO.Compression;

namespace OrleansML.Benchmarks.Kernels;

/// <summary>
/// Reads the Fashion-MNIST training set (gzipped IDX files) into row-major floats in [0, 1], just enough
/// for the kernel benchmark; the library's own data reader replaces this at merge.
/// </summary>
public static class FashionMnistImages
{
    /// <summary>Where the Debian package dataset-fashion-mnist installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Returns (features, labels, columns) or null when the files are absent.</summary>
    public static (float[] Features, float[] Labels, int Columns)? TryLoadTraining(string directory = DefaultDirectory)
    {
        string images = Path.Combine(directory, "train-images-idx3-ubyte.gz");
        string labels = Path.Combine(directory, "train-labels-idx1-ubyte.gz");
        if (!File.Exists(images) || !File.Exists(labels))
        {
            return null;
        }

        byte[] imageBytes = ReadGzip(images);
        byte[] labelBytes = ReadGzip(labels);
        RequireMagic(imageBytes, 0x00000803, images);
        RequireMagic(labelBytes, 0x00000801, labels);
        int rows = BinaryPrimitives.ReadInt32BigEndian(imageBytes.AsSpan(4));
        int columns = BinaryPrimitives.ReadInt32BigEndian(imageBytes.AsSpan(8)) * BinaryPrimitives.ReadInt32BigEndian(imageBytes.AsSpan(12));
        if (BinaryPrimitives.ReadInt32BigEndian(labelBytes.AsSpan(4)) != rows || imageBytes.Length < 16 + ((long)rows * columns) || labelBytes.Length < 8 + rows)
        {
            throw new InvalidDataException($"{images} and {labels} disagree on the row count or are truncated.");
        }

        var features = new float[rows * columns];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = imageBytes[16 + i] * (1f / 255f);
        }

        var labelValues = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            labelValues[i] = labelBytes[8 + i];
        }

        return (features, labelValues, columns);
    }

    private static byte[] ReadGzip(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static void RequireMagic(byte[] bytes, int magic, string path)
    {
        if (bytes.Length < 16 || BinaryPrimitives.ReadInt32BigEndian(bytes) != magic)
        {
            throw new InvalidDataException($"{path} is not an IDX file with magic 0x{magic:X8}.");
        }
    }
}
