namespace OrleansML.Learning.Tests.Data;

public class CsvReaderTests
{
    private static DataReadResult<DenseDataset> Read(string text, CsvReaderOptions? options = null) =>
        CsvReader.Read(new StringReader(text), "inline.csv", options);

    private static DataFormatException ReadFails(string text, CsvReaderOptions? options = null) =>
        Assert.Throws<DataFormatException>(() => Read(text, options));

    [Fact]
    public void Label_column_chosen_by_name_is_removed_from_the_features()
    {
        DenseDataset data = Read("a,label,b\n1,0,2.5\n-3,1,4e1\n", new CsvReaderOptions { LabelColumnName = "label" }).Dataset;

        Assert.Equal(2, data.RowCount);
        Assert.Equal(2, data.ColumnCount);
        Assert.Equal(new[] { 1f, 2.5f, -3f, 40f }, data.Features.ToArray());
        Assert.Equal(new[] { 0f, 1f }, data.Labels.ToArray());
    }

    [Fact]
    public void Label_column_by_index_delimiter_and_quoted_header_names()
    {
        var options = new CsvReaderOptions { Delimiter = ';', LabelColumnIndex = 2 };
        DenseDataset data = Read("\"x\";\"y\";\"target\"\n 1 ; 2 ; 7\n\n3;4;8\n", options).Dataset;

        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, data.Features.ToArray());
        Assert.Equal(new[] { 7f, 8f }, data.Labels.ToArray());
        Assert.Equal(1f, Read("\"x\",\"y\"\n1,2\n", new CsvReaderOptions { LabelColumnName = "y" }).Dataset.Features[0]);
    }

    [Fact]
    public void Headerless_files_take_the_first_line_as_data()
    {
        DenseDataset data = Read("1,2,3\n4,5,6\n", new CsvReaderOptions { HasHeader = false }).Dataset;

        Assert.Equal(new[] { 1f, 4f }, data.Labels.ToArray());
        Assert.Equal(new[] { 2f, 3f, 5f, 6f }, data.Features.ToArray());
    }

    [Fact]
    public void Binary_label_mode_applies_to_csv()
    {
        DenseDataset data = Read("y,x\n-1,1\n1,2\n", new CsvReaderOptions { LabelMode = LabelMode.Binary }).Dataset;

        Assert.Equal(new[] { 0f, 1f }, data.Labels.ToArray());
    }

    [Theory]
    [InlineData("y,a,b\n1,2,3\n1,2\n", 3, 4, "expected 3 fields, found 2")]
    [InlineData("y,a,b\n1,2,3,4\n", 2, 7, "expected 3 fields, found more")]
    [InlineData("y,a,b\n1,2,3\n1,abc,3\n", 3, 3, "field 'abc' is not a number")]
    [InlineData("y,a,b\n1,,3\n", 2, 3, "empty field (missing value)")]
    [InlineData("y,a,b\n1,2,NaN\n", 2, 5, "field 'NaN' is not finite")]
    [InlineData("y,a,b\ninf,2,3\n", 2, 1, "label 'inf' is not")]
    public void Bad_rows_name_line_column_and_reason(string text, int line, int column, string reason)
    {
        DataFormatAssert.PointsAt(ReadFails(text), "inline.csv", line, column, reason);
    }

    [Fact]
    public void Unknown_label_column_name_is_an_error_on_the_header()
    {
        DataFormatException error = ReadFails("a,b\n1,2\n", new CsvReaderOptions { LabelColumnName = "label" });

        Assert.Equal(1, error.Line);
        Assert.Contains("no column named 'label'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_and_header_only_files_are_errors()
    {
        Assert.Contains("empty", ReadFails("").Reason, StringComparison.Ordinal);
        Assert.Contains("empty", ReadFails("y,a\n").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Skip_option_counts_bad_rows()
    {
        DataReadResult<DenseDataset> result = Read("y,a\n1,2\n1\n0,x\n1,5\n", new CsvReaderOptions { SkipInvalidRows = true });

        Assert.Equal(new[] { 2f, 5f }, result.Dataset.Features.ToArray());
        Assert.Equal(2, result.SkippedRowCount);
        Assert.Equal((3L, 2L), (result.FirstSkippedRows[0].Line, result.FirstSkippedRows[0].Column));
        Assert.Equal((4L, 3L), (result.FirstSkippedRows[1].Line, result.FirstSkippedRows[1].Column));
    }

    [Fact]
    public void Non_finite_features_are_accepted_when_allowed()
    {
        DenseDataset data = Read("y,a\n1,Infinity\n", new CsvReaderOptions { AllowNonFiniteValues = true }).Dataset;

        Assert.True(float.IsPositiveInfinity(data.Features[0]));
    }

    [Fact]
    public void Delimiter_option_rejects_characters_that_cannot_separate_numbers()
    {
        Assert.Equal("Delimiter", Assert.Throws<ArgumentException>(() => new CsvReaderOptions { Delimiter = '.' }).ParamName);
        Assert.Equal("LabelColumnIndex", Assert.Throws<ArgumentOutOfRangeException>(() => new CsvReaderOptions { LabelColumnIndex = -1 }).ParamName);
    }
}
