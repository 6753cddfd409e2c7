namespace OrleansML.Learning.Tests.Data.Import;

public sealed class CsvImportTests : IDisposable
{
    private readonly ImportFixture _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_column_named_label_is_the_label_wherever_it_is_and_two_integer_values_make_a_binary_task()
    {
        string path = _files.Write("data.csv", "a,label,b\n1.5,1,2\n3,0,4\n\n5,1,6\n");
        DatasetImportResult result = await _files.ImportAsync(path);
        Assert.Equal(DataFileFormat.Csv, result.Schema.Format);
        Assert.Equal(ModelInput.Dense, result.Schema.Input);
        Assert.Equal(ModelTask.BinaryClassification, result.Schema.Task);
        Assert.Equal(["0", "1"], result.Schema.ClassLabels);
        Assert.Equal("label", result.Schema.LabelColumn);
        Assert.Equal(2, result.Schema.FeatureCount);
        Assert.Equal(3, result.RowCount);
        Assert.Equal(6, result.NonzeroCount);
        Assert.False(result.FromCache);
        Assert.Matches("^datasets/[0-9a-f]{16}/train.manifest.json$", result.ManifestBlobName);
        (float[] features, float[] labels, int columns) = _files.ReadAllDense(result);
        Assert.Equal(2, columns);
        Assert.Equal([1.5f, 2, 3, 4, 5, 6], features);
        Assert.Equal([1f, 0, 1], labels);
    }

    [Fact]
    public async Task Without_a_header_the_last_column_is_the_label_and_integer_classes_map_to_ids_in_sorted_order()
    {
        string path = _files.Write("data.csv", "0.1,0.2,5\n0.3,0.4,1\n0.5,0.6,2\n0.7,0.8,5\n");
        DatasetImportResult result = await _files.ImportAsync(path);
        Assert.Equal(ModelTask.MulticlassClassification, result.Schema.Task);
        Assert.Equal(3, result.Schema.ClassCount);
        Assert.Equal(["1", "2", "5"], result.Schema.ClassLabels);
        Assert.Equal("#2", result.Schema.LabelColumn);
        Assert.Equal([2f, 0, 1, 2], _files.ReadAllDense(result).Labels);
    }

    [Fact]
    public async Task Class_names_are_labels_in_ordinal_order()
    {
        string path = _files.Write("iris.csv", "sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n4.9,1.4,setosa\n");
        DatasetImportResult result = await _files.ImportAsync(path);
        Assert.Equal(ModelTask.MulticlassClassification, result.Schema.Task);
        Assert.Equal(["setosa", "versicolor", "virginica"], result.Schema.ClassLabels);
        Assert.Equal([0f, 1, 2, 0], _files.ReadAllDense(result).Labels);
    }

    [Fact]
    public async Task Fractional_labels_make_a_regression_task_and_are_kept_as_written()
    {
        string path = _files.Write("houses.csv", "rooms,area,price\n3,70,1.5\n4,90,2.25\n2,40,1\n");
        DatasetImportResult result = await _files.ImportAsync(path);
        Assert.Equal(ModelTask.Regression, result.Schema.Task);
        Assert.Equal(0, result.Schema.ClassCount);
        Assert.Empty(result.Schema.ClassLabels);
        Assert.Equal([1.5f, 2.25f, 1f], _files.ReadAllDense(result).Labels);
    }

    [Fact]
    public async Task More_than_100_distinct_integer_labels_make_a_regression_task()
    {
        string text = string.Concat(Enumerable.Range(0, 101).Select(i => $"{i % 7},{i}\n"));
        DatasetImportResult result = await _files.ImportAsync(_files.Write("counts.csv", text));
        Assert.Equal(ModelTask.Regression, result.Schema.Task);

        string hundred = string.Concat(Enumerable.Range(0, 100).Select(i => $"{i % 7},{i}\n"));
        DatasetImportResult classes = await _files.ImportAsync(_files.Write("classes.csv", hundred));
        Assert.Equal(ModelTask.MulticlassClassification, classes.Schema.Task);
        Assert.Equal(100, classes.Schema.ClassCount);
    }

    [Fact]
    public async Task The_label_column_and_the_task_can_be_set()
    {
        string path = _files.Write("data.tsv", "y\tscore\tx\n1\t0.5\t2\n0\t1.5\t3\n2\t2.5\t4\n");
        DatasetImportResult byName = await _files.ImportAsync(path, new DatasetImportOptions { LabelColumn = "score", Task = ModelTask.Regression });
        Assert.Equal("score", byName.Schema.LabelColumn);
        Assert.Equal(ModelTask.Regression, byName.Schema.Task);
        Assert.Equal([1f, 2, 0, 3, 2, 4], _files.ReadAllDense(byName).Features);

        DatasetImportResult byIndex = await _files.ImportAsync(path, new DatasetImportOptions { LabelColumnIndex = 2, ClassCount = 5 });
        Assert.Equal(ModelTask.MulticlassClassification, byIndex.Schema.Task);
        Assert.Equal(["0", "1", "2", "3", "4"], byIndex.Schema.ClassLabels);
        Assert.Equal([2f, 3, 4], _files.ReadAllDense(byIndex).Labels);
    }

    [Fact]
    public async Task A_held_out_file_takes_the_training_schema_and_an_unseen_label_is_an_error_at_its_place()
    {
        DatasetImportResult train = await _files.ImportAsync(_files.Write("train.csv", "f1,f2,kind\n1,2,b\n3,4,c\n5,6,a\n"));
        var heldOut = new DatasetImportOptions { TrainingSchema = train.Schema };

        DatasetImportResult test = await _files.ImportAsync(_files.Write("test.csv", "f1,f2,kind\n7,8,c\n9,10,c\n"), heldOut);
        Assert.Equal(train.Schema.ClassLabels, test.Schema.ClassLabels);
        Assert.EndsWith("/test.manifest.json", test.ManifestBlobName, StringComparison.Ordinal);
        Assert.Equal([2f, 2], _files.ReadAllDense(test).Labels);

        string unseen = _files.Write("unseen.csv", "f1,f2,kind\n7,8,c\n9,10,d\n");
        DataFormatAssert.PointsAt(await _files.FailAsync(unseen, heldOut), unseen, 3, 6, "label 'd' is not one of the 3 classes of the training data (a, b, c)");

        string narrow = _files.Write("narrow.csv", "f1,kind\n7,c\n");
        DataFormatException error = await _files.FailAsync(narrow, heldOut);
        Assert.Equal($"{narrow}:2: the row has 1 features but the training data has 2", error.Message);
    }

    [Fact]
    public async Task Bad_fields_are_reported_at_their_line_and_column_and_cut_to_80_characters()
    {
        string path = _files.Write("bad.csv", "a,b,label\n1,2,0\n1,x" + new string('x', 200) + ",1\n");
        DataFormatException error = await _files.FailAsync(path);
        DataFormatAssert.PointsAt(error, path, 3, 3, "field 'x");
        Assert.True(error.Reason.Length < 140, error.Reason);

        string missing = _files.Write("missing.csv", "a,b,label\n1,,0\n");
        DataFormatAssert.PointsAt(await _files.FailAsync(missing), missing, 2, 3, "empty field (missing value)");
        string shortRow = _files.Write("short.csv", "a,b,label\n1,2,0\n1,2\n");
        DataFormatAssert.PointsAt(await _files.FailAsync(shortRow), shortRow, 3, 4, "expected 3 fields, found 2");
    }
}
