using System.Diagnostics.CodeAnalysis;

namespace OrleansML.Learning.Kernels;

/// <summary>
/// Accumulates a batch's sparse gradient for a model with one parameter per feature: a dense buffer of the
/// model's size, one touched bit per feature, and a compaction into ascending (key, value) pairs once per batch.
/// </summary>
/// <remarks>
/// Measured on the kernels benchmark's CTR rows over 2^20 features (thread CPU time per pass, this shared 2-vCPU
/// EPYC), the forward pass alone ran at 0.2-0.35 of a CSR streaming read and the scatter into the buffer alone at
/// 0.2-0.3, but the two together at 0.05: the weights and the buffer are two 4 MiB working sets read at random,
/// and the core stalls on their misses. <see cref="PrefetchRow"/> starts the loads of the row two ahead (weights
/// and buffer; 1 and 4 rows measured no better), which lifts the whole gradient to 0.065-0.075. Regrouping the
/// nonzeros by feature window first (<see cref="BatchNonzeroPartition"/>, so that the buffer stays in L1) measured
/// slower: the sort's scattered writes cost more than the misses it saves. The touched bitmap has a second level,
/// one bit per bitmap word: compaction visits only the words a batch touched, in ascending order. A flat bitmap
/// costs a scan of every word per batch, 262,144 words at 2^24 features against the ~9,000 nonzeros of a CTR step of
/// 500 rows. The flush takes 25-35 % of the gradient (thread CPU time around it): it reads each touched value's line
/// again, after the batch's other lines have pushed it out of L2. Invariants: a feature's bit is set when its value
/// may be nonzero, and every unset value is zero; a word's summary bit is set when the word may be nonzero, and every
/// word whose summary bit is unset is zero; no more bits are set than ids were counted since the last flush or reset.
/// </remarks>
internal sealed class LinearGradientAccumulator
{
    private readonly float[] _values;
    private readonly ulong[] _touched;
    private readonly ulong[] _touchedWords;
    private int _added;

    public LinearGradientAccumulator(int featureCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        _values = new float[featureCount];
        _touched = new ulong[(featureCount + 63) / 64];
        _touchedWords = new ulong[(_touched.Length + 63) / 64];
    }

    /// <summary>Number of features (ids lie in [0, FeatureCount)).</summary>
    public int FeatureCount => _values.Length;

    /// <summary>
    /// Starts loading the weights and the accumulator entries a row will use, so that their cache misses overlap
    /// the rows before it. A hint: ids out of range are skipped, and it does nothing without SSE.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void PrefetchRow(ReadOnlySpan<int> indices, ReadOnlySpan<float> weights)
    {
        if (!Sse.IsSupported || weights.Length < _values.Length)
        {
            return;
        }

        fixed (float* weightBase = &MemoryMarshal.GetReference(weights))
        fixed (float* valueBase = _values)
        {
            uint limit = (uint)_values.Length;
            foreach (int id in indices)
            {
                if ((uint)id < limit)
                {
                    Sse.Prefetch0(weightBase + id);
                    Sse.Prefetch0(valueBase + id);
                }
            }
        }
    }

    /// <summary>For every j, adds scale · values[j] to feature indices[j] and marks it touched.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id lies outside [0, FeatureCount); the ids before it were added.</exception>
    /// <remarks>
    /// One unsigned compare per id guards the three writes, which then go through unchecked references. Span
    /// indexing compared each of the three indices with its array's length, loaded from memory: 29 instructions a
    /// nonzero against 25 (JIT listings of a copy of this loop), in the sparse gradient's hottest loop.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddScaledRow(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, float scale)
    {
        Debug.Assert(indices.Length == values.Length, "a row has as many ids as values");
        values = values[..indices.Length];
        uint featureCount = (uint)_values.Length;
        ref float accumulated = ref MemoryMarshal.GetArrayDataReference(_values);
        ref ulong touched = ref MemoryMarshal.GetArrayDataReference(_touched);
        ref ulong touchedWords = ref MemoryMarshal.GetArrayDataReference(_touchedWords);
        // Counted first: a row that throws half-way has marked features, and Reset and FlushTo size their work by
        // this count (the flush writes unchecked, at most this many entries).
        _added += indices.Length;
        for (int j = 0; j < indices.Length; j++)
        {
            uint feature = (uint)indices[j];
            if (feature >= featureCount)
            {
                ThrowFeatureOutOfRange(indices[j], j, _values.Length, nameof(indices));
            }

            Unsafe.Add(ref accumulated, feature) += scale * values[j];
            // A ulong shift uses the low 6 bits of the count: 1UL << feature is the feature's bit in its word, and
            // 1UL << (feature >> 6) is its word's bit in the summary word feature >> 12.
            Unsafe.Add(ref touched, feature >> 6) |= 1UL << (int)feature;
            Unsafe.Add(ref touchedWords, feature >> 12) |= 1UL << (int)(feature >> 6);
        }
    }

    /// <summary>
    /// Appends every touched feature's value to <paramref name="gradient"/> at key firstKey + feature, in
    /// ascending order after the keys it holds, and empties the accumulator.
    /// </summary>
    public void FlushTo(SparseGradient gradient, int firstKey)
    {
        int room = Math.Min(_added, _values.Length);
        gradient.ReserveAscending(room, out Span<int> keys, out Span<float> values);
        // Unchecked: a feature comes from a set bit, so it is below FeatureCount, and each was counted at least once, so
        // at most room entries are written. The loop runs once per touched feature: a quarter to a third of the
        // gradient's time.
        ref float accumulated = ref MemoryMarshal.GetArrayDataReference(_values);
        ref int key = ref MemoryMarshal.GetReference(keys);
        ref float value = ref MemoryMarshal.GetReference(values);
        Span<ulong> touched = _touched;
        int written = 0;
        foreach (int word in TakeTouchedWords())
        {
            ulong bits = touched[word];
            touched[word] = 0;
            int wordBase = word << 6;
            while (bits != 0)
            {
                int feature = wordBase + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                Debug.Assert(written < room && feature < _values.Length, "a touched feature, within the reserved room");
                Unsafe.Add(ref key, written) = firstKey + feature;
                ref float sum = ref Unsafe.Add(ref accumulated, feature);
                Unsafe.Add(ref value, written) = sum;
                sum = 0f;
                written++;
            }
        }

        _added = 0;
        gradient.CommitAscending(written);
    }

    /// <summary>Empties the accumulator without writing anything (after a batch failed half-way).</summary>
    public void Reset()
    {
        if (_added == 0)
        {
            return;
        }

        foreach (int word in TakeTouchedWords())
        {
            _touched[word] = 0;
            _values.AsSpan(word << 6, Math.Min(64, _values.Length - (word << 6))).Clear();
        }

        _added = 0;
    }

    [DoesNotReturn]
    private static void ThrowFeatureOutOfRange(int id, int position, int featureCount, string parameterName) =>
        throw new ArgumentOutOfRangeException(parameterName, $"Feature id {id} at position {position} of the row lies outside the accumulator's {featureCount} features.");

    /// <summary>The bitmap words marked in the summary, ascending; clears the summary as it goes.</summary>
    private TouchedWordEnumerator TakeTouchedWords() => new(_touchedWords);

    /// <summary>Walks the summary bitmap's set bits in ascending order, zeroing each summary word once read.</summary>
    private ref struct TouchedWordEnumerator(ulong[] summary)
    {
        private int _summaryWord = -1;
        private ulong _bits;

        public int Current { get; private set; }

        public readonly TouchedWordEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            while (_bits == 0)
            {
                if (++_summaryWord >= summary.Length)
                {
                    return false;
                }

                _bits = summary[_summaryWord];
                summary[_summaryWord] = 0;
            }

            Current = (_summaryWord << 6) + BitOperations.TrailingZeroCount(_bits);
            _bits &= _bits - 1;
            return true;
        }
    }
}
