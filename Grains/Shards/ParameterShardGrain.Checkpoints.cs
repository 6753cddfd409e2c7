using OrleansML.Grains.Checkpoints;

namespace OrleansML.Grains.Shards;

/// <summary>Checkpoints: streamed into blobs of the silo's blob store, referred to by one small persistent state
/// (see <see cref="ShardCheckpointRecord"/> for what survives a crash).</summary>
internal sealed partial class ParameterShardGrain
{
    internal const string CheckpointExtension = ".omsc";

    /// <summary>The checkpoints storage holds, by ascending id (mirrors <c>_store.State</c>, less any found lost).</summary>
    private List<ShardCheckpointReference> _held = [];

    /// <summary>Blobs this activation wrote whose record write failed: deleted after the next successful one.</summary>
    private readonly List<BlobReference> _unreferenced = [];

    /// <summary>The last queued storage operation (see <see cref="RunExclusiveAsync{T}"/>).</summary>
    private Task _storageTail = Task.CompletedTask;

    /// <summary>The newest checkpoint call's write and the state it was taken of, so that a repeat joins it.</summary>
    private TakenCheckpoint? _lastTaken;

    public Task CheckpointAsync(long checkpointId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(checkpointId);
        ShardState state = RequireState();
        string what = $"checkpoint {checkpointId}";
        if (_lastTaken is { } last && last.CoversRepeat(checkpointId, state, _held))
        {
            // A retry (say, after the caller's timeout) of a write that is under way or done: a second snapshot
            // would double the memory, and a second blob of the same state would only replace the first.
            LogCheckpointRepeated(_logger, Key, checkpointId);
            return WaitWithinAsync(last.Write, new CancellationTokenSource(_options.CheckpointTimeout, _time), what);
        }

        // Copied now, in this turn: the checkpoint is the state as of this call, whatever interleaves later.
        ShardState snapshot = ShardCheckpoint.Snapshot(state);
        var deadline = new CancellationTokenSource(_options.CheckpointTimeout, _time);
        Task<bool> write = RunExclusiveAsync(token => WriteHeldAsync(checkpointId, snapshot, token), deadline.Token);
        _lastTaken = new TakenCheckpoint(checkpointId, state, state.Version, state.UpdateCount, state.Assignment, write);
        return WaitWithinAsync(write, deadline, what);
    }

    public Task<long> RestoreAsync(long checkpointId)
    {
        RequireState();
        // Queued behind any checkpoint being written (e.g. a BSP step's), so the coordinator can restore it.
        return RunWithinTimeoutAsync($"restoring checkpoint {checkpointId}", async token =>
        {
            (_, ShardState restored) = await ReadHeldAsync(checkpointId, purpose: null, token);
            ShardState current = Core.RequireState();
            ShardRequestChecks.CheckSameJob(restored.Assignment, current.Assignment, Key);
            // The settings the coordinator may change (workers, staleness, ...) stay as it last configured them.
            restored.Reconfigure(current.Assignment);
            Core.Adopt(restored);
            Core.FailPulls(w => new InvalidOperationException(
                $"shard {Key}: attempt {w.Attempt} is not the shard's current attempt (none): the shard was restored to checkpoint {checkpointId} while the pull waited."));
            LogRestored(_logger, Key, checkpointId, restored.Version);
            return restored.Version;
        });
    }

    /// <summary>The blob folder of this shard's checkpoints: <c>checkpoints/&lt;job&gt;/&lt;shard key&gt;</c>.</summary>
    internal static string CheckpointFolder(ShardAssignment assignment, string key) =>
        $"checkpoints/{CheckpointBlobs.Segment(assignment.JobId)}/{CheckpointBlobs.Segment(key)}";

    /// <summary>Streams a checkpoint blob into a state; the blob's length and CRC-32C are proven before it is returned.</summary>
    private Task<(long Id, ShardState State)> DecodeBlobAsync(BlobReference blob, CancellationToken cancellationToken) =>
        _blobs.ReadAsync(blob, (stream, token) => ShardCheckpoint.DecodeAsync(stream, blob.Length, _options.CheckpointBufferBytes, token), cancellationToken);

    /// <summary>
    /// Reads held checkpoint <paramref name="checkpointId"/>; call only inside <see cref="RunExclusiveAsync{T}"/>.
    /// A checkpoint whose blob is missing or corrupt is dropped before the error propagates, so the shard stops
    /// listing it and the coordinator's next rollback picks an older checkpoint every shard holds.
    /// </summary>
    private async Task<(long Id, ShardState State)> ReadHeldAsync(long checkpointId, string? purpose, CancellationToken cancellationToken)
    {
        ShardCheckpointReference held = _held.Find(c => c.Id == checkpointId)
            ?? throw new InvalidOperationException(
                $"shard {Key} holds no checkpoint {checkpointId}{(purpose is null ? "" : " to " + purpose)}; it holds [{string.Join(", ", _held.Select(c => c.Id))}].");
        try
        {
            return await DecodeBlobAsync(held.Blob, cancellationToken);
        }
        catch (CheckpointBlobException e)
        {
            _held.Remove(held);
            LogLostCheckpoint(_logger, Key, checkpointId, e.Message);
            throw;
        }
    }

    /// <summary>
    /// Adds a checkpoint of <paramref name="state"/> (which must not change meanwhile): streams its blob, writes the
    /// record, then deletes the blobs no record refers to any more. Held ids at or above the new id are dropped: after
    /// a restore they belong to an abandoned run, and a reactivation must not load them as the newest. Call only
    /// inside <see cref="RunExclusiveAsync{T}"/>; <paramref name="cancellationToken"/> stops the blob write only.
    /// </summary>
    private async Task<bool> WriteHeldAsync(long checkpointId, ShardState state, CancellationToken cancellationToken)
    {
        // Timed from the blob write: what a checkpoint costs is the blob plus the record.
        long started = _time.GetTimestamp();
        BlobReference blob = await _blobs.WriteAsync(
            CheckpointFolder(state.Assignment, Key),
            checkpointId.ToString("D12", CultureInfo.InvariantCulture),
            CheckpointExtension,
            (stream, token) => ShardCheckpoint.EncodeAsync(stream, checkpointId, state, _options.CheckpointBufferBytes, token),
            cancellationToken);
        var written = new ShardCheckpointReference { Id = checkpointId, Version = state.Version, Blob = blob };
        List<ShardCheckpointReference> next = [.. _held.Where(c => c.Id < checkpointId), written];
        if (next.Count > _options.CheckpointsKept)
        {
            next.RemoveRange(0, next.Count - _options.CheckpointsKept);
        }

        ShardCheckpointRecord previous = _store.State;
        _store.State = new ShardCheckpointRecord { Checkpoints = next };
        try
        {
            // Not cancelled: a record write stopped midway would leave it unknown which record storage holds.
            await _store.WriteStateAsync(CancellationToken.None);
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
        // The checkpoint is stored: a deadline firing now must not fail it, so garbage is deleted regardless.
        await _blobs.DeleteQuietlyAsync(garbage, $"Shard {Key}", CancellationToken.None);
        LogCheckpointed(_logger, Key, checkpointId, state.Version, blob.Length, next.Count, next[0].Id);
        return true;
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
                (_, ShardState loaded) = await DecodeBlobAsync(newest.Blob, cancellationToken);
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

    /// <summary>Runs <paramref name="work"/> as a storage operation (see <see cref="RunExclusiveAsync{T}"/>) that
    /// must end within <see cref="ParameterShardOptions.CheckpointTimeout"/> of now.</summary>
    private Task<T> RunWithinTimeoutAsync<T>(string what, Func<CancellationToken, Task<T>> work)
    {
        var deadline = new CancellationTokenSource(_options.CheckpointTimeout, _time);
        return WaitWithinAsync(RunExclusiveAsync(work, deadline.Token), deadline, what);
    }

    /// <summary>Waits for <paramref name="running"/> until <paramref name="deadline"/> fires (which also cancels its I/O),
    /// then disposes the deadline.</summary>
    private async Task<T> WaitWithinAsync<T>(Task<T> running, CancellationTokenSource deadline, string what)
    {
        try
        {
            return await running.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"shard {Key}: {what} did not finish within ParameterShardOptions.CheckpointTimeout ({_options.CheckpointTimeout}); the blob store ({_blobs.Store.Location}) may be slow or unreachable.");
        }
        finally
        {
            deadline.Dispose();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> after every storage operation queued before it (one at a time, so two writes
    /// never race on the ETag). A failed operation fails only its own caller. <paramref name="cancellationToken"/>
    /// skips the work if it fires while the work waits its turn, and is passed to the work.
    /// </summary>
    private Task<T> RunExclusiveAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        Task previous = _storageTail;
        Task<T> current = RunAfterAsync(previous, work, cancellationToken);
        _storageTail = current;
        return current;

        static async Task<T> RunAfterAsync(Task previous, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
        {
            await Task.WhenAny(previous); // never throws: the previous caller sees its own error
            cancellationToken.ThrowIfCancellationRequested();
            return await work(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} was asked again for checkpoint {Checkpoint} of an unchanged state: the first write serves both")]
    private static partial void LogCheckpointRepeated(ILogger logger, string shard, long checkpoint);

    /// <summary>A checkpoint call's write and the live state it was taken of (by identity and counters).</summary>
    private sealed record TakenCheckpoint(long Id, ShardState State, long Version, long UpdateCount, ShardAssignment Assignment, Task<bool> Write)
    {
        /// <summary>Whether a call for <paramref name="id"/> on <paramref name="live"/> would write the same checkpoint
        /// again: same id, no push applied nor state adopted since, and the write is under way or held.</summary>
        public bool CoversRepeat(long id, ShardState live, List<ShardCheckpointReference> held) =>
            id == Id && ReferenceEquals(live, State) && live.Version == Version && live.UpdateCount == UpdateCount && live.Assignment == Assignment
            && !Write.IsFaulted && !Write.IsCanceled && (!Write.IsCompleted || held.Exists(c => c.Id == id));
    }
}
