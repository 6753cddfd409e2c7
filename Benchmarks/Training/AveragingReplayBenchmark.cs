using System.Globalization;
using System.Numerics.Tensors;
using OrleansML.Benchmarks.Peers;
using OrleansML.Learning.Data;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Data.Readers;
using OrleansML.Learning.Metrics;
using OrleansML.Learning.Models;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Benchmarks.Training;

/// <summary>
/// How many epochs model averaging needs to reach the peers benchmark's target, against one worker, replayed on one
/// thread so that the machine's load cannot move the figure. The replay is the embedded cluster's job at the peers
/// settings (Fashion-MNIST in 8 partitions, worker w owning partitions p % 2 == w and shuffling its rows with seed
/// + w, a per-(seed, epoch, worker) batch order, batch 64 per worker, local Adam 0.002 with a cosine schedule over 10
/// epochs, the shards' outer step with block momentum), so its seed-7 curve is the cluster's curve. One worker at
/// batch 128 is the baseline: mini-batch training as BSP runs it. Since each of two workers reads half the rows,
/// <c>work_ratio = (epochs to target x 0.5) / one worker's epochs</c> is the share of one thread's compute each
/// worker spends before the target; messages and barriers come on top, and the peers benchmark times them.
/// Last line: <c>averaging-replay one_worker_epochs=.. best=interval/momentum epochs=.. work_ratio=..</c>.
/// </summary>
internal static class AveragingReplayBenchmark
{
    public static int Run(TextWriter output, AveragingReplaySettings settings)
    {
        FashionMnistData data = FashionMnist.Load(FashionMnistSource.Directory);
        ModelSpec model = OrleansMLSettings.Model(settings.Task);
        double target = settings.Task.Target();
        int[] partitionRows = PartitionRows(data.Train);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model.Kind} to {target:F3}; seeds {string.Join(',', settings.Seeds)}; epochs to target per seed, mean; final accuracy"));
        double oneWorker = Report(output, "1 worker, batch 128 (BSP)", settings, target, seed => Replay(data, partitionRows, model, 1, int.MaxValue, 0, seed, settings.Epochs));
        (string Name, double Epochs) best = ("none", double.NaN);
        foreach (int interval in settings.Intervals)
        {
            foreach (float momentum in settings.Momenta)
            {
                string name = string.Create(CultureInfo.InvariantCulture, $"{interval}/{momentum:0.##}");
                double epochs = Report(output, $"2 workers, interval {interval}, momentum {momentum:0.##}", settings, target,
                    seed => Replay(data, partitionRows, model, 2, interval, momentum, seed, settings.Epochs));
                if (!double.IsNaN(epochs) && !(epochs >= best.Epochs))
                {
                    best = (name, epochs);
                }
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"averaging-replay one_worker_epochs={oneWorker:F2} best={best.Name} epochs={best.Epochs:F2} work_ratio={best.Epochs * 0.5 / oneWorker:F3}"));
        return 0;
    }

    /// <summary>Prints one configuration's curves; returns its mean epochs to target (NaN when a seed missed it).</summary>
    private static double Report(TextWriter output, string label, AveragingReplaySettings settings, double target, Func<int, double[]> replay)
    {
        var reached = new List<double>();
        foreach (int seed in settings.Seeds)
        {
            double[] curve = replay(seed);
            int epoch = Array.FindIndex(curve, a => a >= target) + 1;
            reached.Add(epoch > 0 ? epoch : double.NaN);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {label,-40} seed {seed,3}: {(epoch > 0 ? $"epoch {epoch}" : "never"),-9} {string.Join(' ', curve.Select(a => a.ToString("F4", CultureInfo.InvariantCulture)))}"));
        }

        return reached.Average();
    }

    /// <summary>The rows of each of the peers benchmark's 8 partitions, as <see cref="PartitionedDataset"/> cuts them.</summary>
    private static int[] PartitionRows(DenseDataset train)
    {
        using var work = new WorkDirectory("replay");
        return [.. PartitionedDataset.Write(work.Path, "train", train, OrleansMLSettings.TrainPartitions).Partitions.Select(p => (int)p.RowCount)];
    }

    /// <summary>Held-out accuracy after each epoch of <paramref name="workers"/> averaging every
    /// <paramref name="interval"/> local steps with block momentum <paramref name="momentum"/>.</summary>
    private static double[] Replay(FashionMnistData data, int[] partitionRows, ModelSpec spec, int workers, int interval, float momentum, int seed, int epochs)
    {
        IModel model = spec.Create();
        int count = model.ParameterCount;
        int steps = (data.Train.RowCount + OrleansMLSettings.BatchSize - 1) / OrleansMLSettings.BatchSize;
        OptimizerSettings local = OrleansMLSettings.Optimizer(data.Train.RowCount);
        var global = new float[count];
        model.InitializeParameters(global, seed);
        DenseDataset[] shares = [.. Enumerable.Range(0, workers).Select(w => Share(data.Train, partitionRows, workers, w, seed))];
        Optimizer optimizer = local.Create();
        OptimizerState[] states = [.. shares.Select(_ => optimizer.CreateState(count))];
        float[][] copies = [.. shares.Select(_ => new float[count])];
        float[] gradient = new float[count], mean = new float[count], velocity = new float[count], change = new float[count];
        var evaluator = new ModelEvaluator(model);
        var curve = new double[epochs];
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            int[][] orders = [.. shares.Select((_, w) => BatchOrder(steps, seed, epoch, w))];
            for (int first = 0; first < steps; first += interval)
            {
                int end = Math.Min(first + Math.Min(interval, steps), steps);
                Array.Clear(mean);
                long rows = 0;
                for (int w = 0; w < workers; w++)
                {
                    float[] copy = copies[w];
                    global.CopyTo(copy, 0);
                    int n = shares[w].RowCount;
                    for (int t = first; t < end; t++)
                    {
                        int b = orders[w][t];
                        int from = (int)((long)b * n / steps), to = (int)((long)(b + 1) * n / steps);
                        model.ComputeGradient(copy, DataBatch.Of(shares[w], from, to - from), gradient);
                        optimizer.Apply(copy, gradient, states[w], ((long)(epoch - 1) * steps) + t + 1);
                        rows += to - from;
                    }

                    // The outer gradient, weighted by the worker's rows this round (as the shards weigh pushes).
                    TensorPrimitives.Subtract(global, copy, change);
                    long workerRows = ((long)end * n / steps) - ((long)first * n / steps);
                    TensorPrimitives.MultiplyAdd(change, workerRows, mean, mean);
                }

                TensorPrimitives.Multiply(mean, 1f / rows, mean);
                TensorPrimitives.Multiply(velocity, momentum, velocity);
                TensorPrimitives.Add(velocity, mean, velocity);
                TensorPrimitives.Subtract(global, velocity, global);
            }

            curve[epoch - 1] = evaluator.Evaluate(global, DataBatch.All(data.Test)).Accuracy!.Value;
        }

        return curve;
    }

    private static DenseDataset Share(DenseDataset train, int[] partitionRows, int workers, int worker, int seed)
    {
        int[] rows = [.. Enumerable.Range(0, partitionRows.Length)
            .Where(p => p % workers == worker)
            .SelectMany(p => Enumerable.Range(partitionRows[..p].Sum(), partitionRows[p]))];
        return DatasetOperations.Shuffle(DatasetOperations.TakeRows(train, rows), seed + worker);
    }

    private static int[] BatchOrder(int steps, int seed, int epoch, int worker)
    {
        int[] order = [.. Enumerable.Range(0, steps)];
        new Random(unchecked((seed * 1_000_003) + (epoch * 7_919) + (worker * 104_729)) & int.MaxValue).Shuffle(order);
        return order;
    }
}
