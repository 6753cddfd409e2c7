namespace OrleansML.Grains.Jobs;

/// <summary>
/// The persisted L-BFGS state (iterate, gradient, curvature pairs) as it stood after the last two rounds, each
/// tagged with its round. Two, because the coordinator writes this before its job record: if it dies in between,
/// the resumed coordinator takes the state that matches the record's completed rounds, and the loss history stays
/// in step with the iterate.
/// </summary>
[GenerateSerializer]
[Alias("OrleansML.LbfgsCheckpoint")]
public sealed class LbfgsCheckpoint
{
    /// <summary><see cref="Learning.Optimizers.LbfgsState.Serialize"/>'s bytes after round <see cref="Round"/>;
    /// empty before the first round.</summary>
    [Id(0)]
    public byte[] State { get; set; } = [];

    /// <summary>The round (epoch) <see cref="State"/> was taken after.</summary>
    [Id(1)]
    public int Round { get; set; }

    /// <summary>The state after <see cref="PreviousRound"/>, kept for a resume whose record is one round behind.</summary>
    [Id(2)]
    public byte[] PreviousState { get; set; } = [];

    /// <summary>The round of <see cref="PreviousState"/>.</summary>
    [Id(3)]
    public int PreviousRound { get; set; }

    /// <summary>The state after <paramref name="round"/>: empty for round 0 (start from the initial point), the
    /// newest state when neither kept one is that round's (a checkpoint written before rounds were tagged).</summary>
    public byte[] After(int round) =>
        Round == round && State.Length > 0 ? State
        : PreviousRound == round && PreviousState.Length > 0 ? PreviousState
        : round == 0 ? []
        : State;

    /// <summary>A checkpoint holding <paramref name="state"/> for <paramref name="round"/> and this one's newest as the previous.</summary>
    public LbfgsCheckpoint With(int round, byte[] state) => new()
    {
        State = state,
        Round = round,
        PreviousState = Round < round ? State : PreviousState,
        PreviousRound = Round < round ? Round : PreviousRound,
    };
}
