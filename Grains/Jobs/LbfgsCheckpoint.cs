using OrleansML.Grains.Checkpoints;

namespace OrleansML.Grains.Jobs;

/// <summary>
/// The persisted L-BFGS state (iterate, gradient, curvature pairs) as it stood after the last two rounds, each
/// tagged with its round. Two, because the coordinator writes this before its job record: if it dies in between,
/// the resumed coordinator takes the state that matches the record's completed rounds, and the loss history stays
/// in step with the iterate.
/// </summary>
/// <remarks>
/// The states themselves (megabytes of doubles) are blobs of the silo's blob store; this record holds their
/// references, with length and CRC-32C. Guarantee: a round's blob is written before the record that refers to it
/// and is never overwritten, so after a crash at any point the resumed coordinator reads back exactly the state of
/// the round its job record counts; a blob lost from the store fails the job with an error naming the blob.
/// </remarks>
[GenerateSerializer]
[Alias("OrleansML.LbfgsCheckpoint")]
public sealed class LbfgsCheckpoint
{
    /// <summary>The blob of <see cref="Learning.Optimizers.LbfgsState.Serialize"/>'s bytes after round
    /// <see cref="Round"/>; null before the first round. Ids 4 and 5, not 0 and 2: a record that held the bytes
    /// themselves then reads as holding no state.</summary>
    [Id(4)]
    public BlobReference? State { get; set; }

    /// <summary>The round (epoch) <see cref="State"/> was taken after.</summary>
    [Id(1)]
    public int Round { get; set; }

    /// <summary>The state after <see cref="PreviousRound"/>, kept for a resume whose record is one round behind.</summary>
    [Id(5)]
    public BlobReference? PreviousState { get; set; }

    [Id(3)]
    public int PreviousRound { get; set; }

    public IEnumerable<BlobReference> Blobs => new[] { State, PreviousState }.OfType<BlobReference>();

    /// <summary>The state after <paramref name="round"/>: null for round 0 (start from the initial point), the
    /// newest state when neither kept one is that round's.</summary>
    public BlobReference? After(int round) =>
        Round == round && State is not null ? State
        : PreviousRound == round && PreviousState is not null ? PreviousState
        : round == 0 ? null
        : State;

    /// <summary>A checkpoint holding <paramref name="state"/> for <paramref name="round"/> and this one's newest as the previous.</summary>
    public LbfgsCheckpoint With(int round, BlobReference state) => new()
    {
        State = state,
        Round = round,
        PreviousState = Round < round ? State : PreviousState,
        PreviousRound = Round < round ? Round : PreviousRound,
    };
}
