using System.Text;

namespace OrleansML.Learning.Tests.Data;

public sealed class PartitionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orleansml-partitions").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // A few heavy rows among many light ones: row r has 200 entries when r % 50 == 0 and 1 otherwise,
    // and the heavy rows are all in the first quarter, so equal row counts would be badly skewed.
    private static SparseDataset<int> Skewed()
    {
        var pointers = new List<int> { 0 };
        var indices = new List<int>();
        var labels = new List<float>();
        for (int r = 0; r < 2000; r++)
        {
            int length = r < 500 && r % 10 == 0 ? 200 : 1;
            for (int k = 0; k < length; k++)
            {
                indices.Add(k);
            }

            pointers.Add(indices.Count);
            labels.Add(r % 2);
        }

        return new SparseDataset<int>([.. pointers], [.. indices], Enumerable.Repeat(1f, indices.Count).ToArray(), [.. labels], 200);
    }

    [Fact]
    public void Sparse_partitions_are_balanced_by_nonzeros_not_rows()
    {
        SparseDataset<int> data = Skewed();
        SparseDataset<int>[] parts = DatasetPartitioner.Split(data, 4);

        double mean = data.NonzeroCount / 4.0;
        Assert.All(parts, p => Assert.InRange(p.NonzeroCount, 0.9 * mean, 1.1 * mean));
        Assert.Equal(data.NonzeroCount, parts.Sum(p => p.NonzeroCount));
        Assert.Equal(data.RowCount, parts.Sum(p => p.RowCount));
        Assert.True(parts.Max(p => p.RowCount) > 3 * parts.Min(p => p.RowCount), "row counts should differ when nonzeros are skewed");
        Assert.Equal(data.Labels.ToArray(), parts.SelectMany(p => p.Labels.ToArray()).ToArray());
    }

    [Fact]
    public void Every_partition_gets_a_row_even_when_one_row_dominates()
    {
        int[] pointers = [0, 1000, 1001, 1002, 1003];

        int[] boundaries = DatasetPartitioner.PlanByNonzeros(pointers, 4);

        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, boundaries);
        Assert.Equal(new[] { 0, 0, 1, 1, 2 }, DatasetPartitioner.PlanByNonzeros([0, 5, 10], 4));
        Assert.Equal(new[] { 0, 3, 6, 10 }, DatasetPartitioner.PlanByRows(10, 3));
    }

    [Fact]
    public void Dense_partition_file_round_trips_exactly()
    {
        DenseDataset data = DatasetOperationsTests.NumberedDense(37);
        string path = Path.Combine(_directory, "dense" + PartitionFile.Extension);

        PartitionFile.Write(path, data);
        DenseDataset back = PartitionFile.ReadDense(path);

        Assert.Equal(data.ColumnCount, back.ColumnCount);
        Assert.Equal(data.Features.ToArray(), back.Features.ToArray());
        Assert.Equal(data.Labels.ToArray(), back.Labels.ToArray());
        Assert.Equal(64 + (37 * 4) + (37 * 2 * 4), new FileInfo(path).Length);
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public void Sparse_partition_files_round_trip_with_32_and_64_bit_ids()
    {
        SparseDataset<int> data = DatasetOperationsTests.NumberedSparse(25);
        var wide = new SparseDataset<long>([0, 2, 3], [5_000_000_000L, 1, 4_999_999_999L], [1, -2, 3.5f], [0, 1], 6_000_000_000L);
        string path = Path.Combine(_directory, "sparse.omlp");
        string widePath = Path.Combine(_directory, "wide.omlp");

        PartitionFile.Write(path, data);
        PartitionFile.Write(widePath, wide);
        SparseDataset<int> back = PartitionFile.ReadSparse<int>(path);
        SparseDataset<long> wideBack = PartitionFile.ReadSparse<long>(widePath);

        Assert.Equal(data.RowPointers.ToArray(), back.RowPointers.ToArray());
        Assert.Equal(data.Indices.ToArray(), back.Indices.ToArray());
        Assert.Equal(data.Values.ToArray(), back.Values.ToArray());
        Assert.Equal(data.Labels.ToArray(), back.Labels.ToArray());
        Assert.Equal(data.FeatureCount, back.FeatureCount);
        Assert.Equal(wide.Indices.ToArray(), wideBack.Indices.ToArray());
        Assert.Equal(6_000_000_000L, wideBack.FeatureCount);
        DataFormatException mismatch = Assert.Throws<DataFormatException>(() => PartitionFile.ReadSparse<int>(widePath));
        Assert.Contains("8-byte ids", mismatch.Reason, StringComparison.Ordinal);
        Assert.Throws<DataFormatException>(() => PartitionFile.ReadDense(path));
    }

    [Theory]
    [InlineData(100, 64, "checksum mismatch")]
    [InlineData(20, 52, "header checksum")]
    [InlineData(8, 8, "format version")]
    [InlineData(0, 0, "wrong magic")]
    public void A_corrupted_byte_is_detected_at_its_offset(int offset, int reportedOffset, string reason)
    {
        string path = Path.Combine(_directory, "corrupt.omlp");
        PartitionFile.Write(path, DatasetOperationsTests.NumberedDense(20));
        byte[] bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0x10;
        File.WriteAllBytes(path, bytes);

        DataFormatException error = Assert.Throws<DataFormatException>(() => PartitionFile.ReadDense(path));

        Assert.Equal(path, error.FilePath);
        Assert.Equal(reportedOffset, error.Line);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    public void A_truncated_file_is_an_error(int keptBytes)
    {
        string path = Path.Combine(_directory, "truncated.omlp");
        PartitionFile.Write(path, DatasetOperationsTests.NumberedSparse(30));
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..keptBytes]);

        DataFormatException error = Assert.Throws<DataFormatException>(() => PartitionFile.ReadSparse<int>(path));

        Assert.Equal(keptBytes, error.Line);
        Assert.Contains("truncated", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_lists_partitions_and_reopens_the_dataset_by_name()
    {
        SparseDataset<int> data = Skewed();

        DatasetManifest written = PartitionedDataset.Write(_directory, "clicks", data, 3);
        DatasetManifest manifest = PartitionedDataset.OpenManifest(_directory, "clicks");

        Assert.Equal(written.Partitions, manifest.Partitions);
        Assert.Equal((PartitionKind.Sparse, 4, 2000L, 200L), (manifest.Kind, manifest.IndexWidth, manifest.RowCount, manifest.ColumnCount));
        Assert.Equal(data.NonzeroCount, manifest.Partitions.Sum(p => p.NonzeroCount));
        string json = File.ReadAllText(Path.Combine(_directory, "clicks.manifest.json"), Encoding.UTF8);
        Assert.Contains("\"kind\": \"Sparse\"", json, StringComparison.Ordinal);
        var rows = new List<float>();
        var ids = new List<int>();
        for (int p = 0; p < manifest.Partitions.Count; p++)
        {
            SparseDataset<int> part = PartitionedDataset.ReadSparsePartition<int>(_directory, manifest, p);
            Assert.Equal(manifest.Partitions[p].FirstRow, rows.Count);
            Assert.Equal(manifest.Partitions[p].NonzeroCount, part.NonzeroCount);
            Assert.Equal(data.RowPointers[rows.Count + part.RowCount] - data.RowPointers[rows.Count], part.RowPointers[^1]);
            rows.AddRange(part.Labels.ToArray());
            ids.AddRange(part.Indices.ToArray());
        }

        Assert.Equal(data.Labels.ToArray(), rows);
        Assert.Equal(data.Indices.ToArray(), ids);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void Dense_dataset_directory_round_trips_and_detects_a_swapped_file()
    {
        DenseDataset data = DatasetOperationsTests.NumberedDense(11);
        DatasetManifest manifest = PartitionedDataset.Write(_directory, "numbers", data, 2);

        DenseDataset first = PartitionedDataset.ReadDensePartition(_directory, manifest, 0);
        DenseDataset second = PartitionedDataset.ReadDensePartition(_directory, manifest, 1);
        Assert.Equal(data.Features.ToArray(), first.Features.ToArray().Concat(second.Features.ToArray()));

        File.Copy(Path.Combine(_directory, manifest.Partitions[0].File), Path.Combine(_directory, manifest.Partitions[1].File), overwrite: true);
        DataFormatException error = Assert.Throws<DataFormatException>(() => PartitionedDataset.ReadDensePartition(_directory, manifest, 1));
        Assert.Contains("manifest", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_or_future_manifests_are_data_format_errors()
    {
        PartitionedDataset.Write(_directory, "m", DatasetOperationsTests.NumberedDense(4), 2);
        string path = Path.Combine(_directory, "m" + PartitionedDataset.ManifestSuffix);
        string json = File.ReadAllText(path);

        File.WriteAllText(path, json.Replace("\"formatVersion\": 1", "\"formatVersion\": 99", StringComparison.Ordinal));
        Assert.Contains("format version 99", Assert.Throws<DataFormatException>(() => PartitionedDataset.OpenManifest(_directory, "m")).Reason, StringComparison.Ordinal);

        File.WriteAllText(path, json[..(json.Length / 2)]);
        DataFormatException truncated = Assert.Throws<DataFormatException>(() => PartitionedDataset.OpenManifest(_directory, "m"));
        Assert.Equal(path, truncated.FilePath);
        Assert.StartsWith("invalid manifest", truncated.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Dataset_names_with_path_parts_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => PartitionedDataset.Write(_directory, "../escape", DatasetOperationsTests.NumberedDense(2), 1));
    }

    [Fact]
    public void Crc32c_matches_the_standard_check_value_on_both_paths()
    {
        byte[] check = Encoding.ASCII.GetBytes("123456789");
        byte[] longer = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();

        Assert.Equal(0xE3069283u, Crc32C.Compute(check));
        Assert.Equal(0xE3069283u, Crc32C.AppendTable(0, check));
        Assert.Equal(Crc32C.AppendTable(0, longer), Crc32C.Compute(longer));
        Assert.Equal(Crc32C.Compute(longer), Crc32C.Append(Crc32C.Compute(longer.AsSpan(0, 333)), longer.AsSpan(333)));
        if (System.Runtime.Intrinsics.X86.Sse42.X64.IsSupported)
        {
            Assert.Equal(0xE3069283u, Crc32C.AppendHardware(0, check));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(12_287)]
    [InlineData(12_288)]
    [InlineData(12_289)]
    [InlineData(100_003)]
    public void Three_lane_hardware_crc_equals_the_table_crc(int length)
    {
        byte[] data = new byte[length];
        new Random(length).NextBytes(data);

        Assert.Equal(Crc32C.AppendTable(0x12345678u, data), Crc32C.Append(0x12345678u, data));
        if (System.Runtime.Intrinsics.X86.Sse42.X64.IsSupported)
        {
            Assert.Equal(Crc32C.AppendTable(0, data), Crc32C.AppendHardware(0, data));
        }
    }

    [Fact]
    public void Polynomial_multiplication_has_one_as_identity_and_commutes()
    {
        const uint One = 1u << 31;

        Assert.Equal(0xDEADBEEFu, Crc32C.MultiplyModPolynomial(0xDEADBEEFu, One));
        Assert.Equal(Crc32C.MultiplyModPolynomial(0x0BADF00Du, 0xCAFEBABEu), Crc32C.MultiplyModPolynomial(0xCAFEBABEu, 0x0BADF00Du));
    }
}
