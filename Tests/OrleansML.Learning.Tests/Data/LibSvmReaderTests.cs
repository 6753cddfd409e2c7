namespace OrleansML.Learning.Tests.Data;

public class LibSvmReaderTests
{
    private static DataReadResult<SparseDataset<int>> Read(string text, LibSvmReaderOptions? options = null) =>
        LibSvmReader.Read(new StringReader(text), "inline.svm", options);

    private static DataFormatException ReadFails(string text, LibSvmReaderOptions? options = null) =>
        Assert.Throws<DataFormatException>(() => Read(text, options));

    [Fact]
    public void One_based_file_is_shifted_to_zero_based_ids()
    {
        SparseDataset<int> data = Read("1 1:0.5 3:2\n-1 2:1.5e1\n", new LibSvmReaderOptions { IndexBase = LibSvmIndexBase.One }).Dataset;

        Assert.Equal(2, data.RowCount);
        Assert.Equal(3, data.FeatureCount);
        Assert.Equal(new[] { 0, 2, 3 }, data.RowPointers.ToArray());
        Assert.Equal(new[] { 0, 2, 1 }, data.Indices.ToArray());
        Assert.Equal(new[] { 0.5f, 2f, 15f }, data.Values.ToArray());
        Assert.Equal(new[] { 1f, -1f }, data.Labels.ToArray());
    }

    [Fact]
    public void Zero_based_file_keeps_ids()
    {
        SparseDataset<int> data = Read("0 0:1 4:2\n", new LibSvmReaderOptions { IndexBase = LibSvmIndexBase.Zero }).Dataset;

        Assert.Equal(5, data.FeatureCount);
        Assert.Equal(new[] { 0, 4 }, data.Indices.ToArray());
    }

    [Fact]
    public void Auto_base_is_one_based_without_a_zero_id_and_zero_based_with_one()
    {
        SparseDataset<int> oneBased = Read("1 1:1 5:1\n").Dataset;
        SparseDataset<int> zeroBased = Read("1 1:1 5:1\n0 0:3\n").Dataset;

        Assert.Equal(new[] { 0, 4 }, oneBased.Indices.ToArray());
        Assert.Equal(5, oneBased.FeatureCount);
        Assert.Equal(new[] { 1, 5, 0 }, zeroBased.Indices.ToArray());
        Assert.Equal(6, zeroBased.FeatureCount);
    }

    [Fact]
    public void Binary_label_mode_maps_plus_minus_one_and_zero_one()
    {
        var options = new LibSvmReaderOptions { LabelMode = LabelMode.Binary };

        Assert.Equal(new[] { 1f, 0f, 0f, 1f }, Read("+1 1:1\n-1 1:1\n0 1:1\n1 1:1\n", options).Dataset.Labels.ToArray());
    }

    [Fact]
    public void Qid_comments_and_blank_lines_are_ignored()
    {
        string text = "# a header comment\n\n3 qid:7 2:1.5 # trailing comment\n   \n1 qid:8 1:-2\n";
        SparseDataset<int> data = Read(text, new LibSvmReaderOptions { LabelMode = LabelMode.ClassIds, ClassCount = 4 }).Dataset;

        Assert.Equal(new[] { 3f, 1f }, data.Labels.ToArray());
        Assert.Equal(new[] { 1, 0 }, data.Indices.ToArray());
        Assert.Equal(new[] { 1.5f, -2f }, data.Values.ToArray());
    }

    [Fact]
    public void Given_feature_count_is_kept()
    {
        Assert.Equal(100, Read("1 1:1\n", new LibSvmReaderOptions { FeatureCount = 100 }).Dataset.FeatureCount);
    }

    [Fact]
    public void Wide_ids_keep_64_bit_values()
    {
        SparseDataset<long> data = LibSvmReader.ReadWideIds(new StringReader("1 9000000001:1\n"), "wide.svm").Dataset;

        Assert.Equal(9_000_000_000L, data.Indices[0]);
        Assert.Equal(9_000_000_001L, data.FeatureCount);
    }

    [Fact]
    public void Id_too_large_for_32_bits_is_an_error_pointing_to_wide_reading()
    {
        DataFormatException error = ReadFails("1 9000000001:1\n");

        Assert.Equal(1, error.Line);
        Assert.Equal(3, error.Column);
        Assert.Contains("ReadWideIds", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1 1:1\n1 2:x\n", 2, 5, "value 'x' is not a number")]
    [InlineData("1 1:1\nabc 2:1\n", 2, 1, "label 'abc' is not a number")]
    [InlineData("1 1:1 -2:1\n", 1, 7, "feature id '-2' is not a non-negative integer")]
    [InlineData("1 1:1 7\n", 1, 7, "token '7' is not of the form id:value")]
    [InlineData("1 1.5:1\n", 1, 3, "feature id '1.5' is not a non-negative integer")]
    [InlineData("1 1:1\n1  3:nan\n", 2, 6, "value 'nan' is not finite")]
    [InlineData("1 1:Infinity\n", 1, 5, "value 'Infinity' is not finite")]
    [InlineData("NaN 1:1\n", 1, 1, "label 'NaN' is not finite")]
    public void Bad_tokens_name_line_column_and_reason(string text, int line, int column, string reason)
    {
        DataFormatAssert.PointsAt(ReadFails(text), "inline.svm", line, column, reason);
    }

    [Fact]
    public void Non_finite_values_are_accepted_when_allowed()
    {
        SparseDataset<int> data = Read("1 1:nan 2:-Infinity\n", new LibSvmReaderOptions { AllowNonFiniteValues = true }).Dataset;

        Assert.True(float.IsNaN(data.Values[0]));
        Assert.True(float.IsNegativeInfinity(data.Values[1]));
    }

    [Fact]
    public void Id_beyond_the_given_feature_count_is_an_error()
    {
        DataFormatException error = ReadFails("1 1:1\n1 2:1 11:1\n", new LibSvmReaderOptions { FeatureCount = 10, IndexBase = LibSvmIndexBase.One });

        Assert.Equal((2, 7), (error.Line, error.Column));
        Assert.Contains("out of range", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stray_id_0_in_a_file_whose_ids_reach_the_feature_count_is_blamed_on_the_0()
    {
        DataFormatException error = ReadFails("1 10:1\n1 2:1\n1 0:1\n", new LibSvmReaderOptions { FeatureCount = 10 });

        Assert.Equal((3, 3), (error.Line, error.Column));
        Assert.Equal("feature index 0 in a 1-based file (its ids reach 10 = FeatureCount)", error.Reason);
    }

    [Fact]
    public void Auto_base_reports_the_largest_id_when_it_is_beyond_the_feature_count_either_way()
    {
        DataFormatException error = ReadFails("1 11:1\n1 0:1\n", new LibSvmReaderOptions { FeatureCount = 10 });

        Assert.Equal((1, 3), (error.Line, error.Column));
        Assert.StartsWith("feature id 11 is out of range", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decreasing_ids_are_an_error_at_the_second_id()
    {
        DataFormatException error = ReadFails("1 1:1\n0 3:1 10:1 5:1\n");

        Assert.Equal((2, 12), (error.Line, error.Column));
        Assert.Equal("indices must increase (10 then 5)", error.Reason);
    }

    [Fact]
    public void A_huge_bad_token_is_quoted_cut_to_80_characters()
    {
        DataFormatException error = ReadFails("1 1:" + new string('x', 1 << 20) + "\n");

        Assert.True(error.Message.Length < 200, $"{error.Message.Length} characters");
        Assert.Contains(new string('x', 80) + "...", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_is_reported_as_a_directory()
    {
        string directory = Path.GetTempPath();
        DataFormatException error = Assert.Throws<DataFormatException>(() => LibSvmReader.Read(directory));

        Assert.EndsWith("is a directory, not a data file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_id_in_one_based_file_is_an_error()
    {
        DataFormatException error = ReadFails("1 0:1\n", new LibSvmReaderOptions { IndexBase = LibSvmIndexBase.One });

        Assert.Equal((1, 3), (error.Line, error.Column));
        Assert.Contains("one-based", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LabelMode.Binary, "2 1:1\n", "not a binary label")]
    [InlineData(LabelMode.ClassIds, "1.5 1:1\n", "not a class id")]
    [InlineData(LabelMode.ClassIds, "-1 1:1\n", "not a class id")]
    public void Labels_are_validated_by_mode(LabelMode mode, string text, string reason)
    {
        DataFormatException error = ReadFails(text, new LibSvmReaderOptions { LabelMode = mode });

        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Class_id_at_or_above_class_count_is_an_error()
    {
        DataFormatException error = ReadFails("0 1:1\n3 1:1\n", new LibSvmReaderOptions { LabelMode = LabelMode.ClassIds, ClassCount = 3 });

        Assert.Equal(2, error.Line);
        Assert.Contains("[0, 3)", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n\n")]
    public void Empty_input_is_an_error(string text)
    {
        DataFormatException error = ReadFails(text);

        Assert.Equal("inline.svm", error.FilePath);
        Assert.Contains("empty", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Skip_option_drops_bad_rows_counts_them_and_records_where()
    {
        string text = "1 1:1\n1 2:bad\n0 3:1\nx 1:1\n1 4:nan\n1 5:2\n";
        DataReadResult<SparseDataset<int>> result = Read(text, new LibSvmReaderOptions { SkipInvalidRows = true, MaxRecordedSkips = 2 });

        Assert.Equal(3, result.Dataset.RowCount);
        Assert.Equal(new[] { 1f, 0f, 1f }, result.Dataset.Labels.ToArray());
        Assert.Equal(new[] { 0, 2, 4 }, result.Dataset.Indices.ToArray());
        Assert.Equal(3, result.SkippedRowCount);
        Assert.Equal(2, result.FirstSkippedRows.Count);
        Assert.Equal(new SkippedRow("inline.svm", 2, 5, "value 'bad' is not a number"), result.FirstSkippedRows[0]);
        Assert.Equal(4, result.FirstSkippedRows[1].Line);
    }

    [Fact]
    public void Skipped_rows_do_not_influence_the_feature_count_or_base()
    {
        DataReadResult<SparseDataset<int>> result = Read("1 2:1\n1 0:1 99:x\n", new LibSvmReaderOptions { SkipInvalidRows = true });

        Assert.Equal(1, result.SkippedRowCount);
        Assert.Equal(2, result.Dataset.FeatureCount);
        Assert.Equal(1, result.Dataset.Indices[0]);
    }

    [Fact]
    public void All_rows_invalid_is_an_error_even_when_skipping()
    {
        DataFormatException error = ReadFails("x 1:1\ny 1:1\n", new LibSvmReaderOptions { SkipInvalidRows = true });

        Assert.Equal(1, error.Line);
        Assert.Contains("all 2 rows are invalid", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void File_overload_names_the_file_in_errors()
    {
        string path = Path.Combine(Path.GetTempPath(), $"orleansml-{Guid.NewGuid():N}.svm");
        File.WriteAllText(path, "1 1:1\n1 1:oops\n");
        try
        {
            DataFormatException error = Assert.Throws<DataFormatException>(() => LibSvmReader.Read(path));
            Assert.Equal(path, error.FilePath);
            Assert.Equal(2, error.Line);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Invalid_options_name_the_option()
    {
        Assert.Equal("FeatureCount", Assert.Throws<ArgumentOutOfRangeException>(() => new LibSvmReaderOptions { FeatureCount = 0 }).ParamName);
        Assert.Equal("ClassCount", Assert.Throws<ArgumentOutOfRangeException>(() => new LibSvmReaderOptions { ClassCount = -1 }).ParamName);
        Assert.Equal("MaxRecordedSkips", Assert.Throws<ArgumentOutOfRangeException>(() => new LibSvmReaderOptions { MaxRecordedSkips = -1 }).ParamName);
    }

    [Fact]
    public void Cancellation_stops_a_long_read()
    {
        string text = string.Concat(Enumerable.Repeat("1 1:1\n", 10_000));
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(() => LibSvmReader.Read(new StringReader(text), "long.svm", null, cancellation.Token));
        Assert.Throws<OperationCanceledException>(() => CsvReader.Read(new StringReader("y,x\n" + text.Replace(' ', ',').Replace(":", "", StringComparison.Ordinal)), "long.csv", null, cancellation.Token));
    }
}
