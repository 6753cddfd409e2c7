namespace OrleansML.Grains.Workers;

/// <summary>
/// A model-averaging worker's persistent state: its local optimizer's moments (momentum, AdaGrad, Adam, FTRL
/// buffers) as they stood at the end of its last two epochs, so that a retried epoch (after the worker's silo died,
/// or after a failed attempt) starts from exactly the moments the undisturbed run had. Two, because a worker can
/// save the end of an epoch and die before the coordinator checkpoints the shards there: the retry then starts
/// from the end of the epoch before.
/// </summary>
[GenerateSerializer]
[Alias("OrleansML.LocalOptimizerRecord")]
internal sealed class LocalOptimizerRecord
{
    public const int Kept = 2;

    /// <summary>Global step (the first step of the next epoch) and encoded moments
    /// (<see cref="Learning.Optimizers.OptimizerState.Serialize"/>), oldest first.</summary>
    [Id(0)]
    public List<(long Step, byte[] State)> Saved { get; init; } = [];

    /// <summary>The moments saved for <paramref name="step"/>, or null.</summary>
    public byte[]? Find(long step) => Saved.FindLast(s => s.Step == step).State;

    /// <summary>A record with <paramref name="state"/> saved for <paramref name="step"/>, keeping the newest <see cref="Kept"/>.</summary>
    public LocalOptimizerRecord With(long step, byte[] state) =>
        new() { Saved = [.. Saved.Where(s => s.Step < step).TakeLast(Kept - 1), (step, state)] };
}
