using OrleansML.Benchmarks.Peers;
using OrleansML.Learning.Data;
using OrleansML.Learning.Training;

namespace OrleansML.Benchmarks.Scaling;

/// <summary>What one thread measures: a model's compute per row and the epochs its sequential run needs to reach a
/// target (BSP's statistical equivalent: a BSP run equals a single-thread run on the union of the workers' batches).</summary>
/// <param name="SecondsPerRow">Median over epochs of training time per row, warm, no evaluation.</param>
/// <param name="Crossing">Where its held-out accuracy reached the target, or null if it never did.</param>
internal sealed record LocalFigures(double SecondsPerRow, TargetCrossing? Crossing);

/// <summary>Measurements on plain threads (no cluster) at the demo's settings (<see cref="OrleansMLSettings"/>).</summary>
internal static class LocalCalibration
{
    public static LocalFigures Measure(PeerTask task, DenseDataset train, DenseDataset test, double target)
    {
        LocalTrainerOptions options = OrleansMLSettings.LocalOptions(train.RowCount);

        // A fresh process's first epoch runs largely in unoptimised JIT code.
        new LocalTrainer(OrleansMLSettings.Model(task).Create(), options with { Epochs = 1, EvaluateEachEpoch = false }).Train(train);
        TrainingResult result = new LocalTrainer(OrleansMLSettings.Model(task).Create(), options).Train(train, test);
        double perRow = Measurement.Median(result.Epochs.Select(e => e.TrainingTime.TotalSeconds / e.ExamplesProcessed));
        return new LocalFigures(perRow, TargetCrossing.Find([.. result.Epochs.Select(e => (e.TrainingTime.TotalSeconds, e.Test?.Accuracy?.Value ?? 0))], target));
    }

    /// <summary>
    /// Cores this process can use at once right now: two plain threads each train one epoch of softmax on half the
    /// rows, against one thread on all of them; the ratio of their rates (1 to 2 on this machine, less when others
    /// load it). Saved and printed with each set-up; the model does not use it (ScalingFit says why). The one thread's time
    /// per row is returned too: compute per row under this moment's load. Both are medians of three alternating pairs.
    /// </summary>
    private const int CpuPairs = 3;

    public static (double Cores, double SecondsPerRow) CpuNow(DenseDataset train)
    {
        LocalTrainerOptions options = OrleansMLSettings.LocalOptions(train.RowCount) with { Epochs = 1, ReshuffleRowsEachEpoch = false, EvaluateEachEpoch = false };
        double Seconds(DenseDataset part, LocalTrainerOptions o) =>
            new LocalTrainer(OrleansMLSettings.Model(PeerTask.Softmax).Create(), o).Train(part).Epochs.Sum(e => e.TrainingTime.TotalSeconds);

        // Three alternating pairs and their medians: one pair takes 0.1-0.3 s, and at load 25 a single pair read 1.00
        // and 2.00 for the same set-up in consecutive rounds.
        var ratios = new double[CpuPairs];
        var ones = new double[CpuPairs];
        for (int pair = 0; pair < CpuPairs; pair++)
        {
            ones[pair] = Seconds(train, options);
            double two = TwoThreads.HalvesSeconds(train, part => Seconds(part, options with { BatchSize = OrleansMLSettings.BatchSize / 2 }));
            ratios[pair] = ones[pair] / two;
        }

        return (Math.Clamp(Measurement.Median(ratios), 1.0, Environment.ProcessorCount), Measurement.Median(ones) / train.RowCount);
    }
}
