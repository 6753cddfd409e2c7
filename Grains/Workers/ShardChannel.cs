using OrleansML.Transfer;

namespace OrleansML.Grains.Workers;

/// <summary>
/// One worker's connection to a job's shards for one attempt: pulls assemble the full parameter vector (or the
/// touched keys) from the slices, pushes split a gradient into per-shard parts. Calls to the shards go out in
/// parallel; the slowest shard sets the pace.
/// </summary>
internal sealed class ShardChannel
{
    private readonly IParameterShardGrain[] _shards;
    private readonly ShardLayout _layout;
    private readonly long _attempt;
    private readonly int _workerId;
    private readonly TensorCompression _compression;
    private readonly int _floatsPerMessage;

    /// <param name="floatsPerMessage">The most values one message may carry (<c>OrleansML:Transfer:MaxMessageBytes</c>).</param>
    public ShardChannel(IGrainFactory grains, WorkerAssignment assignment, int parameterCount, long attempt, int floatsPerMessage)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(floatsPerMessage, 1);
        _floatsPerMessage = floatsPerMessage;
        _layout = new ShardLayout(parameterCount, assignment.ShardCount);
        _shards = [.. Enumerable.Range(0, assignment.ShardCount).Select(i => grains.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(assignment.JobId, i, assignment.ShardGeneration)))];
        _attempt = attempt;
        _workerId = assignment.WorkerIndex;
        _compression = assignment.Compression;
    }

    public ShardLayout Layout => _layout;

    /// <summary>Late pushes reported by the shards so far.</summary>
    public long LatePushes { get; private set; }

    /// <summary>Pulls every shard's whole range into <paramref name="parameters"/>. A slice larger than one message
    /// is pulled as runs of consecutive keys, each run one message (only evaluation and loss passes of sparse models
    /// meet such slices: jobs whose steps would send them are refused at start).</summary>
    public async Task PullAllAsync(float[] parameters, long clock, long minimumVersion)
    {
        if (Enumerable.Range(0, _shards.Length).Any(i => _layout.Length(i) > _floatsPerMessage))
        {
            int[] all = new int[_layout.ParameterCount];
            for (int i = 0; i < all.Length; i++)
            {
                all[i] = i;
            }

            await PullKeysAsync(parameters, all, clock, minimumVersion);
            return;
        }

        var pulls = new Task<ParameterSlice>[_shards.Length];
        for (int i = 0; i < _shards.Length; i++)
        {
            pulls[i] = _shards[i].PullAsync(new PullRequest { Attempt = _attempt, WorkerId = _workerId, Step = clock, MinimumVersion = minimumVersion, Compression = _compression });
        }

        CopySlices(parameters, await Task.WhenAll(pulls));
    }

    /// <summary>Pushes a dense update of step <paramref name="clock"/> and pulls every shard's whole range for step
    /// <paramref name="nextClock"/> into <paramref name="parameters"/>, in one call per shard (see
    /// <see cref="IParameterShardGrain.PushThenPullAsync"/>). The parameters are written once every shard has
    /// answered, which may be before this returns (local shards answer inline): the caller must be done with them.</summary>
    public async Task PushDenseThenPullAllAsync(float[] parameters, ReadOnlyMemory<float> update, long clock, int rows, long nextClock, long minimumVersion)
    {
        Debug.Assert(update.Length == _layout.ParameterCount);
        var calls = new Task<PushPullResult>[_shards.Length];
        for (int i = 0; i < _shards.Length; i++)
        {
            calls[i] = _shards[i].PushThenPullAsync(
                DensePush(i, update.Span, clock, rows),
                new PullRequest { Attempt = _attempt, WorkerId = _workerId, Step = nextClock, MinimumVersion = minimumVersion, Compression = _compression });
        }

        PushPullResult[] results = await Task.WhenAll(calls);
        var slices = new ParameterSlice[results.Length];
        for (int i = 0; i < results.Length; i++)
        {
            Count(results[i].Outcome);
            slices[i] = results[i].Slice;
        }

        CopySlices(parameters, slices);
    }

    /// <summary>Writes one whole-range slice per shard into <paramref name="parameters"/>, after checking that each
    /// is the range the layout says the shard holds.</summary>
    private void CopySlices(float[] parameters, ParameterSlice[] slices)
    {
        for (int i = 0; i < slices.Length; i++)
        {
            ParameterSlice slice = slices[i];
            if (slice.Start != _layout.Start(i) || slice.Values.Length != _layout.Length(i))
            {
                throw new InvalidOperationException($"Shard {i} returned [{slice.Start}, +{slice.Values.Length}) but holds [{_layout.Start(i)}, +{_layout.Length(i)}): the job's layout changed under the worker.");
            }

            slice.Values.Span.CopyTo(parameters.AsSpan(slice.Start));
        }
    }

    /// <summary>Pulls the values of <paramref name="sortedKeys"/> into <paramref name="parameters"/> at those keys. The
    /// keys are copied into the messages before this returns, so the caller may reuse their buffer at once
    /// (<see cref="BatchKeys"/> does).</summary>
    public async Task PullKeysAsync(float[] parameters, ReadOnlyMemory<int> sortedKeys, long clock, long minimumVersion)
    {
        Range[] byShard = _layout.SliceKeys(sortedKeys.Span);
        List<(int Shard, int[] Keys)> runs = [];
        for (int shard = 0; shard < byShard.Length; shard++)
        {
            (int first, int length) = byShard[shard].GetOffsetAndLength(sortedKeys.Length);
            foreach ((long offset, int count) in TransferRanges.Split(length, _floatsPerMessage))
            {
                runs.Add((shard, sortedKeys.Span.Slice(first + (int)offset, count).ToArray()));
            }
        }

        var pulls = new Task<ParameterSlice>[runs.Count];
        for (int i = 0; i < runs.Count; i++)
        {
            pulls[i] = _shards[runs[i].Shard].PullAsync(new PullRequest
            {
                Attempt = _attempt, WorkerId = _workerId, Step = clock, MinimumVersion = minimumVersion, Keys = new IndexTensor(runs[i].Keys), Compression = _compression,
            });
        }

        ParameterSlice[] slices = await Task.WhenAll(pulls);
        for (int i = 0; i < runs.Count; i++)
        {
            int[] keys = runs[i].Keys;
            float[] values = slices[i].Values.Values;
            Debug.Assert(values.Length == keys.Length, "a key pull returns one value per key");
            for (int k = 0; k < keys.Length; k++)
            {
                parameters[keys[k]] = values[k];
            }
        }
    }

    /// <summary>Pushes a dense update (one slice per shard); every shard gets a push, so barriers see every worker.</summary>
    public async Task PushDenseAsync(ReadOnlyMemory<float> update, long clock, int rows)
    {
        Debug.Assert(update.Length == _layout.ParameterCount);
        var pushes = new Task<PushOutcome>[_shards.Length];
        for (int i = 0; i < _shards.Length; i++)
        {
            pushes[i] = _shards[i].PushAsync(DensePush(i, update.Span, clock, rows));
        }

        await CountAsync(pushes);
    }

    /// <summary>Pushes a sparse update: each shard gets the keys in its range (possibly none, so that a BSP
    /// barrier still counts the worker).</summary>
    public Task PushSparseAsync(ReadOnlySpan<int> sortedKeys, ReadOnlySpan<float> values, long clock, int rows)
    {
        var pushes = new Task<PushOutcome>[_shards.Length];
        Range[] slices = _layout.SliceKeys(sortedKeys);
        for (int i = 0; i < _shards.Length; i++)
        {
            Range slice = slices[i];
            int length = slice.GetOffsetAndLength(sortedKeys.Length).Length;
            if (length > _floatsPerMessage / 2)
            {
                // A shard counts one push per worker and step, so the push cannot be split: fail now, not after a timeout.
                throw new InvalidOperationException(
                    $"worker {_workerId}: the sparse push of step {clock} to shard {i} holds {length} keys and values ({(long)length * 8} bytes), more than " +
                    $"one message may carry (OrleansML:Transfer:MaxMessageBytes): use smaller batches or more shards.");
            }

            pushes[i] = _shards[i].PushAsync(new GradientPush
            {
                Attempt = _attempt, WorkerId = _workerId, Step = clock, Rows = rows,
                Keys = new IndexTensor(sortedKeys[slice].ToArray()), Values = WireCopy(values[slice]),
            });
        }

        return CountAsync(pushes);
    }

    /// <summary>Shard <paramref name="shard"/>'s part of a dense update.</summary>
    private GradientPush DensePush(int shard, ReadOnlySpan<float> update, long clock, int rows) => new()
    {
        Attempt = _attempt, WorkerId = _workerId, Step = clock, Rows = rows,
        Values = WireCopy(update.Slice(_layout.Start(shard), _layout.Length(shard))),
    };

    /// <summary>A fresh copy for one message (messages are shared, not copied, within a silo), rounded as the wire
    /// would round it.</summary>
    private FloatTensor WireCopy(ReadOnlySpan<float> values) => FloatTensor.RoundedToWire(values.ToArray(), _compression);

    private async Task CountAsync(Task<PushOutcome>[] pushes) => Count(await Task.WhenAll(pushes));

    private void Count(PushOutcome[] outcomes)
    {
        foreach (PushOutcome outcome in outcomes)
        {
            Count(outcome);
        }
    }

    private void Count(PushOutcome outcome)
    {
        if (outcome == PushOutcome.Late)
        {
            LatePushes++;
        }
    }
}
