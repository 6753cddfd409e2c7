namespace OrleansML.Learning.Data;

/// <summary>
/// The hashing trick: maps feature ids (64-bit integers or strings) into 2^<see cref="BucketBits"/> buckets
/// with a seeded 64-bit mixing hash that is stable across processes, machines and runtime versions (it
/// never uses <see cref="string.GetHashCode()"/>). With sign hashing, each id also gets a pseudo-random
/// sign, which makes collisions cancel in expectation instead of biasing the weights upwards.
/// Instances are immutable and safe to share between threads.
/// </summary>
public sealed class FeatureHasher
{
    /// <summary>The largest allowed <see cref="BucketBits"/> (2^30 buckets keeps ids in positive int range with room for arrays).</summary>
    public const int MaxBucketBits = 30;

    private const ulong GoldenGamma = 0x9E3779B97F4A7C15UL;
    private readonly ulong _seedKey;

    /// <summary>Creates a hasher into 2^<paramref name="bucketBits"/> buckets.</summary>
    /// <param name="bucketBits">log2 of the bucket count, 1..30.</param>
    /// <param name="seed">Changes every bucket assignment; the same seed always gives the same assignment.</param>
    /// <param name="signHashing">Multiply each value by a hashed sign (+1 or -1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bucketBits"/> is outside 1..30.</exception>
    public FeatureHasher(int bucketBits, ulong seed = 0, bool signHashing = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketBits, 1, nameof(bucketBits));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bucketBits, MaxBucketBits, nameof(bucketBits));
        BucketBits = bucketBits;
        Seed = seed;
        SignHashing = signHashing;
        _seedKey = Mix(seed ^ 0x5851F42D4C957F2DUL);
    }

    /// <summary>log2 of the bucket count.</summary>
    public int BucketBits { get; }

    /// <summary>Number of buckets, 2^<see cref="BucketBits"/>: the FeatureCount of hashed datasets.</summary>
    public int BucketCount => 1 << BucketBits;

    /// <summary>The seed.</summary>
    public ulong Seed { get; }

    /// <summary>Whether values get a hashed sign.</summary>
    public bool SignHashing { get; }

    /// <summary>The full 64-bit hash of an id under this hasher's seed.</summary>
    public ulong Hash(long id) => Mix(((ulong)id + _seedKey) * GoldenGamma);

    /// <summary>The full 64-bit hash of a string (its UTF-16 code units) under this hasher's seed.</summary>
    public ulong Hash(ReadOnlySpan<char> name)
    {
        ulong state = _seedKey ^ ((ulong)name.Length * GoldenGamma);
        ReadOnlySpan<ulong> blocks = MemoryMarshal.Cast<char, ulong>(name);
        for (int i = 0; i < blocks.Length; i++)
        {
            // Read as little-endian so the value does not depend on the machine's byte order.
            ulong block = BitConverter.IsLittleEndian ? blocks[i] : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(blocks[i]);
            state = Mix(state ^ block) + GoldenGamma;
        }

        ulong tail = 0;
        for (int i = blocks.Length * 4; i < name.Length; i++)
        {
            tail = (tail << 16) | name[i];
        }

        return Mix(state ^ tail ^ 0xD6E8FEB86659FD93UL);
    }

    /// <summary>The bucket of an id, in [0, <see cref="BucketCount"/>).</summary>
    public int Bucket(long id) => BucketOf(Hash(id));

    /// <summary>The bucket of a string feature, in [0, <see cref="BucketCount"/>).</summary>
    public int Bucket(ReadOnlySpan<char> name) => BucketOf(Hash(name));

    /// <summary>The sign an id's values get: -1 or +1 with sign hashing, always +1 without.</summary>
    public float Sign(long id) => SignOf(Hash(id));

    /// <summary>The sign a string feature's values get: -1 or +1 with sign hashing, always +1 without.</summary>
    public float Sign(ReadOnlySpan<char> name) => SignOf(Hash(name));

    /// <summary>
    /// Hashes every id of <paramref name="dataset"/>; ids that collide within a row are merged and their
    /// (signed) values summed. The result's FeatureCount is <see cref="BucketCount"/>; ids within a row come out sorted.
    /// </summary>
    public SparseDataset<int> Transform<TIndex>(SparseDataset<TIndex> dataset)
        where TIndex : unmanaged, IBinaryInteger<TIndex>
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int nonzeros = dataset.NonzeroCount;
        int[] indices = new int[nonzeros];
        float[] values = new float[nonzeros];
        int[] pointers = new int[dataset.RowCount + 1];
        int written = 0;
        ReadOnlySpan<TIndex> sourceIndices = dataset.Indices;
        ReadOnlySpan<float> sourceValues = dataset.Values;
        ReadOnlySpan<int> sourcePointers = dataset.RowPointers;
        for (int row = 0; row < dataset.RowCount; row++)
        {
            int start = written;
            for (int k = sourcePointers[row]; k < sourcePointers[row + 1]; k++)
            {
                ulong hash = Hash(long.CreateTruncating(sourceIndices[k]));
                indices[written] = BucketOf(hash);
                values[written] = sourceValues[k] * SignOf(hash);
                written++;
            }

            written = start + SortAndMerge(indices.AsSpan(start, written - start), values.AsSpan(start, written - start));
            pointers[row + 1] = written;
        }

        if (written < nonzeros)
        {
            Array.Resize(ref indices, written);
            Array.Resize(ref values, written);
        }

        return new SparseDataset<int>(pointers, indices, values, dataset.Labels.ToArray(), BucketCount);
    }

    /// <summary>Sorts one row by bucket and sums the values of equal buckets; returns the merged length.</summary>
    private static int SortAndMerge(Span<int> buckets, Span<float> values)
    {
        if (buckets.Length <= 1)
        {
            return buckets.Length;
        }

        buckets.Sort(values);
        int kept = 0;
        for (int i = 1; i < buckets.Length; i++)
        {
            if (buckets[i] == buckets[kept])
            {
                values[kept] += values[i];
            }
            else
            {
                kept++;
                buckets[kept] = buckets[i];
                values[kept] = values[i];
            }
        }

        Debug.Assert(kept + 1 <= buckets.Length);
        return kept + 1;
    }

    private int BucketOf(ulong hash) => (int)(hash >> (64 - BucketBits));

    private float SignOf(ulong hash) => SignHashing && (hash & 1) != 0 ? -1f : 1f;

    /// <summary>A bijective 64-bit mixer (xor-shift / odd-multiply rounds) with full avalanche.</summary>
    private static ulong Mix(ulong value)
    {
        value ^= value >> 31;
        value *= 0x7FB5D329728EA185UL;
        value ^= value >> 27;
        value *= 0x81DADEF4BC2DD44DUL;
        value ^= value >> 33;
        return value;
    }
}
