namespace OrleansML.Learning.Data.Import;

/// <summary>Forwards progress at most once per interval (and always at the start and the end of a phase), so a fast import cannot flood a terminal.</summary>
internal sealed class ProgressReporter
{
    private readonly IProgress<ImportProgress>? _progress;
    private readonly TimeProvider _time;
    private readonly long _intervalTicks;
    private readonly long _totalBytes;
    private long _last = long.MinValue;
    private ImportPhase _lastPhase;

    public ProgressReporter(IProgress<ImportProgress>? progress, TimeProvider time, TimeSpan interval, long totalBytes)
    {
        (_progress, _time, _totalBytes) = (progress, time, totalBytes);
        _intervalTicks = (long)(interval.TotalSeconds * time.TimestampFrequency);
    }

    public void Report(ImportPhase phase, long bytesRead, long rows, bool final = false)
    {
        if (_progress is null)
        {
            return;
        }

        long now = _time.GetTimestamp();
        if (!final && _last != long.MinValue && phase == _lastPhase && now - _last < _intervalTicks)
        {
            return;
        }

        (_last, _lastPhase) = (now, phase);
        _progress.Report(new ImportProgress(phase, Math.Min(bytesRead, _totalBytes), _totalBytes, rows));
    }
}
