namespace OrleansML.Grains.Jobs;

/// <summary>How far the workers of an attempt are through the epoch: the mean over workers of the fraction of
/// their steps done (all calls run on the coordinator's scheduler, so no locking is needed).</summary>
internal sealed class EpochProgress(int workers, long firstStep, long epochEnd)
{
    private readonly long[] _next = [.. Enumerable.Repeat(firstStep, workers)];

    public double Report(int worker, long nextStep)
    {
        _next[worker] = nextStep;
        long span = Math.Max(1, epochEnd - firstStep);
        return _next.Average(n => (double)(n - firstStep) / span);
    }
}
