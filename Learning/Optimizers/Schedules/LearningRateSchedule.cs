namespace OrleansML.Learning.Optimizers;

/// <summary>
/// The learning rate as a function of the 1-based update number. Schedules are immutable and cheap to
/// evaluate, so optimizers call <see cref="RateAt"/> once per <c>Apply</c>.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The rate for update <paramref name="updateNumber"/> (1 for the first update).</summary>
    public abstract float RateAt(long updateNumber);

    /// <summary>A constant rate.</summary>
    public static LearningRateSchedule Constant(float rate) => new ConstantSchedule(rate);

    /// <summary>Multiplies the rate by <paramref name="decayRate"/> every <paramref name="decaySteps"/> updates.</summary>
    public static LearningRateSchedule StepDecay(float rate, double decayRate, long decaySteps) =>
        new DecaySchedule(LearningRateScheduleKind.StepDecay, rate, decayRate, decaySteps, 0);

    /// <summary>Smooth exponential decay: the rate shrinks by <paramref name="decayRate"/> over each <paramref name="decaySteps"/> updates.</summary>
    public static LearningRateSchedule ExponentialDecay(float rate, double decayRate, long decaySteps) =>
        new DecaySchedule(LearningRateScheduleKind.ExponentialDecay, rate, decayRate, decaySteps, 0);

    /// <summary>rate / (1 + decayRate * (t-1) / decaySteps).</summary>
    public static LearningRateSchedule InverseTime(float rate, double decayRate, long decaySteps) =>
        new DecaySchedule(LearningRateScheduleKind.InverseTime, rate, decayRate, decaySteps, 0);

    /// <summary>rate / sqrt(1 + (t-1) / decaySteps).</summary>
    public static LearningRateSchedule InverseSqrt(float rate, long decaySteps) =>
        new DecaySchedule(LearningRateScheduleKind.InverseSqrt, rate, 0, decaySteps, 0);

    /// <summary>Half a cosine from <paramref name="rate"/> down to <paramref name="minimumRate"/> over <paramref name="decaySteps"/> updates, then flat.</summary>
    public static LearningRateSchedule Cosine(float rate, long decaySteps, float minimumRate = 0) =>
        new DecaySchedule(LearningRateScheduleKind.Cosine, rate, 0, decaySteps, minimumRate);

    /// <summary>
    /// Linear warm-up in front of <paramref name="schedule"/>: updates 1..<paramref name="warmupSteps"/> ramp
    /// from 1/warmupSteps to 1 times the schedule's first rate, then update t follows the schedule at
    /// t - warmupSteps, so the decay starts once warm-up ends.
    /// </summary>
    public static LearningRateSchedule WithWarmup(LearningRateSchedule schedule, long warmupSteps)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        return warmupSteps == 0 ? schedule : new WarmupSchedule(schedule, warmupSteps);
    }
}
