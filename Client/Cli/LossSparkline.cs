namespace OrleansML.Cli;

/// <summary>
/// The training loss per epoch as one line of block characters, lowest loss at the bottom block:
/// <c>loss 0.6931 ▇▅▃▂▁ 0.3120 (epochs 1-5)</c>. Longer runs than the width are drawn as the mean of consecutive
/// epochs per character; a non-finite loss (a diverged epoch) is drawn as <c>!</c>.
/// </summary>
internal static class LossSparkline
{
    public const string Blocks = "▁▂▃▄▅▆▇█";

    /// <summary>The characters the curve may use when <c>width</c> is not given.</summary>
    public const int DefaultWidth = 60;

    /// <summary>The curve's line, or null with fewer than two epochs (no curve to draw).</summary>
    public static string? Render(IReadOnlyList<EpochMetrics> history, int width = DefaultWidth)
    {
        if (Curve(history, width) is not (string curve, double low))
        {
            return null;
        }

        double first = history[0].TrainLoss, last = history[^1].TrainLoss;
        return string.Create(CultureInfo.InvariantCulture,
            $"loss {first:F4} {curve} {last:F4} (epochs {history[0].Epoch}-{history[^1].Epoch}, min {low:F4})");
    }

    /// <summary>The blocks alone and the lowest loss drawn, or null with fewer than two epochs.</summary>
    public static (string Blocks, double Low)? Curve(IReadOnlyList<EpochMetrics> history, int width = DefaultWidth)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 2);
        if (history.Count < 2)
        {
            return null;
        }

        double[] values = Bucket(history, width);
        double[] finite = [.. values.Where(double.IsFinite)];
        double low = finite.Length == 0 ? 0 : finite.Min();
        double high = finite.Length == 0 ? 0 : finite.Max();
        var line = new char[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double value = values[i];
            line[i] = !double.IsFinite(value)
                ? '!'
                : high == low ? Blocks[Blocks.Length / 2] : Blocks[(int)Math.Round((value - low) / (high - low) * (Blocks.Length - 1))];
        }

        return (new string(line), low);
    }

    // Each character is the mean of an equal share of the epochs (the last share may be shorter).
    private static double[] Bucket(IReadOnlyList<EpochMetrics> history, int width)
    {
        int buckets = Math.Min(width, history.Count);
        var values = new double[buckets];
        for (int b = 0; b < buckets; b++)
        {
            int start = b * history.Count / buckets, end = (b + 1) * history.Count / buckets;
            double sum = 0;
            for (int i = start; i < end; i++)
            {
                sum += history[i].TrainLoss;
            }

            values[b] = sum / (end - start);
        }

        return values;
    }
}
