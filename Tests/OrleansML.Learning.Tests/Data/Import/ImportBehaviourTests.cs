using System.Text;

namespace OrleansML.Learning.Tests.Data.Import;

public sealed class ImportBehaviourTests : IDisposable
{
    private readonly ImportFixture _files = new();

    public void Dispose() => _files.Dispose();

    private sealed class Recorder : IProgress<ImportProgress>
    {
        public List<ImportProgress> Reports { get; } = [];

        public void Report(ImportProgress value) => Reports.Add(value);
    }

    private static string Rows(int count, int columns)
    {
        var text = new StringBuilder();
        for (int r = 0; r < count; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                text.Append((r * 31 + c) % 97).Append(',');
            }

            text.Append(r % 3).Append('\n');
        }

        return text.ToString();
    }

    [Fact]
    public async Task A_second_import_of_the_same_content_is_found_in_the_cache_without_rewriting()
    {
        string path = _files.Write("data.csv", Rows(50, 3));
        DatasetImportResult first = await _files.ImportAsync(path, new DatasetImportOptions { MinimumPartitionCount = 3 });
        string partition = Path.Combine(_files.Store.RootDirectory, Path.GetDirectoryName(first.ManifestBlobName)!, "train.part-00000.omlp");
        DateTime written = File.GetLastWriteTimeUtc(partition);
        File.SetLastWriteTimeUtc(partition, written.AddDays(-1));

        string copy = _files.Write("copy.csv", Rows(50, 3));
        DatasetImportResult second = await _files.ImportAsync(copy, new DatasetImportOptions { MinimumPartitionCount = 3 });
        Assert.True(second.FromCache);
        Assert.Equal(first.ManifestBlobName, second.ManifestBlobName);
        Assert.Equal(first.ContentHash, second.ContentHash);
        Assert.Equal(first.Schema.ClassLabels, second.Schema.ClassLabels);
        Assert.Equal((first.RowCount, first.NonzeroCount, first.PartitionCount), (second.RowCount, second.NonzeroCount, second.PartitionCount));
        Assert.Equal(written.AddDays(-1), File.GetLastWriteTimeUtc(partition));

        DatasetImportResult otherOptions = await _files.ImportAsync(path, new DatasetImportOptions { MinimumPartitionCount = 2 });
        Assert.False(otherOptions.FromCache);
        Assert.NotEqual(first.ManifestBlobName, otherOptions.ManifestBlobName);
        Assert.Equal(2, otherOptions.PartitionCount);
    }

    [Fact]
    public async Task The_second_pass_holds_one_partition_of_a_file_many_partitions_large()
    {
        string path = _files.Write("big.csv", Rows(20_000, 8));
        int peak = -1;
        var options = new DatasetImportOptions { TargetPartitionBytes = 16 << 10 };
        DatasetImportResult result = await DatasetImporter.ImportAsync(_files.Store, path, options, null, rows => peak = rows, CancellationToken.None);
        (_, var manifest) = _files.OpenManifest(result);
        long largest = manifest.Partitions.Max(p => p.RowCount);
        Assert.True(result.PartitionCount >= 40, $"{result.PartitionCount} partitions");
        Assert.Equal(20_000, manifest.Partitions.Sum(p => p.RowCount));
        Assert.InRange(peak, 1, largest);
        Assert.True(peak * 20 < result.RowCount, $"held {peak} of {result.RowCount} rows");
    }

    [Fact]
    public async Task Progress_reports_bytes_and_rows_of_each_pass_and_ends_complete()
    {
        string path = _files.Write("data.csv", Rows(3000, 4));
        var recorder = new Recorder();
        var options = new DatasetImportOptions { ProgressInterval = TimeSpan.FromDays(1) };
        await DatasetImporter.ImportAsync(_files.Store, path, options, recorder, CancellationToken.None);
        long size = new FileInfo(path).Length;
        Assert.All(recorder.Reports, r => Assert.Equal(size, r.TotalBytes));
        // With a day between reports, each phase reports its first step and its end only.
        Assert.Equal([ImportPhase.Hashing, ImportPhase.Hashing, ImportPhase.Scanning, ImportPhase.Scanning, ImportPhase.Writing, ImportPhase.Writing],
            recorder.Reports.Select(r => r.Phase).ToArray());
        ImportProgress last = recorder.Reports[^1];
        Assert.Equal((ImportPhase.Writing, size, 3000L), (last.Phase, last.BytesRead, last.Rows));
    }

    [Fact]
    public async Task A_directory_a_missing_file_and_an_empty_file_each_say_what_is_wrong()
    {
        DataFormatException directory = await _files.FailAsync(_files.Directory);
        Assert.Equal($"{_files.Directory}: is a directory, not a data file", directory.Message);
        string missing = Path.Combine(_files.Directory, "nope.csv");
        Assert.Equal($"{missing}: does not exist", (await _files.FailAsync(missing)).Message);
        string empty = _files.Write("empty.csv", string.Empty);
        Assert.Equal($"{empty}: the file is empty", (await _files.FailAsync(empty)).Message);
        string blank = _files.Write("blank.csv", "\n  \n");
        Assert.Equal($"{blank}: the file holds no data rows (only blank lines)", (await _files.FailAsync(blank)).Message);
        string header = _files.Write("header.csv", "a,b,label\n");
        Assert.Equal($"{header}: the file holds no data rows", (await _files.FailAsync(header)).Message);
    }

    [Fact]
    public async Task A_requested_task_the_labels_cannot_make_is_an_error_at_the_offending_label()
    {
        string path = _files.Write("three.csv", "1,a\n2,b\n3,c\n");
        DataFormatException binary = await _files.FailAsync(path, new DatasetImportOptions { Task = OrleansML.Learning.Models.ModelTask.BinaryClassification });
        DataFormatAssert.PointsAt(binary, path, 3, 3, "label 'c' is a third distinct value in a binary task (the others: a, b)");
        DataFormatException regression = await _files.FailAsync(path, new DatasetImportOptions { Task = OrleansML.Learning.Models.ModelTask.Regression });
        DataFormatAssert.PointsAt(regression, path, 1, 3, "label 'a' is not a number, and the task is regression");
        string ids = _files.Write("ids.csv", "1,0\n2,4\n");
        DataFormatAssert.PointsAt(await _files.FailAsync(ids, new DatasetImportOptions { ClassCount = 3 }), ids, 2, 3, "label '4' is not a class id in [0, 3)");
        Assert.Throws<ArgumentException>(() => new DatasetImportOptions { MinimumPartitionCount = 0 }.Validate());
    }

    [Fact]
    public async Task A_cancelled_import_stops_and_writes_no_manifest()
    {
        string path = _files.Write("data.csv", Rows(100, 2));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DatasetImporter.ImportAsync(_files.Store, path, null, null, cancelled.Token));
        Assert.Empty(Directory.GetFiles(_files.Directory, "*.manifest.json", SearchOption.AllDirectories));
    }
}
