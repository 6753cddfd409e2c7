namespace OrleansML.Learning.Data.Import;

/// <summary>
/// Rows of an IDX images file (unsigned-byte, magic 0x00000803) paired with its labels file (magic 0x00000801),
/// plain or gzipped, one image at a time. Errors give the byte offset in the (decompressed) file.
/// </summary>
internal sealed class IdxRowSource : RowSource
{
    private const int LabelHeaderBytes = 8;
    private readonly FileStream _imageFile;
    private readonly FileStream _labelFile;
    private readonly IdxStream _images;
    private readonly IdxStream _labels;
    private readonly byte[] _pixels;
    private readonly float[] _row;
    private readonly bool _scale;
    private readonly int _count;

    public IdxRowSource(string imagesPath, string labelsPath, bool scaleToUnitRange)
        : base(imagesPath)
    {
        LabelsPath = labelsPath;
        _scale = scaleToUnitRange;
        _imageFile = InputFile.OpenRead(imagesPath);
        _labelFile = InputFile.OpenRead(labelsPath);
        _images = new IdxStream(_imageFile, imagesPath, ownsSource: true);
        _labels = new IdxStream(_labelFile, labelsPath, ownsSource: true);
        try
        {
            _images.ExpectMagic(IdxStream.ImageMagic, "IDX3 unsigned-byte images");
            _count = _images.ReadDimension("image count");
            int height = _images.ReadDimension("image height");
            int width = _images.ReadDimension("image width");
            if ((long)height * width > Array.MaxLength)
            {
                throw _images.Error(8, $"images of {height} x {width} pixels are too large");
            }

            _labels.ExpectMagic(IdxStream.LabelMagic, "IDX1 unsigned-byte labels");
            int labelCount = _labels.ReadDimension("label count");
            if (labelCount != _count)
            {
                throw _labels.Error(4, $"{labelCount} labels but the images file {imagesPath} holds {_count} images");
            }

            _images.EnsureAvailable((long)_count * height * width);
            _labels.EnsureAvailable(_count);
            _pixels = new byte[height * width];
            _row = new float[height * width];
        }
        catch
        {
            _images.Dispose();
            _labels.Dispose();
            throw;
        }
    }

    public string LabelsPath { get; }

    public override ModelInput Input => ModelInput.Dense;

    public override int ColumnCount => _row.Length;

    public override long BytesRead => _imageFile.Position + _labelFile.Position;

    public override ReadOnlySpan<float> DenseValues => _row;

    public override ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        if (Row == _count)
        {
            _images.ExpectEnd();
            _labels.ExpectEnd();
            return ValueTask.FromResult(false);
        }

        if ((Row & 1023) == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        _images.ReadExactly(_pixels);
        Span<byte> label = stackalloc byte[1];
        _labels.ReadExactly(label);
        PixelConversion.ToFloat(_pixels, _row, _scale);
        Label = new RowLabel(label[0], null);
        Row++;
        return ValueTask.FromResult(true);
    }

    public override DataFormatException LabelError(string reason)
    {
        long offset = LabelHeaderBytes + Math.Max(Row - 1, 0);
        return _labels.Error(offset, $"label of image {Row}: {reason}");
    }

    public override DataFormatException RowError(string reason) => _images.Error(_images.Offset, $"image {Row}: {reason}");

    public override ValueTask DisposeAsync()
    {
        _images.Dispose();
        _labels.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The labels file beside an images file by the MNIST naming (train-images-idx3-ubyte -> train-labels-idx1-ubyte).</summary>
    public static string? GuessLabelsPath(string imagesPath)
    {
        string directory = Path.GetDirectoryName(imagesPath) ?? string.Empty;
        string name = Path.GetFileName(imagesPath);
        string guess = name.Replace("images-idx3", "labels-idx1", StringComparison.Ordinal).Replace("images.idx3", "labels.idx1", StringComparison.Ordinal);
        return guess == name ? null : Path.Combine(directory, guess);
    }
}
