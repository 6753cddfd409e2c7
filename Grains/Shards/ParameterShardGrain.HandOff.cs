using OrleansML.Grains.Checkpoints;

namespace OrleansML.Grains.Shards;

/// <summary>
/// Elastic hand-off between placement generations. A rebalance moves shards by creating new grains (new keys are
/// placed over the silos active now; an old key would reactivate where callers' caches still point). The new
/// shard asks the old one where its checkpoint lies, reads it from the shared blob store (only the blob's name
/// crosses between the shards, whatever the checkpoint's size), stores it under its own key, and continues from
/// it exactly; once the coordinator's record names the new generation, the old shard is discarded.
/// </summary>
internal sealed partial class ParameterShardGrain
{
    public Task<CheckpointLocation> LocateCheckpointAsync(long checkpointId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(checkpointId);
        // Queued behind any checkpoint being written, as a restore is, so a checkpoint is located only once stored.
        return RunWithinTimeoutAsync($"locating checkpoint {checkpointId}", async token =>
        {
            ShardCheckpointReference held = _held.Find(c => c.Id == checkpointId)
                ?? throw new InvalidOperationException($"shard {Key} holds no checkpoint {checkpointId} to hand off; it holds [{string.Join(", ", _held.Select(c => c.Id))}].");
            if (!await _blobs.Store.ExistsAsync(held.Blob.Name, token))
            {
                // Dropped, as a restore drops it, so that the coordinator's next attempt picks an older checkpoint.
                _held.Remove(held);
                string reason = $"blob '{held.Blob.Name}' in {_blobs.Store.Location} is missing";
                LogLostCheckpoint(_logger, Key, checkpointId, reason);
                throw new InvalidOperationException($"shard {Key}: checkpoint {checkpointId} is lost ({reason}); the shard no longer lists it.");
            }

            return new CheckpointLocation { CheckpointId = checkpointId, Blob = held.Blob.Name, Length = held.Blob.Length, Crc32C = held.Blob.Crc32C };
        });
    }

    public async Task<long> TakeOverAsync(ShardAssignment assignment, int fromGeneration, long checkpointId)
    {
        ShardRequestChecks.CheckAssignment(assignment, Key);
        if (fromGeneration < 0 || fromGeneration >= assignment.Generation)
        {
            throw new ArgumentOutOfRangeException(nameof(fromGeneration), fromGeneration,
                $"shard {Key}: a shard of generation {assignment.Generation} takes over from an earlier generation, in [0, {assignment.Generation}).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(checkpointId);
        string fromKey = ShardLayout.ShardKey(assignment.JobId, assignment.ShardIndex, fromGeneration);
        CheckpointLocation location = await GrainFactory.GetGrain<IParameterShardGrain>(fromKey).LocateCheckpointAsync(checkpointId);
        var blob = new BlobReference { Name = location.Blob, Length = location.Length, Crc32C = location.Crc32C };
        return await RunWithinTimeoutAsync($"taking over checkpoint {checkpointId} of {fromKey}", async token =>
        {
            if (_held.Count > 0 && _held[^1].Id > checkpointId)
            {
                // Only a coordinator that owns the record trains on a new generation, after its hand-off: this
                // call comes from an older one and must not roll the shard back.
                throw new InvalidOperationException(
                    $"shard {Key} refuses to take over checkpoint {checkpointId} of {fromKey}: it already holds the newer checkpoint {_held[^1].Id}.");
            }

            // The blob is streamed here, not sent by the old shard: a checkpoint can be larger than any message may
            // be. Its length and checksum are proven before the state is used: a damaged record is never adopted.
            (long id, ShardState handed) = await DecodeBlobAsync(blob, token);
            if (id != checkpointId)
            {
                throw new InvalidOperationException($"shard {Key}: shard {fromKey} answered checkpoint {id} when asked for {checkpointId}.");
            }

            ShardRequestChecks.CheckSameJob(handed.Assignment, assignment, Key);
            var layout = new ShardLayout(assignment.Model.Create().ParameterCount, assignment.ShardCount);
            if (handed.Start != layout.Start(assignment.ShardIndex) || handed.Length != layout.Length(assignment.ShardIndex))
            {
                throw new InvalidOperationException(
                    $"shard {Key}: checkpoint {checkpointId} of {fromKey} holds [{handed.Start}, +{handed.Length}), not the shard's range [{layout.Start(assignment.ShardIndex)}, +{layout.Length(assignment.ShardIndex)}).");
            }

            // From here on the state names this generation (its key and worker count), so that the checkpoint
            // stored below reactivates this shard, not the old one. Nothing else holds it: no snapshot is needed.
            handed.Reconfigure(assignment);
            ShardMetrics metrics = Metrics(handed);
            await WriteHeldAsync(checkpointId, handed, token);
            Core.Adopt(handed);
            Core.FailPulls(w => new InvalidOperationException(
                $"shard {Key}: attempt {w.Attempt} is not the shard's current attempt (none): the shard took over checkpoint {checkpointId} while the pull waited."));
            metrics.HandedOff(blob.Length);
            LogTookOver(_logger, Key, checkpointId, fromKey, handed.Version);
            return handed.Version;
        });
    }

    public async Task DiscardAsync()
    {
        await RunWithinTimeoutAsync("discarding the checkpoints", async token =>
        {
            BlobReference[] blobs = [.. _store.State.Checkpoints.Select(c => c.Blob), .. _unreferenced];
            await _store.ClearStateAsync(token);
            _held = [];
            _unreferenced.Clear();
            _lastTaken = null;
            await _blobs.DeleteQuietlyAsync(blobs, $"Shard {Key}", token);
            return true;
        });
        Core.Discard();
        Core.FailPulls(w => new InvalidOperationException($"shard {Key}: attempt {w.Attempt} ended: the shard was discarded while the pull waited."));
        LogDiscarded(_logger, Key);
        DeactivateOnIdle();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} took over checkpoint {Checkpoint} of {From} (version {Version})")]
    private static partial void LogTookOver(ILogger logger, string shard, long checkpoint, string from, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} discarded its checkpoints: its generation was superseded")]
    private static partial void LogDiscarded(ILogger logger, string shard);
}
