using OrleansML.Grains.Checkpoints;

namespace OrleansML.Grains.Shards;

/// <summary>Checkpoints: encoded into blobs of the silo's blob store, referred to by one small persistent state
/// (see <see cref="ShardCheckpointRecord"/> for what survives a crash).</summary>
internal sealed partial class ParameterShardGrain
{
    internal const string CheckpointExtension = ".omsc";

    /// <summary>The checkpoints storage holds, by ascending id (mirrors <c>_store.State</c>, less any found lost).</summary>
    private List<ShardCheckpointReference> _held = [];

    /// <summary>Blobs this activation wrote whose record write failed: deleted after the next successful one.</summary>
    private readonly List<BlobReference> _unreferenced = [];

    /// <summary>The last queued storage operation (see <see cref="RunExclusiveAsync"/>).</summary>
    private Task _storageTail = Task.CompletedTask;

    public Task CheckpointAsync(long checkpointId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(checkpointId);
        ShardState state = RequireState();
        // Encoded now, in this turn: the checkpoint is the state as of this call, whatever interleaves later.
        byte[] data = ShardCheckpoint.Encode(checkpointId, state);
        return RunExclusiveAsync(() => WriteHeldAsync(checkpointId, state.Version, data, state.Assignment));
    }

    public async Task<long> RestoreAsync(long checkpointId)
    {
        RequireState();
        long version = 0;
        // Queued behind any checkpoint being written (e.g. a BSP step's), so the coordinator can restore it.
        await RunExclusiveAsync(async () =>
        {
            ShardState restored = ShardCheckpoint.Decode(await ReadHeldAsync(checkpointId, purpose: null));
            ShardState current = Core.RequireState();
            ShardRequestChecks.CheckSameJob(restored.Assignment, current.Assignment, Key);
            // The settings the coordinator may change (workers, staleness, ...) stay as it last configured them.
            restored.Reconfigure(current.Assignment);
            Core.Adopt(restored);
            Core.FailPulls(w => new InvalidOperationException(
                $"shard {Key}: attempt {w.Attempt} is not the shard's current attempt (none): the shard was restored to checkpoint {checkpointId} while the pull waited."));
            LogRestored(_logger, Key, checkpointId, restored.Version);
            version = restored.Version;
        });
        return version;
    }

    /// <summary>The blob folder of this shard's checkpoints: <c>checkpoints/&lt;job&gt;/&lt;shard key&gt;</c>.</summary>
    internal static string CheckpointFolder(ShardAssignment assignment, string key) =>
        $"checkpoints/{CheckpointBlobs.Segment(assignment.JobId)}/{CheckpointBlobs.Segment(key)}";

    /// <summary>
    /// Reads held checkpoint <paramref name="checkpointId"/>'s bytes; call only inside <see cref="RunExclusiveAsync"/>.
    /// A checkpoint whose blob is missing or corrupt is dropped before the error propagates, so the shard stops
    /// listing it and the coordinator's next rollback picks an older checkpoint every shard holds.
    /// </summary>
    private async Task<byte[]> ReadHeldAsync(long checkpointId, string? purpose)
    {
        ShardCheckpointReference held = _held.Find(c => c.Id == checkpointId)
            ?? throw new InvalidOperationException(
                $"shard {Key} holds no checkpoint {checkpointId}{(purpose is null ? "" : " to " + purpose)}; it holds [{string.Join(", ", _held.Select(c => c.Id))}].");
        try
        {
            return await _blobs.ReadAsync(held.Blob);
        }
        catch (CheckpointBlobException e)
        {
            _held.Remove(held);
            LogLostCheckpoint(_logger, Key, checkpointId, e.Message);
            throw;
        }
    }

    /// <summary>
    /// Adds a checkpoint: writes its blob, then the record, then deletes the blobs no record refers to any more. Held
    /// ids at or above the new id are dropped: after a restore they belong to an abandoned run, and a reactivation
    /// must not load them as the newest. Call only inside <see cref="RunExclusiveAsync"/>.
    /// </summary>
    private async Task WriteHeldAsync(long checkpointId, long version, byte[] data, ShardAssignment assignment)
    {
        // Timed from the blob write: what a checkpoint costs is the blob plus the record.
        long started = _time.GetTimestamp();
        BlobReference blob = await _blobs.WriteAsync(CheckpointFolder(assignment, Key), checkpointId.ToString("D12", CultureInfo.InvariantCulture), CheckpointExtension, data);
        var written = new ShardCheckpointReference { Id = checkpointId, Version = version, Blob = blob };
        List<ShardCheckpointReference> next = [.. _held.Where(c => c.Id < checkpointId), written];
        if (next.Count > _options.CheckpointsKept)
        {
            next.RemoveRange(0, next.Count - _options.CheckpointsKept);
        }

        ShardCheckpointRecord previous = _store.State;
        _store.State = new ShardCheckpointRecord { Checkpoints = next };
        try
        {
            await _store.WriteStateAsync();
            // A hand-off into an empty shard has no state yet, but has made its instruments.
            (Core.State is { } live ? Metrics(live) : _metrics)?.Checkpointed(_time.GetElapsedTime(started).TotalSeconds);
        }
        catch
        {
            // The write may have failed after all: the blob stays until a later record is known not to refer to it.
            _store.State = previous;
            _unreferenced.Add(blob);
            throw;
        }

        _held = next;
        HashSet<string> kept = [.. next.Select(c => c.Blob.Name)];
        BlobReference[] garbage = [.. previous.Checkpoints.Select(c => c.Blob).Concat(_unreferenced).Where(b => !kept.Contains(b.Name))];
        _unreferenced.Clear();
        await _blobs.DeleteQuietlyAsync(garbage, $"Shard {Key}");
        LogCheckpointed(_logger, Key, checkpointId, version, data.Length, next.Count, next[0].Id);
    }

    /// <summary>Loads the newest held checkpoint whose blob is intact; the lost ones above it are dropped and
    /// logged. A store that cannot be reached fails the activation (a retry may find it), dropping nothing.</summary>
    private async Task LoadNewestCheckpointAsync(CancellationToken cancellationToken)
    {
        _held = [.. _store.State.Checkpoints.OrderBy(c => c.Id)];
        while (_held.Count > 0)
        {
            ShardCheckpointReference newest = _held[^1];
            try
            {
                ShardState loaded = ShardCheckpoint.Decode(await _blobs.ReadAsync(newest.Blob, cancellationToken));
                Core.Adopt(loaded);
                LogReactivated(_logger, Key, newest.Id, loaded.Version);
                return;
            }
            catch (Exception e) when (e is CheckpointBlobException or FormatException)
            {
                _held.RemoveAt(_held.Count - 1);
                LogLostCheckpoint(_logger, Key, newest.Id, e.Message);
            }
        }
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
}
