using OrleansML.Grains.Modes;

namespace OrleansML.Grains.Transfer;

/// <summary>
/// Which jobs would send a message larger than <see cref="TransferOptions.MaxMessageBytes"/> at every step, refused
/// when the job starts. Whole-model transfers outside the steps (saving, L-BFGS's iterate, checkpoint hand-off,
/// evaluation pulls) go in ranges and need no check; the steps' own messages cannot be split, because a shard
/// counts one push per worker and step.
/// </summary>
internal static class TransferLimits
{
    /// <summary>Throws a <see cref="TrainingSpecException"/> naming the option, and the shard count that would do,
    /// when <paramref name="spec"/>'s per-step messages would exceed the limit.</summary>
    public static void CheckJob(TrainingSpec spec, TransferOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        IModel model = spec.Model.Create();
        long parameters = model.ParameterCount;
        long limit = options.FloatsPerMessage;
        if (spec.Mode == ConsistencyMode.Lbfgs)
        {
            if (parameters > limit)
            {
                throw new TrainingSpecException("mode",
                    $"L-BFGS sends the whole model ({parameters} parameters, {parameters * sizeof(float)} bytes) to every worker in one message, more than " +
                    $"OrleansML:Transfer:MaxMessageBytes ({options.MaxMessageBytes} bytes) allows: train this model with a per-step mode (Bsp, Asp, Ssp), " +
                    "or raise MaxMessageBytes (and Orleans' MaxMessageBodySize) if the model fits well below Orleans' limit.");
            }

            return;
        }

        bool pushesWholeSlices = model is not ISparseModel || ConsistencyRules.For(spec.Mode).WorkerTrainsLocally;
        long slice = (parameters + spec.Shards - 1) / spec.Shards;
        if (pushesWholeSlices && slice > limit)
        {
            long needed = (parameters + limit - 1) / limit;
            throw new TrainingSpecException("shards",
                $"{spec.Shards} shard(s) give slices of up to {slice} parameters ({slice * sizeof(float)} bytes), and under {spec.Mode} every step sends whole slices, " +
                $"but one message may carry at most {limit} parameters (OrleansML:Transfer:MaxMessageBytes = {options.MaxMessageBytes} bytes): " +
                $"use at least {needed} shards for this model's {parameters} parameters.");
        }
    }
}
