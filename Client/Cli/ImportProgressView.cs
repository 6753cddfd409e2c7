using OrleansML.Learning.Data.Import;

namespace OrleansML.Cli;

/// <summary>
/// Shows an import's progress: on a terminal one line redrawn in place (phase, percent of the input, rows), in a
/// file or pipe one line per phase, so logs stay short.
/// </summary>
internal sealed class ImportProgressView(CliContext context, string path) : IProgress<ImportProgress>
{
    private readonly string _name = Path.GetFileName(path);
    private ImportPhase? _phase;
    private bool _drewLine;

    public void Report(ImportProgress value)
    {
        if (context.Interactive)
        {
            double percent = value.TotalBytes == 0 ? 100 : 100.0 * value.BytesRead / value.TotalBytes;
            context.Output.Write(string.Create(CultureInfo.InvariantCulture, $"\r{_name}: {Verb(value.Phase),-9} {percent,5:F1}%  {value.Rows,12:N0} rows"));
            _drewLine = true;
        }
        else if (_phase != value.Phase)
        {
            context.Output.WriteLine($"{_name}: {Verb(value.Phase)}");
        }

        _phase = value.Phase;
    }

    public void Finish(DatasetImportResult result)
    {
        if (_drewLine)
        {
            context.Output.WriteLine();
        }

        context.Output.WriteLine(result.FromCache
            ? $"{_name}: already imported (content {result.ContentHash[..16]}), reusing it"
            : string.Create(CultureInfo.InvariantCulture, $"{_name}: imported {result.RowCount:N0} rows, {result.NonzeroCount:N0} values, into {result.PartitionCount} partitions"));
    }

    private static string Verb(ImportPhase phase) => phase switch
    {
        ImportPhase.Hashing => "hashing",
        ImportPhase.Scanning => "scanning",
        _ => "writing",
    };
}
