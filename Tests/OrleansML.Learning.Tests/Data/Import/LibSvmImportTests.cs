namespace OrleansML.Learning.Tests.Data.Import;

public sealed class LibSvmImportTests : IDisposable
{
    private readonly ImportFixture _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_file_without_id_0_is_one_based_and_minus_one_plus_one_labels_are_binary()
    {
        string path = _files.Write("a1a.txt", "-1 1:0.5 3:2 # comment\n+1 2:1 qid:3 4:-1\n\n-1 4:3\n");
        DatasetImportResult result = await _files.ImportAsync(path);
        Assert.Equal(DataFileFormat.LibSvm, result.Schema.Format);
        Assert.Equal(ModelInput.Sparse, result.Schema.Input);
        Assert.Equal(1, result.Schema.IndexBase);
        Assert.Equal(4, result.Schema.FeatureCount);
        Assert.Equal(ModelTask.BinaryClassification, result.Schema.Task);
        Assert.Equal(["-1", "1"], result.Schema.ClassLabels);
        Assert.Equal(5, result.NonzeroCount);
        SparseDataset<int> all = Assert.Single(_files.ReadAllSparse(result));
        Assert.Equal([0, 2, 1, 3, 3], all.Indices.ToArray());
        Assert.Equal([0.5f, 2, 1, -1, 3], all.Values.ToArray());
        Assert.Equal([0f, 1, 0], all.Labels.ToArray());
    }

    [Fact]
    public async Task An_id_0_makes_the_file_zero_based_unless_the_base_is_set()
    {
        string path = _files.Write("zero.svm", "1 0:1 2:1\n0 1:1\n");
        DatasetImportResult result = await _files.ImportAsync(path);
        Assert.Equal(0, result.Schema.IndexBase);
        Assert.Equal(3, result.Schema.FeatureCount);
        Assert.Equal([0, 2, 1], _files.ReadAllSparse(result)[0].Indices.ToArray());

        DataFormatException error = await _files.FailAsync(path, new DatasetImportOptions { IndexBase = LibSvmIndexBase.One });
        DataFormatAssert.PointsAt(error, path, 1, 3, "feature index 0 in a 1-based file");
    }

    [Fact]
    public async Task Index_0_in_a_held_out_file_of_a_one_based_training_set_is_blamed_on_its_own_line_and_column()
    {
        DatasetImportResult train = await _files.ImportAsync(_files.Write("train.svm", "1 1:1 5:1\n0 2:1\n"));
        string test = _files.Write("test.svm", "1 1:1\n0 2:1\n1 3:1 0:1\n1 4:1 0:2\n");
        DataFormatException error = await _files.FailAsync(test, new DatasetImportOptions { TrainingSchema = train.Schema });
        DataFormatAssert.PointsAt(error, test, 3, 7, "indices must increase (3 then 0)");

        string zero = _files.Write("zero.svm", "1 1:1\n0 0:1 2:1\n");
        DataFormatAssert.PointsAt(await _files.FailAsync(zero, new DatasetImportOptions { TrainingSchema = train.Schema }), zero, 2, 3, "feature index 0 in a 1-based file");

        string wide = _files.Write("wide.svm", "1 1:1\n0 2:1 6:1\n");
        DataFormatAssert.PointsAt(await _files.FailAsync(wide, new DatasetImportOptions { TrainingSchema = train.Schema }), wide, 2, 7, "feature index 6 is out of range: the dataset has 5 features");
    }

    [Fact]
    public async Task Decreasing_indices_are_an_error_at_the_second_index()
    {
        string path = _files.Write("bad.svm", "1 1:1 2:1\n0 3:1 10:1 5:1\n");
        DataFormatException error = await _files.FailAsync(path);
        DataFormatAssert.PointsAt(error, path, 2, 12, "indices must increase (10 then 5)");
        Assert.Equal($"{path}:2:12: indices must increase (10 then 5)", error.Message);
    }

    [Fact]
    public async Task A_30_MB_bad_token_is_quoted_cut_to_80_characters()
    {
        string path = Path.Combine(_files.Directory, "huge.svm");
        await using (var writer = new StreamWriter(path))
        {
            await writer.WriteAsync("1 1:1\n0 ");
            await writer.WriteAsync(new string('z', 30 << 20));
            await writer.WriteAsync("\n");
        }

        DataFormatException error = await _files.FailAsync(path);
        Assert.Equal(2, error.Line);
        Assert.Equal(3, error.Column);
        Assert.True(error.Message.Length < path.Length + 200, $"message of {error.Message.Length} characters");
        Assert.Contains(new string('z', 80) + "...", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_given_feature_count_too_small_names_the_largest_id_and_its_place()
    {
        string path = _files.Write("count.svm", "1 1:1\n0 2:1 9:1\n1 3:1\n");
        DataFormatException error = await _files.FailAsync(path, new DatasetImportOptions { FeatureCount = 5 });
        DataFormatAssert.PointsAt(error, path, 2, 7, "feature index 9 is out of range: the dataset has 5 features");
        DatasetImportResult wider = await _files.ImportAsync(path, new DatasetImportOptions { FeatureCount = 20 });
        Assert.Equal(20, wider.Schema.FeatureCount);
    }

    [Fact]
    public async Task Partitions_are_balanced_by_nonzeros_not_rows()
    {
        // Rows 0..499 hold 50 values every tenth row: equal row counts would give the first partition most of the work.
        var text = new System.Text.StringBuilder();
        for (int r = 0; r < 2000; r++)
        {
            int length = r < 500 && r % 10 == 0 ? 50 : 1;
            text.Append(r % 2);
            for (int k = 1; k <= length; k++)
            {
                text.Append(' ').Append(k).Append(":1");
            }

            text.Append('\n');
        }

        DatasetImportResult result = await _files.ImportAsync(_files.Write("skewed.svm", text.ToString()), new DatasetImportOptions { MinimumPartitionCount = 4 });
        Assert.Equal(4, result.PartitionCount);
        SparseDataset<int>[] parts = _files.ReadAllSparse(result);
        long[] nonzeros = parts.Select(p => (long)p.NonzeroCount).ToArray();
        Assert.Equal(result.NonzeroCount, nonzeros.Sum());
        Assert.True(nonzeros.Max() - nonzeros.Min() <= 60, string.Join(", ", nonzeros));
        Assert.True(parts[0].RowCount < 500, $"first partition has {parts[0].RowCount} rows");
    }
}
