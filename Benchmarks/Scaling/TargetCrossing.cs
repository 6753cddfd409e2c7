namespace OrleansML.Benchmarks.Scaling;

/// <summary>
/// Where a training curve first reaches a target accuracy. Accuracy is only known at epoch ends, so besides the
/// whole epoch (<see cref="Epoch"/>, <see cref="EpochSeconds"/>) the crossing is interpolated linearly between the
/// last epoch below the target and the first at it (<see cref="Epochs"/>, <see cref="Seconds"/>): near a target
/// the curve is flat, and whole epochs would turn an accuracy 0.0002 short into a whole epoch's error.
/// </summary>
internal sealed record TargetCrossing(int Epoch, double EpochSeconds, double Epochs, double Seconds)
{
    /// <summary>The crossing of <paramref name="curve"/> (per epoch, in order: training seconds and held-out
    /// accuracy), or null if it never reaches <paramref name="target"/>.</summary>
    public static TargetCrossing? Find(IReadOnlyList<(double Seconds, double Accuracy)> curve, double target)
    {
        double before = 0;
        for (int i = 0; i < curve.Count; i++)
        {
            double after = before + curve[i].Seconds;
            if (curve[i].Accuracy >= target)
            {
                double fraction = i == 0 ? 1 : Math.Clamp((target - curve[i - 1].Accuracy) / (curve[i].Accuracy - curve[i - 1].Accuracy), 0, 1);
                return new TargetCrossing(i + 1, after, i + fraction, before + (fraction * curve[i].Seconds));
            }

            before = after;
        }

        return null;
    }
}
