using System.Numerics;

namespace OrleansML.Grains.Workers;

/// <summary>
/// Sorts parameter keys (non-negative ints below a known bound) with a least-significant-digit radix sort: two
/// or three counting passes of at most 12 bits, so the counts stay in the first-level cache. A sparse step's keys
/// are thousands to tens of thousands of distinct ints below 2^24-2^25; a comparison sort takes
/// <c>n log n</c> compares on them, a radix pass two linear sweeps.
/// </summary>
/// <remarks>Few keys go to <see cref="Array.Sort{T}(T[], int, int)"/>: below about 256 keys the radix passes'
/// count arrays cost more than the sort.</remarks>
internal static class KeySort
{
    /// <summary>Below this many keys, a comparison sort is cheaper than clearing the digit counts.</summary>
    public const int RadixThreshold = 256;

    private const int MaximumDigitBits = 12;

    /// <summary>Sorts <paramref name="keys"/>[0, <paramref name="count"/>) ascending, each in [0,
    /// <paramref name="bound"/>), using <paramref name="scratch"/> (at least <paramref name="count"/> long; grown
    /// when shorter).</summary>
    public static void Sort(int[] keys, int count, int bound, ref int[] scratch)
    {
        Debug.Assert(count <= keys.Length && bound > 0);
        if (count < RadixThreshold)
        {
            Array.Sort(keys, 0, count);
            return;
        }

        if (scratch.Length < count)
        {
            scratch = new int[Math.Max(count, scratch.Length * 2)];
        }

        int bits = 32 - BitOperations.LeadingZeroCount((uint)(bound - 1));
        int passes = Math.Max(1, (bits + MaximumDigitBits - 1) / MaximumDigitBits);
        int digitBits = (bits + passes - 1) / passes;
        int mask = (1 << digitBits) - 1;
        Span<int> offsets = stackalloc int[1 << digitBits];
        int[] source = keys;
        int[] target = scratch;
        for (int pass = 0, shift = 0; pass < passes; pass++, shift += digitBits)
        {
            offsets.Clear();
            for (int i = 0; i < count; i++)
            {
                Debug.Assert((uint)source[i] < (uint)bound, "keys lie in [0, bound)");
                offsets[(source[i] >> shift) & mask]++;
            }

            int total = 0;
            for (int digit = 0; digit < offsets.Length; digit++)
            {
                int bucket = offsets[digit];
                offsets[digit] = total;
                total += bucket;
            }

            for (int i = 0; i < count; i++)
            {
                int key = source[i];
                target[offsets[(key >> shift) & mask]++] = key;
            }

            (source, target) = (target, source);
        }

        if (source != keys)
        {
            source.AsSpan(0, count).CopyTo(keys);
        }
    }
}
