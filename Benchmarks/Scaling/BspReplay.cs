using OrleansML.Benchmarks.Peers;
using OrleansML.Learning.Data;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Metrics;
using OrleansML.Learning.Models;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Benchmarks.Scaling;

/// <summary>
/// The epochs a BSP job of W workers needs to reach a target, measured on one thread by visiting the rows in the
/// order the job's workers visit them. BSP applies the row-weighted mean of the workers' gradients, which is the
/// gradient of the union of their batches, so the job equals a one-thread run over that union; but its row order is
/// not LocalTrainer's, and the epochs to a target are a property of the order (one thread 4.91, two workers 5.52 on
/// the demo's softmax). The order replayed here is the one <c>Grains/Workers</c> builds: worker i owns partitions
/// <c>p % W == i</c>, joined and shuffled once with seed <c>seed + i</c>; each epoch it takes contiguous batches
/// <c>[b n / T, (b + 1) n / T)</c> in a permutation fixed by (seed, epoch, i); T = min(ceil(N / B), smallest
/// partition). If that code changes its order, this replay must follow it.
/// </summary>
internal static class BspReplay
{
    /// <summary>Replays <paramref name="workers"/> workers over the partitioned training set in
    /// <paramref name="directory"/> (<paramref name="name"/>) at the demo's settings and returns where its held-out
    /// accuracy first reaches <paramref name="target"/>, or null if it never does.</summary>
    public static SavedCrossing? EpochsToTarget(string directory, string name, DenseDataset test, int workers, int seed, double target)
    {
        DatasetManifest manifest = PartitionedDataset.OpenManifest(directory, name);
        var shares = new DenseDataset[workers];
        for (int w = 0; w < workers; w++)
        {
            var parts = new List<DenseDataset>();
            for (int p = w; p < manifest.Partitions.Count; p += workers)
            {
                parts.Add(PartitionedDataset.ReadDensePartition(directory, manifest, p));
            }

            shares[w] = JoinShuffled(parts, seed + w);
        }

        int batch = OrleansMLSettings.BatchSize;
        long rows = manifest.Partitions.Sum(p => p.RowCount);
        int steps = (int)Math.Min((rows + batch - 1) / batch, manifest.Partitions.Min(p => p.RowCount));
        IModel model = OrleansMLSettings.Model(PeerTask.Softmax).Create();
        var parameters = new float[model.ParameterCount];
        model.InitializeParameters(parameters, seed);
        Optimizer optimizer = OrleansMLSettings.Optimizer((int)rows).Create();
        OptimizerState state = optimizer.CreateState(parameters.Length);
        var gradient = new float[parameters.Length];
        var sums = new double[parameters.Length];
        var mean = new float[parameters.Length];
        var evaluator = new ModelEvaluator(model);
        var curve = new List<(double Seconds, double Accuracy)>();
        long update = 0;
        for (int epoch = 1; epoch <= OrleansMLSettings.Epochs; epoch++)
        {
            int[][] orders = [.. Enumerable.Range(0, workers).Select(w => BatchOrder(seed, epoch, w, steps))];
            for (int t = 0; t < steps; t++)
            {
                Array.Clear(sums);
                long stepRows = 0;
                for (int w = 0; w < workers; w++)
                {
                    int n = shares[w].RowCount;
                    int b = orders[w][t];
                    int first = (int)((long)b * n / steps);
                    int count = (int)((long)(b + 1) * n / steps) - first;
                    model.ComputeGradient(parameters, DataBatch.Of(shares[w], first, count), gradient);
                    for (int i = 0; i < sums.Length; i++)
                    {
                        sums[i] += (double)gradient[i] * count;
                    }

                    stepRows += count;
                }

                for (int i = 0; i < mean.Length; i++)
                {
                    mean[i] = (float)(sums[i] / stepRows);
                }

                optimizer.Apply(parameters, mean, state, ++update);
            }

            curve.Add((1.0, evaluator.Evaluate(parameters, DataBatch.All(test)).Accuracy?.Value ?? 0));
        }

        TargetCrossing? crossing = TargetCrossing.Find(curve, target);
        return crossing is null ? null : new SavedCrossing(workers, crossing.Epochs, crossing.Epoch);
    }

    /// <summary>The parts joined row after row, then permuted as DatasetOperations.Shuffle does with
    /// <paramref name="seed"/> (the worker's data load).</summary>
    private static DenseDataset JoinShuffled(List<DenseDataset> parts, int seed)
    {
        int columns = parts[0].ColumnCount;
        int rows = parts.Sum(p => p.RowCount);
        var features = new float[(long)rows * columns];
        var labels = new float[rows];
        int at = 0;
        foreach (DenseDataset part in parts)
        {
            part.Features.CopyTo(features.AsSpan(at * columns));
            part.Labels.CopyTo(labels.AsSpan(at));
            at += part.RowCount;
        }

        return DatasetOperations.Shuffle(new DenseDataset(features, labels, columns), seed);
    }

    /// <summary>A worker's batch order in an epoch, as the worker computes it.</summary>
    private static int[] BatchOrder(int seed, int epoch, int worker, int steps)
    {
        int[] order = [.. Enumerable.Range(0, steps)];
        int mixed = unchecked((seed * 1_000_003) + (epoch * 7_919) + (worker * 104_729));
        new Random(mixed & int.MaxValue).Shuffle(order);
        return order;
    }
}
