using OrleansML.Grains.Diagnostics;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Grains.Jobs;

/// <summary>
/// Full-batch L-BFGS, as Spark MLlib trains logistic regression: the coordinator holds the iterate and the
/// curvature history; every evaluation sends the point to all workers, which return loss and gradient sums over
/// their rows (MLlib's treeAggregate). An "epoch" is <see cref="TrainingSpec.LbfgsIterationsPerEpoch"/>
/// iterations; after each, the state is persisted, the iterate is written to the shards (where the model is
/// read from) and the held-out set is evaluated. A failed evaluation is retried: it is a pure function of the
/// point, so repeating it is safe.
/// </summary>
internal sealed partial class LbfgsDriver(IJobHost host)
{
    private readonly JobRecord _record = host.Record;

    public static int PlannedEpochs(TrainingSpec spec) => (spec.LbfgsIterations + spec.LbfgsIterationsPerEpoch - 1) / spec.LbfgsIterationsPerEpoch;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        TrainingSpec spec = _record.Spec!;
        DatasetManifest train = await DatasetReference.Parse(spec.Data.TrainManifest).OpenManifestAsync(host.BlobStore, cancellationToken);
        IModel model = spec.Model.Create();
        var group = new JobGroup(host.Grains, host.JobId, spec, model.ParameterCount, _record.WorkerGeneration, _record.ShardGeneration, host.Transfer.FloatsPerMessage);
        int workers = spec.Workers;
        WorkerAssignment[] assignments = [.. Enumerable.Range(0, workers).Select(i => group.WorkerAssignment(i, workers, stepsPerEpoch: 1, host.Options.WorkerRunSlice))];
        LbfgsState state;
        // The state that matches the record: the coordinator may have died after saving a round's state but before
        // saving the record that counts the round.
        byte[] saved = await host.LbfgsStateAfterAsync(_record.EpochsCompleted, cancellationToken);
        if (saved.Length > 0)
        {
            state = LbfgsState.Deserialize(saved);
        }
        else
        {
            var initial = new float[model.ParameterCount];
            model.InitializeParameters(initial, spec.Seed);
            state = LbfgsState.Create([.. initial.Select(v => (double)v)], spec.LbfgsHistory);
        }

        if (!_record.Initialized)
        {
            _record.Workers = workers;
            await group.ConfigureShardsAsync(workers);
            _record.Initialized = true;
            _record.State = JobState.Running;
            await host.SaveAsync();
            host.Publish();
        }

        int planned = PlannedEpochs(spec);
        var point = new float[model.ParameterCount];
        while (_record.EpochsCompleted < planned)
        {
            await host.WaitWhilePausedAsync(cancellationToken);
            if (_record.PauseRequested)
            {
                await host.EnterPauseAsync();
                continue;
            }

            int epoch = _record.EpochsCompleted + 1;
            using Activity? span = OrleansMLTelemetry.ActivitySource.StartActivity(OrleansMLTelemetry.EpochSpan);
            span?.SetTag(OrleansMLTelemetry.JobTag, host.JobId).SetTag("orleansml.epoch", epoch);
            long started = host.Time.GetTimestamp();
            long rowsBefore = 0;
            var minimizer = new LbfgsMinimizer(new LbfgsOptions
            {
                MaximumIterations = Math.Min(spec.LbfgsIterations, state.Iterations + spec.LbfgsIterationsPerEpoch),
                HistorySize = spec.LbfgsHistory,
                L2Regularization = spec.LbfgsL2Regularization,
            });
            LbfgsResult result = await minimizer.MinimizeAsync(
                async (x, gradient, token) =>
                {
                    (double loss, long rows) = await EvaluateObjectiveAsync(group, assignments, x, gradient, token);
                    rowsBefore += rows;
                    return loss;
                },
                state,
                null,
                cancellationToken);
            double seconds = host.Time.GetElapsedTime(started).TotalSeconds;
            long saving = host.Time.GetTimestamp();
            await host.SaveLbfgsStateAsync(epoch, state.Serialize());
            OrleansMLTelemetry.CheckpointHistogram.Record(
                host.Time.GetElapsedTime(saving).TotalSeconds, OrleansMLTelemetry.Tags(host.JobId, spec.Mode, OrleansMLTelemetry.CoordinatorRole));
            CopyPoint(state, point);

            EpochMetrics metrics = await EvaluateWithRetriesAsync(group, assignments, point, state, epoch, rowsBefore, seconds, workers, spec, cancellationToken);
            // A cancel may have made the record final while the round ran: it must not change after that.
            cancellationToken.ThrowIfCancellationRequested();
            _record.History.Add(metrics);
            _record.EpochsCompleted = epoch;
            bool converged = result.Reason != LbfgsConvergence.MaximumIterations;
            bool stopEarly = JobSteps.ShouldStopEarly(_record, metrics, spec.EarlyStoppingPatience);
            string? target = JobSteps.TargetReached(spec, metrics);
            _record.StopReason = target
                ?? (converged ? $"L-BFGS converged at iteration {state.Iterations} ({result.Reason})" : null)
                ?? (stopEarly ? $"stopped early at epoch {epoch}: no better held-out loss in {spec.EarlyStoppingPatience} epochs" : null);
            bool stop = target is not null || converged || stopEarly;
            await host.SaveAsync();
            host.Publish();
            string reason = _record.StopReason ?? result.Reason.ToString();
            LogIteration(host.Logger, host.JobId, state.Iterations, state.Loss, reason);
            if (stop)
            {
                break;
            }
        }

        // The coordinator's persisted iterate is the model: the shards only mirror it for evaluation, and a shard
        // whose silo died since the last round would come back without it (L-BFGS shards keep no checkpoints).
        float[] finalParameters = new float[model.ParameterCount];
        CopyPoint(state, finalParameters);
        cancellationToken.ThrowIfCancellationRequested();
        await JobRetries.RunAsync(host, "saving the model", async () =>
        {
            await JobSteps.SaveModelAsync(host, spec.Model, finalParameters);
            return true;
        }, cancellationToken);
    }

    private Task<EpochMetrics> EvaluateWithRetriesAsync(JobGroup group, WorkerAssignment[] assignments, float[] point, LbfgsState state, int epoch, long rows, double seconds, int workers, TrainingSpec spec, CancellationToken cancellationToken) =>
        JobRetries.RunAsync(
            host,
            $"the evaluation of iteration {state.Iterations}",
            async attemptNumber =>
            {
                long attempt = ++_record.Attempt;
                await host.SaveAsync();
                // Configuring is idempotent; it matters after a shard's silo died: the shard comes back with no
                // state (L-BFGS shards keep no checkpoints), is initialised here, and then gets the iterate.
                await group.ConfigureShardsAsync(workers);
                await group.BeginAsync(attempt);
                await group.WriteModelAsync(point, state.Iterations);
                var metrics = new EpochMetrics { Epoch = epoch, TrainLoss = state.Loss, Examples = rows, Seconds = seconds, Workers = workers, Attempts = attemptNumber };
                return JobSteps.WithTest(metrics, await JobSteps.EvaluateAsync(group, assignments, attempt));
            },
            cancellationToken);

    private static void CopyPoint(LbfgsState state, float[] destination)
    {
        ReadOnlySpan<double> point = state.Point;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)point[i];
        }
    }

    /// <summary>The mean loss and gradient over all rows at <paramref name="x"/>; a worker call that fails is
    /// retried (the result depends only on the point).</summary>
    private async Task<(double Loss, long Rows)> EvaluateObjectiveAsync(JobGroup group, WorkerAssignment[] assignments, ReadOnlyMemory<double> x, Memory<double> gradient, CancellationToken cancellationToken)
    {
        float[] point = new float[x.Length];
        ReadOnlySpan<double> source = x.Span;
        for (int i = 0; i < point.Length; i++)
        {
            point[i] = (float)source[i];
        }

        LossGradient[] parts = await Task.WhenAll(assignments.Select((a, i) => JobRetries.RunAsync(host, "a loss evaluation", () => group.Worker(i).ComputeLossAndGradientAsync(a, new FloatTensor(point)), cancellationToken)));
        long rows = parts.Sum(p => p.Rows);
        double loss = parts.Sum(p => p.LossSum) / rows;
        Span<double> g = gradient.Span;
        g.Clear();
        foreach (LossGradient part in parts)
        {
            for (int i = 0; i < g.Length; i++)
            {
                g[i] += part.GradientSum.Values[i];
            }
        }

        for (int i = 0; i < g.Length; i++)
        {
            g[i] /= rows;
        }

        return (loss, rows);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} L-BFGS iteration {Iteration}: loss {Loss:F6} ({Reason})")]
    private static partial void LogIteration(ILogger logger, string jobId, int iteration, double loss, string reason);
}
