using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Benchmarks.Transport;

/// <summary>
/// What a received 4 MiB tensor costs the receiver before any grain code runs: decoding into a fresh
/// <c>float[]</c> (a new large-object array per message, whose pages fault in again because the GC returns freed
/// large-object memory to the kernel) against decoding into a <see cref="PooledArray{T}"/> that is disposed after
/// use. Both copy the same bytes; the page faults per tensor come from /proc/self/stat (Linux; -1 elsewhere).
/// Last line: "tensor-alloc fresh_us=.. pooled_us=.. fresh_faults=.. pooled_faults=..".
/// </summary>
internal static class TensorAllocationBenchmark
{
    private const int Floats = 1 << 20; // 4 MiB
    private const int Tensors = 200;
    private const int Rounds = 3;

    public static int Run(TextWriter output)
    {
        byte[] wire = new byte[Floats * sizeof(float)];
        new Random(7).NextBytes(wire);
        double freshUs = double.MaxValue, pooledUs = double.MaxValue, freshFaults = double.MaxValue, pooledFaults = double.MaxValue;
        for (int round = 0; round < Rounds; round++)
        {
            (double us, double faults) = Measure(wire, pooled: false);
            (freshUs, freshFaults) = (Math.Min(freshUs, us), Math.Min(freshFaults, faults));
            (us, faults) = Measure(wire, pooled: true);
            (pooledUs, pooledFaults) = (Math.Min(pooledUs, us), Math.Min(pooledFaults, faults));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  4 MiB tensor decoded into a fresh float[]   {freshUs,9:F1} us {freshFaults,7:F0} page faults   PooledArray<float>: {pooledUs,9:F1} us {pooledFaults,7:F0} page faults   ratio {freshUs / pooledUs:F1}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tensor-alloc fresh_us={freshUs:F1} pooled_us={pooledUs:F1} fresh_faults={freshFaults:F0} pooled_faults={pooledFaults:F0}"));
        return 0;
    }

    /// <summary>Microseconds and page faults per tensor over <see cref="Tensors"/> decodes (best of the round).</summary>
    private static (double Microseconds, double Faults) Measure(byte[] wire, bool pooled)
    {
        float[]? keep = null;
        long faults = MinorFaults();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < Tensors; i++)
        {
            if (pooled)
            {
                using PooledArray<float> tensor = PooledArray.Rent<float>(Floats);
                wire.CopyTo(MemoryMarshal.AsBytes(tensor.Span));
            }
            else
            {
                // As BodyReader.ReadBlock decodes a float[] argument.
                float[] tensor = GC.AllocateUninitializedArray<float>(Floats);
                wire.CopyTo(MemoryMarshal.AsBytes(tensor.AsSpan()));
                keep = tensor;
            }
        }

        double microseconds = Stopwatch.GetElapsedTime(start).TotalMicroseconds / Tensors;
        GC.KeepAlive(keep);
        long after = MinorFaults();
        return (microseconds, faults < 0 ? -1 : (double)(after - faults) / Tensors);
    }

    private static long MinorFaults()
    {
        try
        {
            string stat = File.ReadAllText("/proc/self/stat");
            // Field 10 (minflt), counted after the parenthesised command name, which may contain spaces.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[7], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }
}
