using OrleansML.Learning.Optimizers;

namespace OrleansML.Jobs;

/// <summary>
/// The spec values that depend on the data, resolved when the job starts: <see cref="TrainingSpec.BatchSize"/> 0
/// and a schedule's <see cref="LearningRateScheduleSettings.DecaySteps"/> 0. They let one default serve 150 rows and
/// 60,000 rows alike (docs/training.md, "Defaults").
/// </summary>
public static class AutoSettings
{
    /// <summary>An automatic batch gives an epoch at least this many steps...</summary>
    public const int StepsPerEpoch = 32;

    /// <summary>...and holds at most this many rows.</summary>
    public const int MaximumBatchSize = 256;

    /// <summary>The global batch for <paramref name="rows"/> training rows: the spec's, or when it is 0,
    /// <c>clamp(ceil(rows / 32), 1, 256)</c>.</summary>
    public static int BatchSize(TrainingSpec spec, long rows)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.BatchSize > 0 ? spec.BatchSize : (int)Math.Clamp((rows + StepsPerEpoch - 1) / StepsPerEpoch, 1, MaximumBatchSize);
    }

    /// <summary>
    /// <paramref name="optimizer"/> with a schedule whose <c>decaySteps</c> is 0 stretched over the whole job: the
    /// updates one shard applies in <paramref name="epochs"/> epochs of <paramref name="stepsPerEpoch"/> steps (under
    /// ASP and SSP every worker's push is an update). Other optimizers come back unchanged.
    /// </summary>
    public static OptimizerSettings Optimizer(OptimizerSettings optimizer, ConsistencyMode mode, int epochs, int stepsPerEpoch, int workers)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (optimizer.Schedule is not { DecaySteps: 0 } schedule)
        {
            return optimizer;
        }

        long updates = (long)epochs * stepsPerEpoch * (mode is ConsistencyMode.Asp or ConsistencyMode.Ssp ? workers : 1);
        return optimizer with { Schedule = schedule with { DecaySteps = Math.Max(1, updates) } };
    }
}
