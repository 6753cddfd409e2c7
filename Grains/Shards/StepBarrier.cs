using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace OrleansML.Grains.Shards;

/// <summary>
/// BSP and model averaging: collects one step's pushes as row-weighted sums until enough distinct workers
/// have pushed, then yields their weighted mean. The sum buffer is as long as the slice and reused across
/// steps; only the keys a sparse step touched are cleared.
/// </summary>
/// <remarks>
/// A key a worker's sparse push leaves out counts as zero for that worker: the mean divides by the rows of
/// every push, so the result is the gradient (or delta) of the mean over all rows, as a dense push would give.
/// Invariant: <c>_rows</c> is the sum of the rows of the workers in <c>_seen</c>, and <c>_sums</c> is zero
/// outside <c>_touched</c> (or everywhere, when no dense push came).
/// </remarks>
internal sealed class StepBarrier(int length)
{
    private readonly double[] _sums = new double[length];
    // The dense mean is consumed in the turn that takes it, so one buffer serves every step: a large model's
    // slice would otherwise be a fresh large-object-heap array per step.
    private readonly float[] _denseMean = new float[length];
    private readonly HashSet<int> _seen = [];
    private readonly HashSet<int> _touched = [];
    private bool _dense;
    private long _rows;

    /// <summary>The step being collected (meaningful while <see cref="Count"/> > 0).</summary>
    public long Step { get; private set; }

    public int Count => _seen.Count;

    public IReadOnlyCollection<int> Workers => _seen;

    /// <summary>True when <paramref name="worker"/> already pushed for <paramref name="barrierStep"/>.</summary>
    public bool HasSeen(int worker, long barrierStep) => _seen.Count > 0 && Step == barrierStep && _seen.Contains(worker);

    /// <summary>Adds a validated push (keys slice-local and sorted, or null for dense).</summary>
    public void Add(int worker, long barrierStep, int rows, ReadOnlySpan<int> localKeys, bool dense, ReadOnlySpan<float> values)
    {
        Debug.Assert(_seen.Count == 0 || Step == barrierStep, "one step at a time: the shard clears the barrier on release");
        Debug.Assert(!_seen.Contains(worker));
        Step = barrierStep;
        _seen.Add(worker);
        _rows += rows;
        if (dense)
        {
            Debug.Assert(values.Length == _sums.Length);
            _dense = true;
            AddWeighted(values, rows, _sums);
            return;
        }

        for (int i = 0; i < localKeys.Length; i++)
        {
            _sums[localKeys[i]] += (double)values[i] * rows;
            _touched.Add(localKeys[i]);
        }
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
            mean = _denseMean;
            Scale(_sums, scale, mean);
        }
        else
        {
            keys = [.. _touched];
            Array.Sort(keys);
            mean = new float[keys.Length];
            for (int i = 0; i < keys.Length; i++)
            {
                mean[i] = (float)(_sums[keys[i]] * scale);
            }
        }

        Clear();
        return mean;
    }

    /// <summary>Drops what was collected (a new attempt, a restore).</summary>
    public void Clear()
    {
        if (_dense)
        {
            Array.Clear(_sums);
        }
        else
        {
            foreach (int key in _touched)
            {
                _sums[key] = 0;
            }
        }

        _touched.Clear();
        _seen.Clear();
        _dense = false;
        _rows = 0;
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
