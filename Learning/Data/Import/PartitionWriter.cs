using OrleansML.Learning.Data.Partitioning;

namespace OrleansML.Learning.Data.Import;

/// <summary>
/// The second pass's sink: fills one partition's arrays (sized exactly from the first pass's counts), writes the
/// partition file to the store as soon as its last row arrives, and starts the next. At most one partition's rows
/// are held at a time.
/// </summary>
internal sealed class PartitionWriter
{
    private readonly IBlobStore _store;
    private readonly string _prefix;
    private readonly string _name;
    private readonly ModelInput _input;
    private readonly long _featureCount;
    private readonly int[] _boundaries;
    private readonly int[]? _rowPointers;
    private readonly List<PartitionEntry> _entries = [];
    private int _partition;
    private int _rowInPartition;
    private int _valueInPartition;
    private float[] _labels = [];
    private float[] _features = [];
    private int[] _pointers = [];
    private int[] _indices = [];
    private float[] _values = [];

    /// <param name="boundaries">Partition p holds rows [boundaries[p], boundaries[p + 1]).</param>
    /// <param name="rowPointers">Sparse only: the first pass's prefix sums of row lengths.</param>
    public PartitionWriter(IBlobStore store, string prefix, string name, ModelInput input, long featureCount, int[] boundaries, int[]? rowPointers)
    {
        Debug.Assert(input == ModelInput.Dense || rowPointers is not null);
        (_store, _prefix, _name, _input, _featureCount, _boundaries, _rowPointers) = (store, prefix, name, input, featureCount, boundaries, rowPointers);
        Allocate();
    }

    /// <summary>The most rows held in memory at once: the test of the memory bound.</summary>
    public int PeakRowsHeld { get; private set; }

    public IReadOnlyList<PartitionEntry> Entries => _entries;

    public int PartitionCount => _boundaries.Length - 1;

    /// <summary>Copies a dense row in; call <see cref="FlushIfFullAsync"/> after each row.</summary>
    public void AppendDense(float label, ReadOnlySpan<float> features)
    {
        int columns = (int)_featureCount;
        Debug.Assert(features.Length == columns && _rowInPartition < RowsOf(_partition));
        _labels[_rowInPartition] = label;
        features.CopyTo(_features.AsSpan(_rowInPartition * columns, columns));
        Advance();
    }

    /// <summary>Copies a sparse row in; false when its length differs from the first pass's (the file changed in between).</summary>
    public bool AppendSparse(float label, ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        int row = _boundaries[_partition] + _rowInPartition;
        if (_rowPointers![row + 1] - _rowPointers[row] != indices.Length)
        {
            return false;
        }

        _labels[_rowInPartition] = label;
        indices.CopyTo(_indices.AsSpan(_valueInPartition));
        values.CopyTo(_values.AsSpan(_valueInPartition));
        _valueInPartition += indices.Length;
        _pointers[_rowInPartition + 1] = _valueInPartition;
        Advance();
        return true;
    }

    /// <summary>Writes the current partition once its last row is in, and any empty partitions after it.</summary>
    public async ValueTask FlushIfFullAsync(CancellationToken cancellationToken)
    {
        while (_partition < PartitionCount && _rowInPartition == RowsOf(_partition))
        {
            await FlushAsync(cancellationToken);
        }
    }

    /// <summary>Writes the trailing empty partitions, if any, and checks that every row arrived.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await FlushIfFullAsync(cancellationToken);
        Debug.Assert(_partition == PartitionCount);
    }

    private void Advance()
    {
        _rowInPartition++;
        PeakRowsHeld = Math.Max(PeakRowsHeld, _rowInPartition);
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        int rows = RowsOf(_partition);
        PartitionPayload payload;
        long stored;
        if (_input == ModelInput.Dense)
        {
            var dataset = new DenseDataset(_features, _labels, (int)_featureCount);
            payload = PartitionPayload.Dense(dataset, 0, rows);
            stored = (long)rows * _featureCount;
        }
        else
        {
            var dataset = new SparseDataset<int>(_pointers, _indices, _values, _labels, _featureCount);
            payload = PartitionPayload.Sparse(dataset, 0, rows);
            stored = _indices.Length;
        }

        string file = DatasetLayout.PartitionFileName(_name, _partition);
        await using (Stream content = payload.OpenRead())
        {
            await _store.WriteAsync(BlobName.Join(_prefix, file), content, cancellationToken);
        }

        _entries.Add(new PartitionEntry(file, _boundaries[_partition], rows, stored, payload.Checksum));
        _partition++;
        Allocate();
    }

    private void Allocate()
    {
        _rowInPartition = 0;
        _valueInPartition = 0;
        if (_partition >= PartitionCount)
        {
            (_labels, _features, _pointers, _indices, _values) = ([], [], [], [], []);
            return;
        }

        int rows = RowsOf(_partition);
        _labels = new float[rows];
        if (_input == ModelInput.Dense)
        {
            _features = new float[checked(rows * (int)_featureCount)];
        }
        else
        {
            int first = _boundaries[_partition];
            int nonzeros = _rowPointers![first + rows] - _rowPointers[first];
            (_pointers, _indices, _values) = (new int[rows + 1], new int[nonzeros], new float[nonzeros]);
        }
    }

    private int RowsOf(int partition) => _boundaries[partition + 1] - _boundaries[partition];
}
