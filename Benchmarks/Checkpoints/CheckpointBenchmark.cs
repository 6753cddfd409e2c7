using System.Diagnostics;
using System.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansML.Benchmarks.Ctr;
using OrleansML.Grains.Checkpoints;
using OrleansML.Grains.Shards;
using OrleansML.Jobs;
using OrleansML.Learning.Models;
using OrleansML.Learning.Optimizers;
using OrleansML.Learning.Storage;
using OrleansML.Shards;

namespace OrleansML.Benchmarks.Checkpoints;

/// <summary>
/// One large shard checkpoint (a factorization machine's whole model with Adam in one shard, as the ctr benchmark's
/// 2^24-feature FM) written to and read from a local-directory blob store, as the shard grain does: a snapshot of the
/// state, then the record streamed through one buffer. Printed beside a raw baseline (the same bytes written from one
/// buffer with the same fsync) and the one-array shape (the whole record encoded into one array, then written), with
/// each phase's peak resident memory above the resident set before it (VmHWM after <c>clear_refs</c>) and the bytes
/// it allocated.
/// </summary>
internal static class CheckpointBenchmark
{
    public static int Run(string[] options)
    {
        CheckpointSettings settings = CheckpointSettings.Parse(options);
        return RunAsync(Console.Out, settings).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(TextWriter output, CheckpointSettings settings)
    {
        using var work = new WorkDirectory("checkpoint");
        ShardState state = BuildState(settings);
        long stateBytes = (long)state.Length * sizeof(float) * (1 + state.OptimizerState!.BufferCount);
        output.WriteLine($"load average at start: {Load()}");
        output.WriteLine($"shard: FM 2^{settings.FeaturesLog2} features x {settings.Factors} factors + Adam: {state.Length:N0} parameters, {stateBytes / 1e6:F0} MB of state; buffer {settings.BufferBytes:N0} B; store {work.Path}");

        var store = new LocalDirectoryBlobStore(work.Path);
        var blobs = new CheckpointBlobs(store, NullLogger.Instance);
        (double rawSeconds, double rawCpu, _) = await PhaseAsync(output, "raw write (baseline)", async () =>
        {
            byte[] block = new byte[settings.BufferBytes];
            Random.Shared.NextBytes(block);
            await store.WriteAsync("raw", async (stream, token) =>
            {
                for (long left = stateBytes; left > 0; left -= block.Length)
                {
                    await stream.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, left)), token);
                }
            });
        });

        BlobReference? written = null;
        (double writeSeconds, double writeCpu, double writePeak) = await PhaseAsync(output, "streamed checkpoint (snapshot + write)", async () =>
        {
            ShardState snapshot = ShardCheckpoint.Snapshot(state);
            written = await blobs.WriteAsync("checkpoints/bench", "1", ".omsc",
                (stream, token) => ShardCheckpoint.EncodeAsync(stream, 1, snapshot, settings.BufferBytes, token));
        });

        (double readSeconds, double readCpu, double readPeak) = await PhaseAsync(output, "streamed restore (read + verify + decode)", async () =>
        {
            (_, ShardState back) = await blobs.ReadAsync(written!, (stream, token) => ShardCheckpoint.DecodeAsync(stream, written!.Length, settings.BufferBytes, token));
            GC.KeepAlive(back);
        });

        double arrayPeak = double.NaN;
        if (written!.Length <= Array.MaxLength)
        {
            (_, _, arrayPeak) = await PhaseAsync(output, "one-array checkpoint (encode into one byte[] + write)", async () =>
            {
                byte[] record = GC.AllocateUninitializedArray<byte>((int)written.Length);
                await ShardCheckpoint.EncodeAsync(new MemoryStream(record), 1, state, settings.BufferBytes);
                await blobs.WriteAsync("checkpoints/bench", "2", ".omsc", record);
            });
        }
        else
        {
            output.WriteLine($"one-array checkpoint: impossible, the record has {written.Length:N0} bytes, more than one .NET array holds ({Array.MaxLength:N0})");
        }

        output.WriteLine($"load average at end: {Load()}");
        output.WriteLine(
            $"checkpoint checkpoint_write_s={writeSeconds:F2} raw_write_s={rawSeconds:F2} ratio={rawSeconds / writeSeconds:F3} checkpoint_cpu_s={writeCpu:F2} raw_cpu_s={rawCpu:F2} restore_s={readSeconds:F2} restore_cpu_s={readCpu:F2} " +
            $"peak_extra_mb_streamed={writePeak:F0} peak_extra_mb_restore={readPeak:F0} peak_extra_mb_one_array={arrayPeak:F0} state_mb={stateBytes / 1e6:F0} record_bytes={written.Length}");
        return 0;
    }

    /// <summary>Runs one phase from a collected heap; prints its wall and CPU time, its peak resident memory above the
    /// resident set before it, and the bytes it allocated.</summary>
    private static async Task<(double Seconds, double CpuSeconds, double PeakExtraMb)> PhaseAsync(TextWriter output, string name, Func<Task> phase)
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        ResetPeak();
        double before = SiloMemory.CurrentMiB(Environment.ProcessId) * 1.048576;
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        long started = Stopwatch.GetTimestamp();
        await phase();
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        // On a shared machine the wall time waits for the CPU; the process's CPU time is the cost itself.
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        double allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6;
        double peakExtra = (SiloMemory.PeakMiB(Environment.ProcessId) * 1.048576) - before;
        output.WriteLine($"{name,-56} {seconds,7:F2} s (CPU {cpuSeconds,6:F2} s)  peak +{peakExtra,6:F0} MB  allocated {allocatedMb,6:F0} MB");
        return (seconds, cpuSeconds, peakExtra);
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Trim();

    /// <summary>Resets VmHWM to the current resident set (Linux: writing 5 to clear_refs).</summary>
    private static void ResetPeak() => File.WriteAllText($"/proc/{Environment.ProcessId}/clear_refs", "5");

    /// <summary>The whole FM in one shard, parameters and Adam's moments filled (so every page is resident, as in a
    /// trained model).</summary>
    private static ShardState BuildState(CheckpointSettings settings)
    {
        var assignment = new ShardAssignment
        {
            JobId = "checkpoint-benchmark",
            ShardIndex = 0,
            ShardCount = 1,
            Model = new ModelSpec { Kind = ModelKind.FactorizationMachine, FeatureCount = 1 << settings.FeaturesLog2, FactorCount = settings.Factors },
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Adam, LearningRate = 0.01f },
            Mode = ConsistencyMode.Bsp,
            WorkerCount = 2,
            Seed = 1,
        };
        int length = assignment.Model.Create().ParameterCount;
        float[] parameters = new float[length];
        OptimizerState optimizer = assignment.Optimizer.Create().CreateState(length);
        var random = new Random(5);
        for (int i = 0; i < length; i++)
        {
            parameters[i] = (float)random.NextDouble() - 0.5f;
        }

        for (int b = 0; b < optimizer.BufferCount; b++)
        {
            optimizer.Buffer(b).Fill(1e-3f * (b + 1));
        }

        ShardState state = ShardState.FromParts(assignment, 0, parameters, optimizer, new long[assignment.WorkerCount]);
        state.Version = 1000;
        state.UpdateCount = 1000;
        return state;
    }
}
