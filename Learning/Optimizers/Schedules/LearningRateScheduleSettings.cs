namespace OrleansML.Learning.Optimizers;

/// <summary>
/// Serialisable description of a learning-rate schedule; the base rate is the optimizer's
/// <see cref="OptimizerSettings.LearningRate"/>. Fields a kind does not use are ignored.
/// </summary>
public sealed record LearningRateScheduleSettings
{
    /// <summary>The schedule's shape. Default <see cref="LearningRateScheduleKind.Constant"/>.</summary>
    public LearningRateScheduleKind Kind { get; init; } = LearningRateScheduleKind.Constant;

    /// <summary>
    /// StepDecay and ExponentialDecay: factor in (0, 1] applied per <see cref="DecaySteps"/> updates.
    /// InverseTime: coefficient >= 0. Default 0.5.
    /// </summary>
    public double DecayRate { get; init; } = 0.5;

    /// <summary>Updates per decay period (Cosine: updates to reach <see cref="MinimumRate"/>). Must be >= 1. Default 1000.</summary>
    public long DecaySteps { get; init; } = 1000;

    /// <summary>Cosine only: the final rate, in [0, learning rate]. Default 0.</summary>
    public float MinimumRate { get; init; }

    /// <summary>Linear warm-up updates in front of the schedule (any kind); 0 disables. Default 0.</summary>
    public long WarmupSteps { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field (prefixed by <paramref name="path"/>).</summary>
    public void Validate(float learningRate, string path = "optimizer.schedule")
    {
        if (!Enum.IsDefined(Kind))
        {
            throw Bad(path, "kind", "must be a defined schedule kind", Kind.ToString());
        }

        if (DecaySteps < 1)
        {
            throw Bad(path, "decaySteps", "must be >= 1", DecaySteps.ToString(CultureInfo.InvariantCulture));
        }

        if (Kind is LearningRateScheduleKind.StepDecay or LearningRateScheduleKind.ExponentialDecay && !(DecayRate > 0 && DecayRate <= 1))
        {
            throw Bad(path, "decayRate", $"must be in (0, 1] for {Kind}", DecayRate.ToString(CultureInfo.InvariantCulture));
        }

        if (Kind == LearningRateScheduleKind.InverseTime && !(DecayRate >= 0 && double.IsFinite(DecayRate)))
        {
            throw Bad(path, "decayRate", "must be finite and >= 0 for InverseTime", DecayRate.ToString(CultureInfo.InvariantCulture));
        }

        if (Kind == LearningRateScheduleKind.Cosine && !(MinimumRate >= 0 && MinimumRate <= learningRate))
        {
            throw Bad(path, "minimumRate", $"must be in [0, learningRate = {learningRate.ToString(CultureInfo.InvariantCulture)}]", MinimumRate.ToString(CultureInfo.InvariantCulture));
        }

        if (WarmupSteps < 0)
        {
            throw Bad(path, "warmupSteps", "must be >= 0", WarmupSteps.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Builds the schedule for <paramref name="learningRate"/>, after validating.</summary>
    public LearningRateSchedule Create(float learningRate)
    {
        Validate(learningRate);
        LearningRateSchedule schedule = Kind switch
        {
            LearningRateScheduleKind.Constant => LearningRateSchedule.Constant(learningRate),
            LearningRateScheduleKind.StepDecay => LearningRateSchedule.StepDecay(learningRate, DecayRate, DecaySteps),
            LearningRateScheduleKind.ExponentialDecay => LearningRateSchedule.ExponentialDecay(learningRate, DecayRate, DecaySteps),
            LearningRateScheduleKind.InverseTime => LearningRateSchedule.InverseTime(learningRate, DecayRate, DecaySteps),
            LearningRateScheduleKind.InverseSqrt => LearningRateSchedule.InverseSqrt(learningRate, DecaySteps),
            LearningRateScheduleKind.Cosine => LearningRateSchedule.Cosine(learningRate, DecaySteps, MinimumRate),
            _ => throw new ArgumentException($"optimizer.schedule.kind {Kind} is not supported."),
        };
        return LearningRateSchedule.WithWarmup(schedule, WarmupSteps);
    }

    internal static ArgumentException Bad(string path, string field, string rule, string value) =>
        new($"{path}.{field} {rule}, got {value}");
}
