using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace OrleansML.Grains.Shards;

/// <summary>
/// BSP and model averaging: collects one step's pushes as row-weighted sums until enough distinct workers
/// have pushed, then yields their weighted mean.
/// </summary>
/// <remarks>
/// <para>A key a worker's sparse push leaves out counts as zero for that worker: the mean divides by the rows of
/// every push, so the result is the gradient (or delta) of the mean over all rows, as a dense push would give.</para>
/// <para>Buffers follow the pushes: sparse pushes are summed at their keys only (<see cref="SparseStepSums"/>), so a
/// shard of a sparse model holds nothing slice-sized here. The dense sums (<c>double</c>, twice the slice's bytes)
/// and the dense mean are allocated at the first dense push and reused while steps keep bringing dense pushes (a
/// large model's slice would otherwise be a fresh large-object-heap array per step); a step completed without any
/// dense push releases them, since the workers' push kind is fixed by the model and the mode.</para>
/// <para>Invariant: <c>_rows</c> is the sum of the rows of the workers in <c>_seen</c>; while <c>_dense</c>, every
/// push of the step is in <c>_denseSums</c> and <c>_sparse</c> is empty; otherwise <c>_denseSums</c>, when
/// allocated, is all zero.</para>
/// </remarks>
internal sealed class StepBarrier(int length)
{
    private readonly SparseStepSums _sparse = new();
    private readonly HashSet<int> _seen = [];
    private double[]? _denseSums;
    // The dense mean is consumed in the turn that takes it, so one buffer serves every step.
    private float[]? _denseMean;
    private bool _dense;
    private long _rows;

    /// <summary>The step being collected (meaningful while <see cref="Count"/> > 0).</summary>
    public long Step { get; private set; }

    public int Count => _seen.Count;

    public IReadOnlyCollection<int> Workers => _seen;

    /// <summary>The slice-sized buffers held now (dense sums and mean), in bytes: 0 for a sparse model's shard.</summary>
    public long DenseBufferBytes => ((long?)_denseSums?.Length * sizeof(double) ?? 0) + ((long?)_denseMean?.Length * sizeof(float) ?? 0);

    /// <summary>True when <paramref name="worker"/> already pushed for <paramref name="barrierStep"/>.</summary>
    public bool HasSeen(int worker, long barrierStep) => _seen.Count > 0 && Step == barrierStep && _seen.Contains(worker);

    /// <summary>Adds a validated push (keys slice-local, sorted and unique, or ignored for dense).</summary>
    public void Add(int worker, long barrierStep, int rows, ReadOnlySpan<int> localKeys, bool dense, ReadOnlySpan<float> values)
    {
        Debug.Assert(_seen.Count == 0 || Step == barrierStep, "one step at a time: the shard clears the barrier on release");
        Debug.Assert(!_seen.Contains(worker));
        Step = barrierStep;
        _seen.Add(worker);
        _rows += rows;
        if (dense)
        {
            Debug.Assert(values.Length == length);
            SwitchToDense();
            AddWeighted(values, rows, _denseSums);
            return;
        }

        if (_dense)
        {
            double[] sums = _denseSums!;
            for (int i = 0; i < localKeys.Length; i++)
            {
                sums[localKeys[i]] += (double)values[i] * rows;
            }

            return;
        }

        _sparse.Add(localKeys, values, rows);
    }

    /// <summary>The weighted mean: dense (<paramref name="keys"/> null) when any push was dense, else at the
    /// sorted union of touched keys. Then clears the barrier for the next step. A dense mean is the barrier's own
    /// buffer: valid until the next call, so the caller applies it before it awaits anything.</summary>
    public float[] TakeMean(out int[]? keys)
    {
        Debug.Assert(_rows > 0);
        double scale = 1.0 / _rows;
        float[] mean;
        if (_dense)
        {
            keys = null;
            mean = _denseMean!;
            Scale(_denseSums, scale, mean);
        }
        else
        {
            keys = _sparse.Keys.ToArray();
            ReadOnlySpan<double> sums = _sparse.Sums;
            mean = new float[keys.Length];
            for (int i = 0; i < keys.Length; i++)
            {
                mean[i] = (float)(sums[i] * scale);
            }

            _denseSums = null;
            _denseMean = null;
        }

        Clear();
        return mean;
    }

    /// <summary>Drops what was collected (a new attempt, a restore).</summary>
    public void Clear()
    {
        if (_dense)
        {
            Array.Clear(_denseSums!);
        }

        _sparse.Clear();
        _seen.Clear();
        _dense = false;
        _rows = 0;
    }

    /// <summary>Makes the dense sums hold the step: allocated on first need, and seeded with the step's sparse sums
    /// so far (each already <c>0.0 + v1*r1 + ...</c>, as the dense buffer would have summed them).</summary>
    [MemberNotNull(nameof(_denseSums), nameof(_denseMean))]
    private void SwitchToDense()
    {
        _denseSums ??= new double[length];
        _denseMean ??= new float[length];
        if (_dense)
        {
            return;
        }

        _dense = true;
        ReadOnlySpan<int> keys = _sparse.Keys;
        ReadOnlySpan<double> sums = _sparse.Sums;
        for (int i = 0; i < keys.Length; i++)
        {
            _denseSums[keys[i]] = sums[i];
        }

        _sparse.Clear();
    }

    /// <summary><c>sums[i] += (double)values[i] * rows</c>: a separate multiply and add, as the scalar tail does,
    /// so the vector and scalar paths give the same bits (a BSP step must not depend on the CPU it ran on).</summary>
    private static void AddWeighted(ReadOnlySpan<float> values, long rows, Span<double> sums)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var weight = Vector256.Create((double)rows);
            ref float source = ref MemoryMarshal.GetReference(values);
            ref double target = ref MemoryMarshal.GetReference(sums);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256<double> lower, Vector256<double> upper) = Vector256.Widen(Vector256.LoadUnsafe(ref source, (nuint)i));
                (Vector256.LoadUnsafe(ref target, (nuint)i) + (lower * weight)).StoreUnsafe(ref target, (nuint)i);
                (Vector256.LoadUnsafe(ref target, (nuint)(i + Vector256<double>.Count)) + (upper * weight)).StoreUnsafe(ref target, (nuint)(i + Vector256<double>.Count));
            }
        }

        for (; i < values.Length; i++)
        {
            sums[i] += (double)values[i] * rows;
        }
    }

    /// <summary><c>mean[i] = (float)(sums[i] * scale)</c>, vectorised with the same rounding as the scalar tail.</summary>
    private static void Scale(ReadOnlySpan<double> sums, double scale, Span<float> mean)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var factor = Vector256.Create(scale);
            ref double source = ref MemoryMarshal.GetReference(sums);
            ref float target = ref MemoryMarshal.GetReference(mean);
            for (; i <= mean.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<double> lower = Vector256.LoadUnsafe(ref source, (nuint)i) * factor;
                Vector256<double> upper = Vector256.LoadUnsafe(ref source, (nuint)(i + Vector256<double>.Count)) * factor;
                Vector256.Narrow(lower, upper).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < mean.Length; i++)
        {
            mean[i] = (float)(sums[i] * scale);
        }
    }
}
