using Parquet;
using Parquet.Schema;
using static OrleansML.Learning.Tests.Data.IdxReaderTests;

namespace OrleansML.Learning.Tests.Data.Import;

public sealed class IdxParquetImportTests : IDisposable
{
    private readonly ImportFixture _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Idx_images_and_labels_import_plain_or_gzipped(bool gzipped)
    {
        byte[] pixels = [0, 255, 51, 0, 102, 0, 0, 0, 255, 255, 0, 0];
        byte[] images = Idx(0x803, [3, 2, 2], pixels);
        byte[] labels = Idx(0x801, [3], [7, 2, 7]);
        string suffix = gzipped ? ".gz" : string.Empty;
        string path = _files.WriteBytes("train-images-idx3-ubyte" + suffix, gzipped ? Gzip(images) : images);
        _files.WriteBytes("train-labels-idx1-ubyte" + suffix, gzipped ? Gzip(labels) : labels);
        DatasetImportResult result = await _files.ImportAsync(path);
        Assert.Equal(DataFileFormat.Idx, result.Schema.Format);
        Assert.Equal(4, result.Schema.FeatureCount);
        Assert.Equal(ModelTask.BinaryClassification, result.Schema.Task);
        Assert.Equal(["2", "7"], result.Schema.ClassLabels);
        (float[] features, float[] stored, _) = _files.ReadAllDense(result);
        Assert.Equal(pixels.Select(p => p / 255f), features);
        Assert.Equal([1f, 0, 1], stored);

        DatasetImportResult asIds = await _files.ImportAsync(path, new DatasetImportOptions { ClassCount = 10 });
        Assert.Equal([7f, 2, 7], _files.ReadAllDense(asIds).Labels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_truncated_idx_file_is_reported_at_its_byte_offset_without_a_type_name(bool gzipped)
    {
        byte[] images = Idx(0x803, [3, 2, 2], new byte[12])[..^5];
        byte[] labels = Idx(0x801, [3], [1, 2, 3]);
        string suffix = gzipped ? ".gz" : string.Empty;
        string path = _files.WriteBytes("t10k-images-idx3-ubyte" + suffix, gzipped ? Gzip(images) : images);
        _files.WriteBytes("t10k-labels-idx1-ubyte" + suffix, gzipped ? Gzip(labels) : labels);
        DataFormatException error = await _files.FailAsync(path);
        Assert.Equal(path, error.FilePath);
        Assert.Contains("truncated", error.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"{path}:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gzipped_idx_file_cut_short_is_a_located_error_without_a_type_name()
    {
        byte[] images = Gzip(Idx(0x803, [50, 4, 4], Enumerable.Range(0, 800).Select(i => (byte)(i * 7)).ToArray()));
        string path = _files.WriteBytes("cut-images-idx3-ubyte.gz", images[..(images.Length / 2)]);
        _files.WriteBytes("cut-labels-idx1-ubyte.gz", Gzip(Idx(0x801, [50], new byte[50])));
        DataFormatException error = await _files.FailAsync(path);
        Assert.Equal(path, error.FilePath);
        Assert.Matches("truncated|corrupt", error.Reason);
    }

    private async Task<string> WriteParquetAsync(string name, ParquetSchema schema, params Func<ParquetRowGroupWriter, Task>[] groups)
    {
        string path = Path.Combine(_files.Directory, name);
        await using FileStream stream = File.Create(path);
        await using ParquetWriter writer = await ParquetWriter.CreateAsync(schema, stream);
        foreach (Func<ParquetRowGroupWriter, Task> write in groups)
        {
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            await write(group);
        }

        return path;
    }

    [Fact]
    public async Task Parquet_numeric_columns_plus_a_label_column()
    {
        var x1 = new DataField<double>("x1");
        var x2 = new DataField<int>("x2");
        var label = new DataField<string>("species");
        string path = await WriteParquetAsync("flowers.parquet", new ParquetSchema(x1, x2, label), async group =>
        {
            await group.WriteAsync<double>(x1, new double[] { 1.5, 2.5, 3.5 });
            await group.WriteAsync<int>(x2, new[] { 10, 20, 30 });
            await group.WriteAsync(label, new[] { "b", "a", "b" });
        });

        DatasetImportResult result = await _files.ImportAsync(path);
        Assert.Equal(DataFileFormat.Parquet, result.Schema.Format);
        Assert.Equal("species", result.Schema.LabelColumn);
        Assert.Equal(ModelTask.BinaryClassification, result.Schema.Task);
        Assert.Equal(["a", "b"], result.Schema.ClassLabels);
        (float[] features, float[] labels, int columns) = _files.ReadAllDense(result);
        Assert.Equal(2, columns);
        Assert.Equal([1.5f, 10, 2.5f, 20, 3.5f, 30], features);
        Assert.Equal([1f, 0, 1], labels);
    }

    [Fact]
    public async Task Parquet_one_list_column_of_floats_plus_a_label_column()
    {
        var features = new DataField<float[]>("features");
        var label = new DataField<double>("label");
        string path = await WriteParquetAsync("vectors.parquet", new ParquetSchema(label, features), async group =>
        {
            await group.WriteAsync<double>(label, new double[] { 0.5, 1.25 });
            await group.WriteAsync<float>(features, new float[] { 1, 2, 3, 4, 5, 6 }, new int[] { 0, 1, 1, 0, 1, 1 });
        });

        DatasetImportResult result = await _files.ImportAsync(path);
        Assert.Equal(ModelTask.Regression, result.Schema.Task);
        Assert.Equal(3, result.Schema.FeatureCount);
        (float[] values, float[] labels, _) = _files.ReadAllDense(result);
        Assert.Equal([1f, 2, 3, 4, 5, 6], values);
        Assert.Equal([0.5f, 1.25f], labels);
    }

    [Fact]
    public async Task A_parquet_null_feature_is_reported_by_row_and_column()
    {
        var x = new DataField<double?>("x");
        var label = new DataField<int>("label");
        string path = await WriteParquetAsync("nulls.parquet", new ParquetSchema(x, label), async group =>
        {
            await group.WriteAsync<double>(x, new double?[] { 1, null, 3 });
            await group.WriteAsync<int>(label, new[] { 0, 1, 0 });
        });

        DataFormatException error = await _files.FailAsync(path);
        Assert.Equal($"{path}: row 2, column 'x': missing value (null)", error.Message);
    }

    [Fact]
    public async Task Parquet_row_groups_are_read_in_turn_and_a_list_of_another_length_is_reported_by_its_row()
    {
        var features = new DataField<float[]>("pixels");
        var label = new DataField<int>("digit");
        string path = await WriteParquetAsync("groups.parquet", new ParquetSchema(features, label),
            async group =>
            {
                await group.WriteAsync<float>(features, new float[] { 1, 2, 3, 4 }, new int[] { 0, 1, 0, 1 });
                await group.WriteAsync<int>(label, new[] { 3, 4 });
            },
            async group =>
            {
                await group.WriteAsync<float>(features, new float[] { 5, 6 }, new int[] { 0, 1 });
                await group.WriteAsync<int>(label, new[] { 5 });
            });

        DatasetImportResult result = await _files.ImportAsync(path, new DatasetImportOptions { LabelColumn = "digit" });
        Assert.Equal(ModelTask.MulticlassClassification, result.Schema.Task);
        Assert.Equal(3, result.RowCount);
        (float[] values, float[] labels, _) = _files.ReadAllDense(result);
        Assert.Equal([1f, 2, 3, 4, 5, 6], values);
        Assert.Equal([0f, 1, 2], labels);

        string ragged = await WriteParquetAsync("ragged.parquet", new ParquetSchema(features, label),
            async group =>
            {
                await group.WriteAsync<float>(features, new float[] { 1, 2 }, new int[] { 0, 1 });
                await group.WriteAsync<int>(label, new[] { 3 });
            },
            async group =>
            {
                await group.WriteAsync<float>(features, new float[] { 5, 6, 7, 8, 9 }, new int[] { 0, 1, 0, 1, 1 });
                await group.WriteAsync<int>(label, new[] { 5, 4 });
            });

        DataFormatException error = await _files.FailAsync(ragged);
        Assert.Equal($"{ragged}: row 3, column 'pixels': the list has 3 values; the first row's has 2", error.Message);
    }
}
