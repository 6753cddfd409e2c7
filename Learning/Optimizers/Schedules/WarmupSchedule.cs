namespace OrleansML.Learning.Optimizers;

/// <summary>Linear warm-up, then the inner schedule shifted so that its decay starts after warm-up.</summary>
internal sealed class WarmupSchedule : LearningRateSchedule
{
    private readonly LearningRateSchedule _inner;
    private readonly long _warmupSteps;

    public WarmupSchedule(LearningRateSchedule inner, long warmupSteps)
    {
        Debug.Assert(warmupSteps > 0);
        _inner = inner;
        _warmupSteps = warmupSteps;
    }

    public override float RateAt(long updateNumber)
    {
        if (updateNumber <= _warmupSteps)
        {
            long step = Math.Max(1, updateNumber);
            return (float)((double)_inner.RateAt(1) * step / _warmupSteps);
        }

        return _inner.RateAt(updateNumber - _warmupSteps);
    }
}
