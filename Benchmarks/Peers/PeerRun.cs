using System.Globalization;

namespace OrleansML.Benchmarks.Peers;

/// <summary>One point of a peer's learning curve: after <see cref="Seconds"/> of training (evaluation excluded),
/// the held-out accuracy was <see cref="Accuracy"/>.</summary>
internal readonly record struct CurvePoint(int Epoch, double Seconds, double Accuracy);

/// <summary>
/// One peer's run of one task. The curve's seconds are cumulative training time unless each point was a fresh fit
/// (sklearn's lbfgs and ML.NET have no epochs: a point there is a whole fit with a larger budget, timed from scratch).
/// </summary>
internal sealed record PeerRun(string Peer, PeerTask Task, IReadOnlyList<CurvePoint> Curve, string? Note = null)
{
    /// <summary>Training seconds until the first point that reaches the task's target; null when none did.</summary>
    public double? SecondsToTarget => Curve.FirstOrDefault(p => p.Accuracy >= Task.Target()) is { Seconds: > 0 } hit ? hit.Seconds : null;

    public double FinalAccuracy => Curve.Count == 0 ? double.NaN : Curve[^1].Accuracy;

    /// <summary>The longest training time on the curve (what the run cost when the target was never reached).</summary>
    public double TotalSeconds => Curve.Count == 0 ? 0 : Curve.Max(p => p.Seconds);

    /// <summary>A curve from each epoch's training seconds and held-out accuracy, the seconds summed as training goes.</summary>
    public static List<CurvePoint> Cumulative(IEnumerable<(int Epoch, double Seconds, double Accuracy)> epochs)
    {
        double seconds = 0;
        return [.. epochs.Select(e => new CurvePoint(e.Epoch, seconds += e.Seconds, e.Accuracy))];
    }

    /// <summary>"accuracy by epoch 0.8201 0.8279 ...": where on the curve a peer crossed the target.</summary>
    public static string AccuracyByEpoch(IReadOnlyList<CurvePoint> curve) =>
        "accuracy by epoch " + string.Join(' ', curve.Select(p => p.Accuracy.ToString("F4", CultureInfo.InvariantCulture)));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Peer} {Task.Label()}: {(SecondsToTarget is double s ? $"{s:F2} s to {Task.Target():F3}" : $"never reached {Task.Target():F3} in {TotalSeconds:F1} s")}, final {FinalAccuracy:F4}");
}
