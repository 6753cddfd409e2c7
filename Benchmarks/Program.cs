using OrleansML.Benchmarks;
using OrleansML.Benchmarks.Checkpoints;
using OrleansML.Benchmarks.Ctr;
using OrleansML.Benchmarks.Kernels;
using OrleansML.Benchmarks.Peers;
using OrleansML.Benchmarks.Scaling;
using OrleansML.Benchmarks.Training;
using OrleansML.Benchmarks.Transport;

// Each benchmark prints its figures next to a baseline measured in the same run, and ends with one
// machine-readable line. Unknown commands are a usage error (exit code 2).
var commands = new Dictionary<string, (string Description, Func<string[], int> Run)>(StringComparer.Ordinal)
{
    ["kernels"] = ("memory bandwidth, FMA peak, the fused softmax gradient and sparse gradient throughput (options: --block-rows N, --rounds N)", KernelsBenchmark.Run),
    ["transport"] = ("grain calls between two Silo processes vs raw TCP between two processes: round trip p50, 4 MiB FloatTensor push (argument) and pull (result) (options: --quick, --rounds N, --in-flight N)", options =>
        options.Contains(RawServerProcess.Flag) ? RawServerProcess.Serve() : TransportBenchmark.RunAsync(Console.Out, TransportBenchmarkSettings.Parse(options)).GetAwaiter().GetResult()),
    ["step-costs"] = ("inside a BSP step: handing work to a sleeping vs an awake thread-pool thread, the shard barrier vs its scalar loop", _ => StepCostsBenchmark.Run(Console.Out)),
    ["training"] = ("softmax on Fashion-MNIST: LocalTrainer vs OrleansML with 1 and 2 Silo processes (options: --epochs N, --batch-size N, --learning-rate X, --mode bsp|asp|ssp|averaging, --rounds N)", options =>
        TrainingBenchmark.RunAsync(Console.Out, TrainingBenchmarkSettings.Parse(options)).GetAwaiter().GetResult()),
    ["peers"] = ("time to 0.840 (softmax) and 0.870 (MLP) on Fashion-MNIST: LocalTrainer, the embedded cluster (BSP and model averaging), ML.NET, PyTorch, sklearn, liblinear (options: --rounds N, --tasks softmax,mlp, --peers prefix,..., --no-warmup, --averaging-interval N, --averaging-momentum X)", options =>
        PeersBenchmark.RunAsync(Console.Out, PeersBenchmarkSettings.Parse(options)).GetAwaiter().GetResult()),
    ["averaging-replay"] = ("epochs to 0.840 (softmax) or 0.870 (MLP) of the cluster's model averaging, replayed on one thread, against one worker (options: --task softmax|mlp, --seeds a,b, --intervals a,b, --momenta a,b, --epochs N)", options =>
        AveragingReplayBenchmark.Run(Console.Out, AveragingReplaySettings.Parse(options))),
    ["ctr"] = ("synthetic Zipf click data (10 M rows, 2^24 hashed features): hashed logistic regression and FM, LocalTrainer vs Silo processes with 1 and 2 shards: rows/s, AUC, peak memory per silo (options: --quick, --rows N, --features-log2 N, --models hashed,fm, --fm-features-log2 N, --factors N, --batch-size N, --rounds N, ...)", options => CtrBenchmark.RunAsync(Console.Out, CtrSettings.Parse(options)).GetAwaiter().GetResult()),
    ["checkpoint"] = ("one large shard checkpoint (FM 2^24 x 9 floats + Adam in one shard) streamed to a local blob store and restored, vs a raw write and the one-array shape: time and peak memory (options: --features-log2 N, --factors N, --buffer-bytes N)", CheckpointBenchmark.Run),
    ["scaling"] = ("calibrates the step-cost model on 1, 2 and 3 Silo processes in network namespaces (tc tbf-shaped links), checks its time to 0.840 and projects 8/32/128 hosts (options: --quick, --rounds N, --target X, --loopback, --save PATH, --refit PATH..., --replay, --self-check)", options => ScalingBenchmark.RunAsync(Console.Out, ScalingSettings.Parse(options)).GetAwaiter().GetResult()),
};

if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine(args.Length == 0 ? "No benchmark named." : $"Unknown benchmark '{args[0]}'.");
    Console.Error.WriteLine("Usage: dotnet run -c Release --project Benchmarks -- <benchmark> [options]");
    Console.Error.WriteLine("Benchmarks:");
    foreach (var (name, (description, _)) in commands)
    {
        Console.Error.WriteLine($"  {name,-16} {description}");
    }

    return 2;
}

try
{
    return command.Run(args[1..]);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}
