namespace OrleansML.Learning.Models;

/// <summary>
/// A reusable accumulator of (parameter index, value) pairs: the gradient of a sparse batch, or the set of
/// parameter keys it touches.
/// </summary>
/// <remarks>
/// A dense slot map (one int per parameter) makes <see cref="Add"/> O(1) with no hashing, and
/// <see cref="Clear"/> resets only the slots used, so a batch costs O(touched keys), not O(parameters).
/// The map costs as much memory as one copy of the parameters, so it is allocated on the first
/// <see cref="Add"/> only: producers that already emit keys in strictly ascending order (the sparse models'
/// ordered flush) use <see cref="AppendAscending"/> instead, which never needs the map (measured on hashed
/// logistic regression, the map writes and the sort were more than half of the gradient's time), and a worker
/// of a 2^24-feature factorization machine would otherwise allocate 600 MB of map it never reads.
/// A key set (<see cref="KeySet"/>) only collects distinct keys, with zero values: it marks keys in a bitmap of
/// one bit per parameter (1/32 of the slot map) instead.
/// Invariant: for every i &lt; Count added by <see cref="Add"/>, <c>_slotOfKey[_keys[i]] == i + 1</c> (a key set:
/// the key's bit is set) until
/// <see cref="SortByKey"/>; the map holds nonzero slots only for keys held, so <see cref="Clear"/> can reset
/// exactly those.
/// </remarks>
public sealed class SparseGradient
{
    private readonly int _parameterCount;
    private readonly bool _keysOnly;
    private int[]? _slotOfKey;
    private ulong[]? _present;
    private int[] _keys;
    private float[] _values;
    private bool _sorted;
    private bool _usedSlotMap;
    private bool _appendedAscending;

    /// <summary>Creates an accumulator for parameter indices in [0, <paramref name="parameterCount"/>).</summary>
    public SparseGradient(int parameterCount, int initialCapacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parameterCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialCapacity);
        _parameterCount = parameterCount;
        _keys = new int[initialCapacity];
        _values = new float[initialCapacity];
    }

    private SparseGradient(int parameterCount, bool keysOnly)
        : this(parameterCount)
    {
        _keysOnly = keysOnly;
    }

    /// <summary>
    /// A set of parameter keys in [0, <paramref name="parameterCount"/>) (the keys a batch touches): <see cref="Add"/>
    /// takes only zero values, and duplicates are found with one bit per parameter instead of the slot map.
    /// </summary>
    public static SparseGradient KeySet(int parameterCount) => new(parameterCount, keysOnly: true);

    /// <summary>Parameter indices lie in [0, ParameterCount).</summary>
    public int ParameterCount => _parameterCount;

    /// <summary>Number of distinct keys held.</summary>
    public int Count { get; private set; }

    /// <summary>The keys, ascending after <see cref="SortByKey"/>.</summary>
    public ReadOnlySpan<int> Keys => _keys.AsSpan(0, Count);

    /// <summary>The values, aligned with <see cref="Keys"/>.</summary>
    public Span<float> Values => _values.AsSpan(0, Count);

    /// <summary>True once <see cref="SortByKey"/> has run and nothing has been added since.</summary>
    public bool IsSorted => _sorted;

    /// <summary>Removes every key, in time proportional to the number held.</summary>
    public void Clear()
    {
        if (_usedSlotMap)
        {
            if (_keysOnly)
            {
                for (int i = 0; i < Count; i++)
                {
                    _present![_keys[i] >> 6] = 0;
                }
            }
            else
            {
                for (int i = 0; i < Count; i++)
                {
                    _slotOfKey![_keys[i]] = 0;
                }
            }
        }

        Count = 0;
        _sorted = false;
        _usedSlotMap = false;
        _appendedAscending = false;
    }

    /// <summary>Adds <paramref name="value"/> to the entry of <paramref name="key"/>, creating it at zero.</summary>
    public void Add(int key, float value)
    {
        Debug.Assert((uint)key < (uint)_parameterCount, "key out of range");
        if (_sorted || _appendedAscending)
        {
            throw new InvalidOperationException("The gradient was sorted or appended in order; Clear it before adding again.");
        }

        _usedSlotMap = true;
        if (_keysOnly)
        {
            AddKey(key, value);
            return;
        }

        int[] slotOfKey = _slotOfKey ??= new int[_parameterCount];
        int slot = slotOfKey[key];
        if (slot != 0)
        {
            _values[slot - 1] += value;
            return;
        }

        Append(key, value);
        slotOfKey[key] = Count;
    }

    /// <summary>Adds <paramref name="key"/> to a key set unless it is held (<see cref="Clear"/> zeroes whole bitmap
    /// words, which is right because every bit set in them belongs to a key held).</summary>
    private void AddKey(int key, float value)
    {
        if (value != 0f)
        {
            throw new InvalidOperationException($"A key set holds no values, but key {key} was added with {value}.");
        }

        ulong[] present = _present ??= new ulong[(_parameterCount + 63) / 64];
        ulong bit = 1UL << (key & 63);
        ref ulong word = ref present[key >> 6];
        if ((word & bit) != 0)
        {
            return;
        }

        word |= bit;
        Append(key, 0f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Append(int key, float value)
    {
        if (Count == _keys.Length)
        {
            Array.Resize(ref _keys, _keys.Length * 2);
            Array.Resize(ref _values, _values.Length * 2);
        }

        _keys[Count] = key;
        _values[Count] = value;
        Count++;
    }

    /// <summary>
    /// Appends a key greater than every key held, without the slot map. For producers that emit each key
    /// once, in ascending order; the result is sorted without <see cref="SortByKey"/> doing any work.
    /// </summary>
    /// <exception cref="InvalidOperationException">The key does not ascend, or <see cref="Add"/> was used since the last Clear.</exception>
    public void AppendAscending(int key, float value)
    {
        if ((uint)key >= (uint)_parameterCount)
        {
            throw new ArgumentOutOfRangeException(nameof(key), $"key {key} is outside [0, {_parameterCount}).");
        }

        if (_usedSlotMap || _sorted || (Count > 0 && _keys[Count - 1] >= key))
        {
            throw new InvalidOperationException($"key {key} does not ascend after {(Count > 0 ? _keys[Count - 1] : -1)}, or the gradient already holds unordered keys.");
        }

        Append(key, value);
        _appendedAscending = true;
    }

    /// <summary>
    /// Opens room for up to <paramref name="maxCount"/> more entries appended in ascending key order, written
    /// straight into the returned spans by an ordered producer (the sparse kernels' flush); the producer then
    /// calls <see cref="CommitAscending"/> with the number it wrote. One range and order check per flush
    /// instead of one per entry: the flush of a factorization machine writes k + 1 keys per touched feature.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="Add"/> was used since the last Clear, or the gradient is sorted.</exception>
    internal void ReserveAscending(int maxCount, out Span<int> keys, out Span<float> values)
    {
        Debug.Assert(maxCount >= 0, "a count of entries");
        if (_usedSlotMap || _sorted)
        {
            throw new InvalidOperationException("The gradient already holds unordered keys or was sorted; Clear it before appending in order.");
        }

        int needed = checked(Count + maxCount);
        if (needed > _keys.Length)
        {
            int capacity = Math.Max(needed, _keys.Length * 2);
            Array.Resize(ref _keys, capacity);
            Array.Resize(ref _values, capacity);
        }

        keys = _keys.AsSpan(Count, maxCount);
        values = _values.AsSpan(Count, maxCount);
    }

    /// <summary>
    /// Takes the first <paramref name="written"/> entries of the last <see cref="ReserveAscending"/> as held.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The written keys do not ascend strictly from the keys held, or one lies outside [0, ParameterCount): the
    /// producer broke the contract, and the gradient drops the written entries rather than push them.
    /// </exception>
    internal void CommitAscending(int written)
    {
        Debug.Assert(written >= 0 && Count + written <= _keys.Length, "within the reserved room");
        if (written == 0)
        {
            return;
        }

        ReadOnlySpan<int> appended = _keys.AsSpan(Count, written);
        int previous = Count > 0 ? _keys[Count - 1] : -1;
        // Strictly ascending keys that start above the previous one and end below ParameterCount are all in range.
        if (appended[0] <= previous || (uint)appended[^1] >= (uint)_parameterCount || !StrictlyAscending(appended))
        {
            throw new InvalidOperationException($"The {written} keys appended after key {previous} do not ascend strictly within [0, {_parameterCount}).");
        }

        Count += written;
        _appendedAscending = true;
    }

    /// <summary>Multiplies every value by <paramref name="factor"/> (e.g. 1/batch size).</summary>
    public void Scale(float factor) => System.Numerics.Tensors.TensorPrimitives.Multiply(Values, factor, Values);

    /// <summary>Sorts entries by ascending key so that they can be split into key ranges.</summary>
    public void SortByKey()
    {
        if (!_appendedAscending)
        {
            Array.Sort(_keys, _values, 0, Count);
        }

        // The slot map no longer matches positions; it is only needed again after Clear, which
        // zeroes exactly the keys held, whatever their order.
        _sorted = true;
    }

    private static bool StrictlyAscending(ReadOnlySpan<int> keys)
    {
        // Eight pairs per compare: a factorization machine's flush checks k + 1 keys per touched feature.
        int i = 1;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<int>.Count <= keys.Length; i += Vector256<int>.Count)
            {
                var current = Vector256.Create(keys.Slice(i, Vector256<int>.Count));
                var previous = Vector256.Create(keys.Slice(i - 1, Vector256<int>.Count));
                if (!Vector256.GreaterThanAll(current, previous))
                {
                    return false;
                }
            }
        }

        for (; i < keys.Length; i++)
        {
            if (keys[i] <= keys[i - 1])
            {
                return false;
            }
        }

        return true;
    }
}
