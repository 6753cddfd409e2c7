namespace OrleansML.Shards;

/// <summary>
/// One contiguous slice of a job's model (key: <see cref="ShardLayout.ShardKey"/>), placed spread across silos.
/// It applies the optimizer to the pushes it receives, serves pulls, and checkpoints to the blob store.
/// </summary>
/// <remarks>
/// Guarantees:
/// <list type="bullet">
/// <item>Pushes are idempotent by (worker, step): a duplicate changes nothing and returns
/// <see cref="PushOutcome.Duplicate"/>.</item>
/// <item>Requests carry the coordinator's attempt token; after <see cref="BeginAsync"/> with a new attempt
/// (or a restore, or a reactivation), requests of another attempt fail at once and pulls waiting under the
/// old attempt fail too. So no worker of an abandoned attempt can change the model, and none hangs.</item>
/// <item>A checkpoint covers the parameters, the optimizer state, the version and the per-worker clocks. On
/// reactivation the shard loads its newest checkpoint and refuses work until the coordinator begins an
/// attempt.</item>
/// </list>
/// <para>
/// Checkpoint, restore and hand-off calls move a whole shard through the blob store: gigabytes for a large hashed
/// model, longer than Orleans' <c>ResponseTimeout</c> (30 s by default) on a loaded machine. They carry
/// <c>[ResponseTimeout]</c> of <see cref="LongCallResponseTimeout"/>, and the shard bounds them itself, with a clear
/// error, by its <c>CheckpointTimeout</c> option (at most 50 min). The attribute's value is fixed when the grain
/// interface is compiled (Orleans' code generator parses it), and it replaces the configured timeout for these
/// methods, whether longer or shorter: hence a constant well above the option's range.
/// </para>
/// </remarks>
[Alias("OrleansML.IParameterShardGrain")]
public interface IParameterShardGrain : IGrainWithStringKey
{
    /// <summary>The response timeout of the calls that move a whole shard through the blob store.</summary>
    public const string LongCallResponseTimeout = "01:00:00";

    /// <summary>Sets what the shard holds. The first call initialises the parameters (or loads the newest
    /// checkpoint from storage); later calls may change only the worker count and the mode's settings.</summary>
    Task<ShardStats> ConfigureAsync(ShardAssignment assignment);

    /// <summary>Starts attempt <paramref name="attempt"/> (attempts only grow): pending pulls of older attempts
    /// fail. Returns the shard's version.</summary>
    Task<long> BeginAsync(long attempt);

    /// <summary>Fails every pending pull and refuses work until the next <see cref="BeginAsync"/>.</summary>
    Task AbortAsync(string reason);

    /// <summary>Parameters, once the consistency mode allows (see <see cref="PullRequest"/>).</summary>
    Task<ParameterSlice> PullAsync(PullRequest request);

    /// <summary>Applies, buffers, or drops a push (see <see cref="PushOutcome"/>).</summary>
    Task<PushOutcome> PushAsync(GradientPush push);

    /// <summary>
    /// <see cref="PushAsync"/> then <see cref="PullAsync"/> in one call: a worker's push of step s and its pull of
    /// step s + 1 take one message each way instead of two, and the pull always sees the push. Each part keeps its
    /// own guarantees: the push is idempotent and stays applied if the pull then fails (an attempt change, the
    /// wait's timeout), so a retry's repeat of it is a duplicate.
    /// </summary>
    /// <exception cref="ArgumentException">The two requests are not the same worker's of the same attempt.</exception>
    Task<PushPullResult> PushThenPullAsync(GradientPush push, PullRequest pull);

    /// <summary>Writes a checkpoint with id <paramref name="checkpointId"/> (the job's global step) of the shard's
    /// state as of this call, and keeps the newest few. A repeat for the same id while the state has not changed
    /// (a retry) joins or reuses the first write rather than writing the shard again.</summary>
    /// <exception cref="TimeoutException">The write did not finish within the shard's <c>CheckpointTimeout</c>.</exception>
    [ResponseTimeout(LongCallResponseTimeout)]
    Task CheckpointAsync(long checkpointId);

    /// <summary>Loads checkpoint <paramref name="checkpointId"/> as the live state and returns its version.</summary>
    /// <exception cref="InvalidOperationException">No checkpoint has that id.</exception>
    [ResponseTimeout(LongCallResponseTimeout)]
    Task<long> RestoreAsync(long checkpointId);

    /// <summary>The shard's counters, including the checkpoint ids it holds.</summary>
    Task<ShardStats> GetStatsAsync();

    /// <summary>The whole slice as it is now (no waiting, any attempt), for slices that fit one message.</summary>
    /// <exception cref="InvalidOperationException">The slice is larger than <c>OrleansML:Transfer:MaxMessageBytes</c>:
    /// read it with <see cref="ReadParameterRangeAsync"/>.</exception>
    Task<FloatTensor> ReadParametersAsync();

    /// <summary>Parameters <c>[offset, offset + count)</c> of the slice (offsets relative to the slice's start) as they
    /// are now; <paramref name="count"/> is at most the floats of one message (<c>OrleansML:Transfer:MaxMessageBytes</c>).</summary>
    Task<FloatTensor> ReadParameterRangeAsync(int offset, int count);

    /// <summary>Overwrites the slice (L-BFGS keeps its iterate here) and sets the version, for slices that fit one
    /// message (otherwise see <see cref="WriteParameterRangeAsync"/>).</summary>
    Task WriteParametersAsync(FloatTensor values, long version);

    /// <summary>
    /// Stages <paramref name="values"/> at <paramref name="offset"/> (relative to the slice's start) of a new slice
    /// for <paramref name="version"/>; nothing changes the live parameters until <see cref="CommitParametersAsync"/>.
    /// Ranges of one version go in order, each starting at or before the end of those staged so far (a repeat is
    /// harmless); a range of another version discards what was staged. Staging lives in memory only: a
    /// reactivated shard has none, and the commit then fails.
    /// </summary>
    Task WriteParameterRangeAsync(long version, int offset, FloatTensor values);

    /// <summary>Makes the slice staged for <paramref name="version"/> live and sets the version, as
    /// <see cref="WriteParametersAsync"/> does. A slice is committed only whole: a half-written one is never used.</summary>
    /// <exception cref="InvalidOperationException">Nothing, or not the whole slice, is staged for that version.</exception>
    Task CommitParametersAsync(long version);

    /// <summary>Deactivates the shard once idle, so its next call places it again (elastic rebalancing). Call
    /// only right after a checkpoint: the next activation starts from it.</summary>
    Task RetireAsync();

    /// <summary>Where checkpoint <paramref name="checkpointId"/> is stored (its blob, length and CRC-32C), for
    /// <see cref="TakeOverAsync"/> by the shard of the next generation, which reads the blob itself: a checkpoint can be
    /// far larger than a message.</summary>
    /// <exception cref="InvalidOperationException">No checkpoint has that id.</exception>
    [ResponseTimeout(LongCallResponseTimeout)]
    Task<CheckpointLocation> LocateCheckpointAsync(long checkpointId);

    /// <summary>
    /// Elastic hand-off: makes this shard (of generation <c>assignment.Generation</c>) continue exactly from
    /// checkpoint <paramref name="checkpointId"/> of the same shard of generation <paramref name="fromGeneration"/>,
    /// which it reads from the blob store (only the blob's name crosses shard to shard): parameters, optimizer state, version, worker clocks and push history. The
    /// checkpoint is stored under this shard's key before the call returns, and the shard refuses work until an
    /// attempt begins. Repeating the call is harmless; it is refused once this shard holds a newer checkpoint
    /// (a newer coordinator has trained on it). Returns the version.
    /// </summary>
    [ResponseTimeout(LongCallResponseTimeout)]
    Task<long> TakeOverAsync(ShardAssignment assignment, int fromGeneration, long checkpointId);

    /// <summary>Deletes the shard's stored checkpoints and deactivates it: for a shard whose generation was
    /// superseded (its state handed off and the job's record names the new generation).</summary>
    [ResponseTimeout(LongCallResponseTimeout)]
    Task DiscardAsync();
}
