using System.Globalization;
using OrleansML.Learning.Data;
using OrleansML.Learning.Models;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Benchmarks.Kernels;

/// <summary>
/// One training step of the Fashion-MNIST MLP 784-128-10 at batch 128 (forward, backward, Adam), the step
/// <c>LocalTrainer</c> repeats 469 times an epoch, in GFLOP/s against the machine's FMA peak.
/// </summary>
/// <remarks>
/// Both the step and the FMA peak are timed in thread CPU time (<see cref="ThreadCpuClock"/>), so the ratio
/// holds on a machine other processes keep busy, where wall-clock figures swing by 2-3x from one run to the
/// next. Batches cycle through a 12800-row random matrix (40 MB, beyond the caches), so every step streams
/// its rows from RAM as training does. The dense kernels do the same work whatever the values are, so random data measures the same
/// FLOPs as Fashion-MNIST. The forward pass alone and Adam alone are timed as well, to show where a
/// step's time goes.
/// </remarks>
public sealed class MlpStepBenchmark
{
    /// <summary>Rows per step, the batch the comparison uses.</summary>
    public const int BatchSize = 128;

    public const int StepsPerRun = 100;

    /// <summary>Steps in one epoch of Fashion-MNIST's 60000 rows.</summary>
    public const int StepsPerEpoch = 469;

    private const int Features = 784;
    private const int Hidden = 128;
    private const int Classes = 10;
    private const int Rows = StepsPerRun * BatchSize;

    private readonly Mlp _model = new([Features, Hidden, Classes]);
    private readonly DenseDataset _data;
    private readonly float[] _parameters;
    private readonly float[] _gradient;
    private readonly Optimizer _adam = new OptimizerSettings { Kind = OptimizerKind.Adam, LearningRate = 0.001f }.Create();
    private readonly OptimizerState _state;
    private long _update;
    private double _sink;
    private double _bestStep = double.MaxValue;
    private double _bestForward = double.MaxValue;
    private double _bestAdam = double.MaxValue;
    private double _bestPeak;

    /// <summary>Creates random data and He-initialised parameters.</summary>
    public MlpStepBenchmark()
    {
        var random = new Random(29);
        float[] features = [.. Enumerable.Range(0, Rows * Features).Select(_ => (float)random.NextDouble())];
        float[] labels = [.. Enumerable.Range(0, Rows).Select(_ => (float)random.Next(Classes))];
        _data = new DenseDataset(features, labels, Features);
        _parameters = new float[_model.ParameterCount];
        _model.InitializeParameters(_parameters, 3);
        _gradient = new float[_model.ParameterCount];
        _state = _adam.CreateState(_parameters.Length);
    }

    /// <summary>
    /// FLOPs per step, counting only the matrix products: forward 2·B·(784·128 + 128·10), the weight
    /// gradients the same again, and the hidden layer's delta 2·B·10·128. The first layer's input delta is
    /// never computed.
    /// </summary>
    public static double FlopsPerStep => 2.0 * BatchSize * ((2.0 * ((Features * Hidden) + (Hidden * Classes))) + (Classes * Hidden));

    /// <summary>Best GFLOP/s of a whole step (gradient and Adam) so far.</summary>
    public double StepFlopsPerSecond => FlopsPerStep / _bestStep;

    public static void Run(int rounds)
    {
        var benchmark = new MlpStepBenchmark();
        for (int round = 0; round < rounds; round++)
        {
            benchmark.MeasureRound();
        }

        benchmark.Report();
    }

    /// <summary>Runs one round: the FMA peak, then runs of steps, of forward passes alone and of Adam updates alone.</summary>
    public void MeasureRound()
    {
        const int peakIterations = 10_000_000;
        double peakSeconds = ThreadCpuClock.BestSeconds(() => _sink += FmaChains.Twelve(peakIterations), repetitions: 3);
        _bestPeak = Math.Max(_bestPeak, FmaChains.FlopsPerIteration * peakIterations / peakSeconds);
        _bestStep = Math.Min(_bestStep, ThreadCpuClock.BestSeconds(() => EachBatch(batch => Adam(_model.ComputeGradient(_parameters, batch, _gradient))), repetitions: 3) / StepsPerRun);
        _bestForward = Math.Min(_bestForward, ThreadCpuClock.BestSeconds(() => EachBatch(batch => _sink += _model.ComputeLoss(_parameters, batch)), repetitions: 3) / StepsPerRun);
        _bestAdam = Math.Min(_bestAdam, ThreadCpuClock.BestSeconds(() => EachBatch(_ => Adam(0)), repetitions: 3) / StepsPerRun);
    }

    public void Report()
    {
        double fmaPeak = _bestPeak;
        string clock = ThreadCpuClock.IsAvailable ? "thread CPU time" : "wall time";
        double forwardFlops = FlopsPerStep * ((Features * Hidden) + (Hidden * Classes)) / ((2.0 * ((Features * Hidden) + (Hidden * Classes))) + (Classes * Hidden));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mlp 784-128-10 step at batch {BatchSize}: {_bestStep * 1e6:F0} us (forward alone {_bestForward * 1e6:F0} us = {forwardFlops / _bestForward / 1e9:F1} GFLOP/s, "
            + $"Adam alone {_bestAdam * 1e6:F0} us); an epoch of {StepsPerEpoch} steps {_bestStep * StepsPerEpoch:F3} s; {clock}, load {Measurement.LoadAverage()}"));
        Measurement.Report("mlp step (forward+backward+Adam)", StepFlopsPerSecond / 1e9, "GFLOP/s", "FMA peak", fmaPeak / 1e9);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mlp_step_gflops={StepFlopsPerSecond / 1e9:F2} fma_peak_gflops={fmaPeak / 1e9:F2} ratio={StepFlopsPerSecond / fmaPeak:F3}"));
    }

    private void Adam(double loss)
    {
        _sink += loss;
        _adam.Apply(_parameters, _gradient, _state, ++_update);
    }

    /// <summary>Runs <paramref name="step"/> on each of a run's batches in turn.</summary>
    private void EachBatch(Action<DataBatch> step)
    {
        for (int i = 0; i < StepsPerRun; i++)
        {
            step(DataBatch.Of(_data, i * BatchSize, BatchSize));
        }
    }
}
