using OrleansML.Grains.Diagnostics;
using OrleansML.Grains.Modes;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Grains.Workers;

/// <summary>
/// Runs a worker's steps of one epoch under one consistency mode. Global step <c>s</c> of epoch <c>e</c> is
/// <c>(e - 1) * T + t</c> with <c>t</c> in <c>[0, T)</c>; at step <c>t</c> the worker takes batch
/// <c>order[t]</c>, rows <c>[b * n / T, (b + 1) * n / T)</c> of its shuffled rows, so batches are contiguous,
/// nearly equal, and never empty (the coordinator makes <c>T</c> at most every worker's row count).
/// </summary>
internal sealed class EpochRunner
{
    private readonly WorkerModel _model;
    private readonly WorkerAssignment _assignment;
    private readonly ConsistencyRules _rules;
    private readonly ShardChannel _shards;
    private readonly TimeProvider _time;
    private readonly TagList _tags;
    private double _lossSum;
    private long _rows;
    private int _steps;
    private long _computeTicks;
    private long _communicationTicks;

    public EpochRunner(WorkerModel model, WorkerAssignment assignment, ShardChannel shards, TimeProvider time)
    {
        _model = model;
        _assignment = assignment;
        _rules = ConsistencyRules.For(assignment.Mode);
        _shards = shards;
        _time = time;
        _tags = OrleansMLTelemetry.Tags(assignment.JobId, assignment.Mode, OrleansMLTelemetry.WorkerRole);
    }

    public async Task<WorkerEpochResult> RunAsync(int epoch, long firstStep, string? silo)
    {
        long steps = _assignment.StepsPerEpoch;
        long epochStart = (epoch - 1) * steps;
        long epochEnd = epoch * steps;
        if (firstStep < epochStart || firstStep > epochEnd)
        {
            throw new ArgumentOutOfRangeException(nameof(firstStep), $"step {firstStep} is outside epoch {epoch} (steps [{epochStart}, {epochEnd})).");
        }

        // One span per run slice, not per step: a step can take microseconds, and a span costs about as much.
        using Activity? span = OrleansMLTelemetry.ActivitySource.StartActivity(OrleansMLTelemetry.StepsSpan);
        span?.SetTag(OrleansMLTelemetry.JobTag, _assignment.JobId).SetTag(OrleansMLTelemetry.ModeTag, OrleansMLTelemetry.ModeName(_assignment.Mode))
            .SetTag("orleansml.epoch", epoch).SetTag("orleansml.worker", _assignment.WorkerIndex).SetTag("orleansml.first_step", firstStep);
        int[] order = BatchOrder(epoch);
        long started = _time.GetTimestamp();
        long next = _rules.WorkerTrainsLocally
            ? await RunAveragingAsync(order, epochStart, firstStep, epochEnd, started)
            : await RunStepsAsync(order, epochStart, firstStep, epochEnd, started);
        span?.SetTag("orleansml.steps", _steps).SetTag("orleansml.rows", _rows);
        return new WorkerEpochResult
        {
            LossSum = _lossSum,
            Rows = _rows,
            Steps = _steps,
            Seconds = _time.GetElapsedTime(started).TotalSeconds,
            ComputeSeconds = (double)_computeTicks / _time.TimestampFrequency,
            CommunicationSeconds = (double)_communicationTicks / _time.TimestampFrequency,
            LatePushes = _shards.LatePushes,
            Silo = silo,
            NextStep = next,
        };
    }

    /// <remarks>
    /// A step's push is not awaited before the next step's pull goes out: both travel together, which saves a
    /// round trip per step. For a dense model they are one call per shard
    /// (<see cref="ShardChannel.PushDenseThenPullAllAsync"/>: one message each way), and the pull sees the push. A
    /// sparse model's pull needs the next batch's keys, which may fall to other shards than the push's, so it pulls
    /// separately. This is safe in every mode because the shards order by version and clock, not by arrival: a
    /// BSP pull of step s + 1 waits in the shard for the barrier this very push completes, an SSP pull waits for
    /// the clocks, and ASP tolerates the one step of staleness by definition. The worker still reads the push's
    /// outcome before it computes (a refused push fails the step at once), and the last push of a run is awaited
    /// before the run reports, so the coordinator's checkpoint never precedes an update. The run's last step
    /// pushes alone: a pull outliving the run could wait for a step nobody takes until the next run.
    /// A sparse model collects the next step's keys while this step's pull is in flight (<see cref="BatchKeys"/>);
    /// that time counts as communication, as collecting this step's keys did before the pull went out.
    /// </remarks>
    private async Task<long> RunStepsAsync(int[] order, long epochStart, long step, long epochEnd, long started)
    {
        BatchKeys? keys = _model.Keys;
        bool sparse = keys is not null;
        Task? pendingPush = null;
        bool pushPulled = false; // pendingPush also pulled this step's parameters
        while (step < epochEnd)
        {
            DataBatch batch = BatchAt(order[step - epochStart]);
            long communication = _time.GetTimestamp();
            if (pushPulled)
            {
                await pendingPush!;
            }
            else
            {
                Task pull = !PullsAt(step, epochStart) ? Task.CompletedTask
                    : sparse ? _shards.PullKeysAsync(_model.Parameters, keys!.For(step, batch), step, MinimumVersion(step))
                    : _shards.PullAllAsync(_model.Parameters, step, MinimumVersion(step));
                if (sparse && step + 1 < epochEnd && PullsAt(step + 1, epochStart))
                {
                    // While this pull is in flight (under BSP it waits for the slowest worker's push).
                    keys!.Prepare(step + 1, BatchAt(order[step + 1 - epochStart]));
                }

                await PushThenPullAsync(pendingPush, pull);
            }

            pendingPush = null;
            long compute = _time.GetTimestamp();
            _communicationTicks += compute - communication;
            float loss = sparse ? _model.ComputeSparseGradient(batch) : _model.ComputeGradient(batch);
            if (!float.IsFinite(loss))
            {
                throw new ModelDivergedException($"The loss became {loss} at step {step}: the model diverged (lower the learning rate).");
            }

            _computeTicks += _time.GetTimestamp() - compute;
            bool last = step + 1 == epochEnd || _time.GetElapsedTime(started) >= _assignment.RunSlice;
            pushPulled = !sparse && !last && PullsAt(step + 1, epochStart);

            // The channel copies the gradient into its messages before it returns: the buffers are free again.
            pendingPush = pushPulled
                ? _shards.PushDenseThenPullAllAsync(_model.Parameters, _model.Gradient, step, batch.Count, step + 1, MinimumVersion(step + 1))
                : sparse
                    ? _shards.PushSparseAsync(_model.SparseGradient.Keys, _model.SparseGradient.Values, step, batch.Count)
                    : _shards.PushDenseAsync(_model.Gradient, step, batch.Count);
            _lossSum += (double)loss * batch.Count;
            Counted(batch.Count);
            Record(1, batch.Count);
            step++;
            if (last)
            {
                break;
            }
        }

        if (pendingPush is not null)
        {
            Debug.Assert(!pushPulled, "the run's last step pushes alone");
            long pushing = _time.GetTimestamp();
            await pendingPush;
            _communicationTicks += _time.GetTimestamp() - pushing;
        }

        return step;
    }

    /// <summary>Whether step <paramref name="step"/> pulls: every step, but every <c>pullEvery</c>-th under ASP.</summary>
    private bool PullsAt(long step, long epochStart) => _rules.PullsAt(step, epochStart, _assignment.PullEvery);

    /// <summary>Waits for the previous step's push and this step's pull, failing as soon as either fails (a
    /// failed push would otherwise leave its BSP pull waiting out the shard's timeout).</summary>
    private static async Task PushThenPullAsync(Task? push, Task pull)
    {
        if (push is null)
        {
            await pull;
            return;
        }

        Task first = await Task.WhenAny(push, pull);
        if (first.IsFaulted || first.IsCanceled)
        {
            // The other call is abandoned: the coordinator aborts the attempt, which fails a waiting pull.
            Task other = first == push ? pull : push;
            _ = other.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        await first;
        await (first == push ? pull : push);
    }

    /// <summary>Rounds of <see cref="WorkerAssignment.AveragingInterval"/> local steps with the worker's own
    /// optimizer, then a push of how far the copy moved, <c>start - local</c> (the shards average the workers'
    /// pushes, weighted by rows, and step against the mean with their outer optimizer).</summary>
    private async Task<long> RunAveragingAsync(int[] order, long epochStart, long step, long epochEnd, long started)
    {
        int interval = _assignment.AveragingInterval;
        long roundsPerEpoch = (_assignment.StepsPerEpoch + interval - 1) / interval;
        float[] parameters = _model.Parameters;
        float[] start = new float[parameters.Length];
        float[] change = new float[parameters.Length];
        while (step < epochEnd)
        {
            long localStep = step - epochStart;
            Debug.Assert(localStep % interval == 0, "averaging runs whole rounds");
            long round = ((epochStart / _assignment.StepsPerEpoch) * roundsPerEpoch) + (localStep / interval);
            long communication = _time.GetTimestamp();
            await _shards.PullAllAsync(parameters, round, minimumVersion: round);
            long compute = _time.GetTimestamp();
            _communicationTicks += compute - communication;
            parameters.CopyTo(start, 0);
            int rows = 0;
            long roundStart = step;
            long roundEnd = Math.Min(step + interval, epochEnd);
            for (; step < roundEnd; step++)
            {
                DataBatch batch = BatchAt(order[step - epochStart]);
                float loss = _model.ComputeGradient(batch);
                if (!float.IsFinite(loss))
                {
                    throw new ModelDivergedException($"The loss became {loss} at step {step}: the model diverged (lower the learning rate).");
                }

                _model.ApplyLocal(_model.Gradient.Span, step);
                _lossSum += (double)loss * batch.Count;
                rows += batch.Count;
                Counted(batch.Count);
            }

            // The outer gradient: the shards' outer optimizer steps against it (ModelAveragingRules).
            System.Numerics.Tensors.TensorPrimitives.Subtract(start, parameters, change);
            long pushing = _time.GetTimestamp();
            _computeTicks += pushing - compute;
            await _shards.PushDenseAsync(change, round, rows);
            _communicationTicks += _time.GetTimestamp() - pushing;
            Record(roundEnd - roundStart, rows);
            if (_time.GetElapsedTime(started) >= _assignment.RunSlice)
            {
                break;
            }
        }

        return step;
    }

    /// <summary>Counts a step of <paramref name="rows"/> rows in the run's result.</summary>
    private void Counted(int rows)
    {
        _rows += rows;
        _steps++;
    }

    /// <summary>Adds steps and rows to the meter: per step when each step talks to the shards (a round trip costs
    /// far more than the adds), per round under model averaging, whose local steps can take microseconds while two
    /// adds cost 0.2-0.7 us with an OpenTelemetry reader attached (measured on this 2-core machine under load).</summary>
    private void Record(long steps, long rows)
    {
        OrleansMLTelemetry.StepCounter.Add(steps, in _tags);
        OrleansMLTelemetry.RowCounter.Add(rows, in _tags);
    }

    /// <summary>BSP waits for the barrier of its own step; SSP waits in the shard by clocks; ASP never waits.</summary>
    private long MinimumVersion(long step) => _rules.MinimumVersion(step);

    private DataBatch BatchAt(int batchIndex)
    {
        DataBatch all = _model.Data.Train;
        long rows = all.Count;
        long steps = _assignment.StepsPerEpoch;
        int first = (int)(batchIndex * rows / steps);
        int end = (int)((batchIndex + 1) * rows / steps);
        Debug.Assert(end > first, "the coordinator keeps steps per epoch at most the worker's rows");
        return all.IsDense ? DataBatch.Of(all.Dense!, first, end - first) : DataBatch.Of(all.Sparse!, first, end - first);
    }

    /// <summary>The batch order of an epoch: a permutation fixed by (seed, epoch, worker), so a retried epoch
    /// replays the same batches.</summary>
    private int[] BatchOrder(int epoch)
    {
        int[] order = [.. Enumerable.Range(0, _assignment.StepsPerEpoch)];
        // HashCode.Combine is seeded per process: a retry on another silo must replay the same order.
        int seed = unchecked((_assignment.Seed * 1_000_003) + (epoch * 7_919) + (_assignment.WorkerIndex * 104_729));
        new Random(seed & int.MaxValue).Shuffle(order);
        return order;
    }
}
