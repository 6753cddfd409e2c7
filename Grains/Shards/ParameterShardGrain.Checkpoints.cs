namespace OrleansML.Grains.Shards;

/// <summary>Checkpoints: the newest few, held in memory as their encoded bytes and in one persistent state.</summary>
internal sealed partial class ParameterShardGrain
{
    /// <summary>The checkpoints storage holds, by ascending id (mirrors <c>_store.State</c>).</summary>
    private List<(long Id, byte[] Data)> _held = [];

    /// <summary>The last queued storage operation (see <see cref="RunExclusiveAsync"/>).</summary>
    private Task _storageTail = Task.CompletedTask;

    /// <inheritdoc/>
    public Task CheckpointAsync(long checkpointId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(checkpointId);
        ShardState state = RequireState();
        // Encoded now, in this turn: the checkpoint is the state as of this call, whatever interleaves later.
        return StoreAsync(checkpointId, state.Version, ShardCheckpoint.Encode(checkpointId, state));
    }

    /// <inheritdoc/>
    public async Task<long> RestoreAsync(long checkpointId)
    {
        RequireState();
        long version = 0;
        // Queued behind any checkpoint being written (e.g. a BSP step's), so the coordinator can restore it.
        await RunExclusiveAsync(() =>
        {
            int index = _held.FindIndex(c => c.Id == checkpointId);
            if (index < 0)
            {
                throw new InvalidOperationException(
                    $"shard {Key} holds no checkpoint {checkpointId}; it holds [{string.Join(", ", _held.Select(c => c.Id))}].");
            }

            ShardState restored = ShardCheckpoint.Decode(_held[index].Data);
            ShardRequestChecks.CheckSameJob(restored.Assignment, _state!.Assignment, Key);
            // The settings the coordinator may change (workers, staleness, ...) stay as it last configured them.
            restored.Reconfigure(_state.Assignment);
            Adopt(restored);
            _waiters.Fail(null, w => new InvalidOperationException(
                $"shard {Key}: attempt {w.Attempt} is not the shard's current attempt (none): the shard was restored to checkpoint {checkpointId} while the pull waited."));
            LogRestored(_logger, Key, checkpointId, restored.Version);
            version = restored.Version;
            return Task.CompletedTask;
        });
        return version;
    }

    /// <summary>Adds a checkpoint and writes the record. Held ids at or above the new id are dropped: after a
    /// restore they belong to an abandoned run, and a reactivation must not load them as the newest.</summary>
    private Task StoreAsync(long checkpointId, long version, byte[] data) => RunExclusiveAsync(() => WriteHeldAsync(checkpointId, version, data));

    /// <summary><see cref="StoreAsync"/>'s work; call only inside <see cref="RunExclusiveAsync"/>.</summary>
    private async Task WriteHeldAsync(long checkpointId, long version, byte[] data)
    {
        List<(long Id, byte[] Data)> next = [.. _held.Where(c => c.Id < checkpointId), (checkpointId, data)];
        if (next.Count > _options.CheckpointsKept)
        {
            next.RemoveRange(0, next.Count - _options.CheckpointsKept);
        }

        ShardCheckpointRecord previous = _store.State;
        _store.State = new ShardCheckpointRecord { Checkpoints = [.. next.Select(c => c.Data)] };
        long started = _time.GetTimestamp();
        try
        {
            await _store.WriteStateAsync();
            // A hand-off into an empty shard has no state yet, but has made its instruments.
            (_state is null ? _metrics : Metrics(_state))?.Checkpointed(_time.GetElapsedTime(started).TotalSeconds);
        }
        catch
        {
            _store.State = previous;
            throw;
        }

        _held = next;
        LogCheckpointed(_logger, Key, checkpointId, version, data.Length, next.Count, next[0].Id);
    }

    /// <summary>Runs <paramref name="work"/> after every storage operation queued before it (one at a time, so
    /// two writes never race on the ETag). A failed operation fails only its own caller.</summary>
    private Task RunExclusiveAsync(Func<Task> work)
    {
        Task previous = _storageTail;
        Task current = RunAfterAsync(previous, work);
        _storageTail = current;
        return current;

        static async Task RunAfterAsync(Task previous, Func<Task> work)
        {
            await Task.WhenAny(previous); // never throws: the previous caller sees its own error
            await work();
        }
    }

    /// <summary>Reads the stored record into <see cref="_held"/>; a corrupt checkpoint is logged and left out,
    /// never loaded.</summary>
    private void LoadHeldCheckpoints()
    {
        var held = new List<(long Id, byte[] Data)>();
        List<byte[]> stored = _store.State.Checkpoints;
        for (int i = 0; i < stored.Count; i++)
        {
            try
            {
                (long id, _) = ShardCheckpoint.ReadHeader(stored[i]);
                held.Add((id, stored[i]));
            }
            catch (FormatException e)
            {
                LogCorruptCheckpoint(_logger, Key, i, e.Message);
            }
        }

        held.Sort((a, b) => a.Id.CompareTo(b.Id));
        _held = held;
    }
}
