using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using OrleansML.Learning.Data;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Data.Readers;

namespace OrleansML.Benchmarks.Peers;

/// <summary>
/// Fashion-MNIST once, in every form a peer reads: in memory (LocalTrainer, ML.NET), as the demo's partitioned
/// dataset (the cluster), as raw float32/int32 files (the Python peers) and as LIBSVM text (liblinear). Every
/// peer sees the same pixels scaled to [0, 1] and the same train/test split.
/// </summary>
internal sealed class PeerData : IDisposable
{
    private string? _libSvmTrain;
    private string? _libSvmTest;

    private readonly WorkDirectory _work = new("peers");

    private PeerData(FashionMnistData data)
    {
        Train = data.Train;
        Test = data.Test;
    }

    public DenseDataset Train { get; }

    public DenseDataset Test { get; }

    /// <summary>The work directory holding the files below; deleted on dispose.</summary>
    public string Directory => _work.Path;

    public string TrainManifest => _work.Manifest("train");

    public string TestManifest => _work.Manifest("test");

    /// <summary>Loads Fashion-MNIST from <paramref name="source"/> and writes the partitioned and raw forms.</summary>
    public static PeerData Load(string source, int trainPartitions)
    {
        var data = new PeerData(FashionMnist.Load(source));
        PartitionedDataset.Write(data.Directory, "train", data.Train, trainPartitions);
        PartitionedDataset.Write(data.Directory, "test", data.Test, 2);
        WriteRaw(Path.Combine(data.Directory, "train"), data.Train);
        WriteRaw(Path.Combine(data.Directory, "test"), data.Test);
        return data;
    }

    /// <summary>The LIBSVM files (1-based indices, zero pixels left out), written on first use.</summary>
    public (string Train, string Test) LibSvmFiles()
    {
        _libSvmTrain ??= WriteLibSvm(Path.Combine(Directory, "train.libsvm"), Train);
        _libSvmTest ??= WriteLibSvm(Path.Combine(Directory, "test.libsvm"), Test);
        return (_libSvmTrain, _libSvmTest);
    }

    public void Dispose() => _work.Dispose();

    private static void WriteRaw(string prefix, DenseDataset dataset)
    {
        File.WriteAllBytes(prefix + "-x.f32", MemoryMarshal.AsBytes(dataset.Features).ToArray());
        int[] labels = [.. dataset.Labels.ToArray().Select(l => (int)l)];
        File.WriteAllBytes(prefix + "-y.i32", MemoryMarshal.AsBytes(labels.AsSpan()).ToArray());
    }

    private static string WriteLibSvm(string path, DenseDataset dataset)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 20);
        var line = new StringBuilder();
        for (int row = 0; row < dataset.RowCount; row++)
        {
            line.Clear().Append(((int)dataset.Labels[row]).ToString(CultureInfo.InvariantCulture));
            ReadOnlySpan<float> values = dataset.Row(row);
            for (int column = 0; column < values.Length; column++)
            {
                if (values[column] != 0)
                {
                    line.Append(' ').Append(column + 1).Append(':').Append(values[column].ToString("R", CultureInfo.InvariantCulture));
                }
            }

            writer.WriteLine(line);
        }

        return path;
    }
}
