using System.Buffers.Binary;
using System.IO.Compression;

namespace OrleansML.Learning.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orleansml-idx").FullName;

    private static readonly byte[] Pixels = [0, 255, 51, 102, 10, 20, 30, 40, 255, 0, 0, 255];

    /// <summary>An IDX file: the magic number, each dimension, then the data, integers big-endian.</summary>
    internal static byte[] Idx(int magic, int[] dimensions, ReadOnlySpan<byte> data)
    {
        var bytes = new byte[4 + (4 * dimensions.Length) + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int d = 0; d < dimensions.Length; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * d)), dimensions[d]);
        }

        data.CopyTo(bytes.AsSpan(4 + (4 * dimensions.Length)));
        return bytes;
    }

    private static byte[] ImagesFile(int count, int height, int width, ReadOnlySpan<byte> pixels, int magic = 0x00000803) =>
        Idx(magic, [count, height, width], pixels);

    private static byte[] LabelsFile(ReadOnlySpan<byte> labels) => Idx(0x00000801, [labels.Length], labels);

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static IdxImageSet ReadImages(byte[] bytes, IdxReaderOptions? options = null) =>
        IdxReader.ReadImages(new MemoryStream(bytes), "images.idx", options);

    private static DataFormatException ImagesFail(byte[] bytes) => Assert.Throws<DataFormatException>(() => ReadImages(bytes));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_round_trip_plain_and_gzipped(bool gzipped)
    {
        byte[] file = ImagesFile(3, 2, 2, Pixels);
        IdxImageSet images = ReadImages(gzipped ? Gzip(file) : file);

        Assert.Equal((3, 2, 2), (images.Count, images.Height, images.Width));
        Assert.Equal(Pixels.Select(p => p / 255f).ToArray(), images.Pixels.ToArray());
    }

    [Fact]
    public void Unscaled_option_keeps_byte_values()
    {
        IdxImageSet images = ReadImages(ImagesFile(3, 2, 2, Pixels), new IdxReaderOptions { ScaleToUnitRange = false });

        Assert.Equal(Pixels.Select(p => (float)p).ToArray(), images.Pixels.ToArray());
    }

    [Fact]
    public void Dataset_from_files_pairs_images_and_labels()
    {
        string images = Path.Combine(_directory, "images.gz");
        string labels = Path.Combine(_directory, "labels");
        File.WriteAllBytes(images, Gzip(ImagesFile(3, 2, 2, Pixels)));
        File.WriteAllBytes(labels, LabelsFile([7, 0, 9]));

        DenseDataset data = IdxReader.ReadDataset(images, labels);

        Assert.Equal((3, 4), (data.RowCount, data.ColumnCount));
        Assert.Equal(new[] { 7f, 0f, 9f }, data.Labels.ToArray());
        Assert.Equal(1f, data.Row(0)[1]);
        Assert.Equal(0.2f, data.Row(0)[2], 6);
    }

    [Fact]
    public void Wrong_magic_number_is_an_error_at_offset_zero()
    {
        DataFormatException error = ImagesFail(ImagesFile(3, 2, 2, Pixels, magic: 0x00000801));

        Assert.Equal("images.idx", error.FilePath);
        Assert.Equal(0, error.Line);
        Assert.Contains("wrong magic number 0x00000801; expected 0x00000803", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_with_image_magic_are_rejected()
    {
        DataFormatException error = Assert.Throws<DataFormatException>(() =>
            IdxReader.ReadLabels(new MemoryStream(ImagesFile(1, 1, 1, [1])), "labels.idx"));

        Assert.Contains("expected 0x00000801", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_data_is_an_error_at_the_byte_offset_where_it_ends(bool gzipped)
    {
        byte[] file = ImagesFile(3, 2, 2, Pixels)[..^5];
        DataFormatException error = ImagesFail(gzipped ? Gzip(file) : file);

        Assert.Equal(file.Length, error.Line);
        Assert.Contains($"byte offset {file.Length}", error.Reason, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_gzip_stream_is_a_data_format_error()
    {
        var random = new Random(3);
        byte[] pixels = new byte[64 * 64 * 4];
        random.NextBytes(pixels);
        byte[] compressed = Gzip(ImagesFile(4, 64, 64, pixels));

        DataFormatException error = ImagesFail(compressed[..(compressed.Length / 2)]);

        Assert.Equal("images.idx", error.FilePath);
        Assert.InRange(error.Line, 16, 16 + pixels.Length);
        Assert.Matches("truncated|corrupt", error.Reason);
    }

    [Fact]
    public void Corrupt_gzip_stream_wraps_the_decompression_error()
    {
        byte[] compressed = Gzip(ImagesFile(3, 2, 2, Pixels));
        compressed[10] ^= 0xFF;
        compressed[11] ^= 0xFF;

        DataFormatException error = ImagesFail(compressed);

        Assert.Contains("byte offset", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Trailing_bytes_and_zero_dimensions_are_errors()
    {
        DataFormatException trailing = ImagesFail([.. ImagesFile(3, 2, 2, Pixels), 1]);
        DataFormatException zero = ImagesFail(ImagesFile(3, 0, 2, []));

        Assert.Equal(16 + Pixels.Length, trailing.Line);
        Assert.Contains("unexpected bytes", trailing.Reason, StringComparison.Ordinal);
        Assert.Equal(8, zero.Line);
        Assert.Contains("image height 0", zero.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_declaring_more_data_than_the_file_can_hold_fails_before_allocating()
    {
        DataFormatException plain = ImagesFail(ImagesFile(60_000, 100, 100, [1, 2, 3]));
        DataFormatException gzipped = ImagesFail(Gzip(ImagesFile(60_000, 100, 100, [1, 2, 3])));

        Assert.Equal(19, plain.Line);
        Assert.Contains($"truncated: {600_000_000 - 3} more byte(s) expected", plain.Reason, StringComparison.Ordinal);
        Assert.Equal(16, gzipped.Line);
        Assert.Contains("cannot hold", gzipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_file_is_a_truncation_error()
    {
        DataFormatException error = ImagesFail([]);

        Assert.Equal(0, error.Line);
        Assert.Contains("truncated", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        string images = Path.Combine(_directory, "images");
        string labels = Path.Combine(_directory, "labels");
        File.WriteAllBytes(images, ImagesFile(3, 2, 2, Pixels));
        File.WriteAllBytes(labels, LabelsFile([1, 2]));

        DataFormatException error = Assert.Throws<DataFormatException>(() => IdxReader.ReadDataset(images, labels));

        Assert.Equal(labels, error.FilePath);
        Assert.Contains("2 labels but 3 images", error.Reason, StringComparison.Ordinal);
    }
}
