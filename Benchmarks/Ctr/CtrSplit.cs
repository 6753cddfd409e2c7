using OrleansML.Learning.Data;
using OrleansML.Learning.Data.Partitioning;

namespace OrleansML.Benchmarks.Ctr;

/// <summary>A training and a held-out set over 2^<see cref="FeaturesLog2"/> feature ids, in memory for
/// LocalTrainer and as partition files (one per worker) with manifests for the silos' workers.</summary>
internal sealed record CtrSplit(SparseDataset<int> Train, SparseDataset<int> Test, string TrainManifest, string TestManifest, int FeaturesLog2)
{
    public static CtrSplit Write(SparseDataset<int> train, SparseDataset<int> test, int featuresLog2, string directory, string name, int partitions)
    {
        PartitionedDataset.Write(directory, $"{name}-train", train, partitions);
        PartitionedDataset.Write(directory, $"{name}-test", test, partitions);
        return new CtrSplit(
            train,
            test,
            Path.Combine(directory, $"{name}-train{PartitionedDataset.ManifestSuffix}"),
            Path.Combine(directory, $"{name}-test{PartitionedDataset.ManifestSuffix}"),
            featuresLog2);
    }

    /// <summary>The same rows with every id folded into 2^<paramref name="featuresLog2"/> buckets (the low bits, as
    /// a hashing trick over a smaller table would; Zipf ids are ranked, so the frequent ones keep their own bucket).
    /// Only the ids are copied; values and labels are shared.</summary>
    public CtrSplit Fold(int featuresLog2, string directory, string name, int partitions)
    {
        if (featuresLog2 >= FeaturesLog2)
        {
            return this;
        }

        return Write(Fold(Train, featuresLog2), Fold(Test, featuresLog2), featuresLog2, directory, name, partitions);
    }

    private static SparseDataset<int> Fold(SparseDataset<int> data, int featuresLog2)
    {
        int mask = (1 << featuresLog2) - 1;
        int[] indices = GC.AllocateUninitializedArray<int>(data.NonzeroCount);
        ReadOnlySpan<int> source = data.Indices;
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = source[i] & mask;
        }

        return new SparseDataset<int>(data.RowPointers.ToArray(), indices, data.ValueArray, data.LabelArray, 1L << featuresLog2);
    }
}
