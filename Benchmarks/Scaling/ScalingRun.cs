namespace OrleansML.Benchmarks.Scaling;

/// <summary>One measured set-up: a cluster of <see cref="Silos"/> silo processes, its links shaped to
/// <see cref="RateBitsPerSecond"/> (null: unshaped), trained at the demo's settings.</summary>
/// <param name="ParallelCores">Cores this machine gave two plain threads just before the run.</param>
/// <param name="SecondsPerRow">One thread's softmax compute per row just before the run.</param>
/// <param name="ComputePerStep">The workers' own gradient time per step in the run (mean over workers).</param>
/// <param name="Link">The probes' figures between silo 0 and silo 1 (null with one silo).</param>
/// <param name="StepSeconds">Training time per step (epochs' seconds over their steps).</param>
/// <param name="Crossing">Where the run reached the target, or null if it never did.</param>
/// <param name="FinalAccuracy">The last epoch's held-out accuracy.</param>
internal sealed record ScalingRun(
    int Silos,
    long? RateBitsPerSecond,
    double ParallelCores,
    double SecondsPerRow,
    double ComputePerStep,
    LinkFigures? Link,
    double StepSeconds,
    TargetCrossing? Crossing,
    double FinalAccuracy)
{
    /// <summary>The set-up's name in the output and the last line: silos2, silos2_200mbit, ...</summary>
    public string Label => LabelOf(Silos, RateBitsPerSecond);

    /// <summary>The name of the set-up of <paramref name="silos"/> silos on links shaped to <paramref name="rate"/>.</summary>
    public static string LabelOf(int silos, long? rate) => rate is { } r ? $"silos{silos}_{r / 1_000_000}mbit" : $"silos{silos}";

    public static ScalingRun Median(IReadOnlyList<ScalingRun> rounds)
    {
        ScalingRun first = rounds[0];
        TargetCrossing? crossing = rounds.All(r => r.Crossing is not null) ? new TargetCrossing(
            (int)Math.Round(Measurement.Median(rounds.Select(r => (double)r.Crossing!.Epoch))),
            Measurement.Median(rounds.Select(r => r.Crossing!.EpochSeconds)),
            Measurement.Median(rounds.Select(r => r.Crossing!.Epochs)),
            Measurement.Median(rounds.Select(r => r.Crossing!.Seconds))) : null;
        LinkFigures? link = first.Link is null ? null : new LinkFigures(
            Measurement.Median(rounds.Select(r => r.Link!.RoundTripSeconds)),
            Measurement.Median(rounds.Select(r => r.Link!.MessageSeconds)),
            Measurement.Median(rounds.Select(r => r.Link!.SecondsPerByte)));
        return first with
        {
            ParallelCores = Measurement.Median(rounds.Select(r => r.ParallelCores)),
            SecondsPerRow = Measurement.Median(rounds.Select(r => r.SecondsPerRow)),
            ComputePerStep = Measurement.Median(rounds.Select(r => r.ComputePerStep)),
            Link = link,
            StepSeconds = Measurement.Median(rounds.Select(r => r.StepSeconds)),
            Crossing = crossing,
            FinalAccuracy = Measurement.Median(rounds.Select(r => r.FinalAccuracy)),
        };
    }
}
