namespace OrleansML.Benchmarks.Scaling;

/// <summary>One measured set-up: a cluster of <see cref="Silos"/> silo processes, its links shaped to
/// <see cref="RateBitsPerSecond"/> (null: unshaped), trained at the demo's settings.</summary>
/// <param name="ParallelCores">Cores this machine gave two plain threads just before the run.</param>
/// <param name="Link">The probes' figures between silo 0 and silo 1 (null with one silo).</param>
/// <param name="StepSeconds">Training time per step (epochs' seconds over their steps).</param>
/// <param name="SecondsToTarget">Training time to the first epoch at the target, or null if none reached it.</param>
/// <param name="EpochsToTarget">That epoch.</param>
/// <param name="FinalAccuracy">The last epoch's held-out accuracy.</param>
internal sealed record ScalingRun(
    int Silos,
    long? RateBitsPerSecond,
    double ParallelCores,
    LinkFigures? Link,
    double StepSeconds,
    double? SecondsToTarget,
    int? EpochsToTarget,
    double FinalAccuracy)
{
    /// <summary>The set-up's name in the output and the last line: silos2, silos2_200mbit, ...</summary>
    public string Label => RateBitsPerSecond is { } rate ? $"silos{Silos}_{rate / 1_000_000}mbit" : $"silos{Silos}";

    /// <summary>The medians of several rounds of one set-up.</summary>
    public static ScalingRun Median(IReadOnlyList<ScalingRun> rounds)
    {
        ScalingRun first = rounds[0];
        double? Optional(Func<ScalingRun, double?> pick) =>
            rounds.All(r => pick(r) is not null) ? Measurement.Median(rounds.Select(r => pick(r)!.Value)) : null;
        LinkFigures? link = first.Link is null ? null : new LinkFigures(
            Measurement.Median(rounds.Select(r => r.Link!.RoundTripSeconds)),
            Measurement.Median(rounds.Select(r => r.Link!.MessageSeconds)),
            Measurement.Median(rounds.Select(r => r.Link!.SecondsPerByte)));
        return first with
        {
            ParallelCores = Measurement.Median(rounds.Select(r => r.ParallelCores)),
            Link = link,
            StepSeconds = Measurement.Median(rounds.Select(r => r.StepSeconds)),
            SecondsToTarget = Optional(r => r.SecondsToTarget),
            EpochsToTarget = Optional(r => r.EpochsToTarget) is { } e ? (int)Math.Round(e) : null,
            FinalAccuracy = Measurement.Median(rounds.Select(r => r.FinalAccuracy)),
        };
    }
}
