namespace OrleansML.Learning.Optimizers;

/// <summary>
/// Everything an L-BFGS run needs to continue: the current point, its loss and gradient, the correction
/// pairs and the counters. A coordinator persists <see cref="Serialize"/> after each iteration and, after
/// a failure, resumes with <see cref="Deserialize"/>; the resumed run repeats the uninterrupted one exactly.
/// </summary>
/// <remarks>
/// Invariant: <c>HistoryCount &lt;= HistorySize</c>; pair slots form a ring whose newest slot is
/// <c>_newest</c>; each stored pair has s·y &gt; 0 and <c>_inverseCurvature[slot] == 1 / (s·y)</c>.
/// </remarks>
public sealed class LbfgsState
{
    private const uint Magic = 0x5346424C; // "LBFS"
    private const ushort FormatVersion = 1;
    private readonly double[]?[] _steps;
    private readonly double[]?[] _gradientChanges;
    private readonly double[] _inverseCurvature;
    private int _newest = -1;

    private LbfgsState(int dimension, int historySize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(historySize);
        CurrentPoint = new double[dimension];
        CurrentGradient = new double[dimension];
        _steps = new double[historySize][];
        _gradientChanges = new double[historySize][];
        _inverseCurvature = new double[historySize];
        Loss = double.NaN;
        PreviousLoss = double.NaN;
    }

    /// <summary>A fresh state at <paramref name="initialPoint"/>, not yet evaluated.</summary>
    public static LbfgsState Create(ReadOnlySpan<double> initialPoint, int historySize = 10)
    {
        var state = new LbfgsState(initialPoint.Length, historySize);
        initialPoint.CopyTo(state.CurrentPoint);
        return state;
    }

    /// <summary>Number of coordinates.</summary>
    public int Dimension => CurrentPoint.Length;

    /// <summary>Maximum correction pairs kept.</summary>
    public int HistorySize => _steps.Length;

    /// <summary>Correction pairs held now.</summary>
    public int HistoryCount { get; private set; }

    /// <summary>The current point.</summary>
    public ReadOnlySpan<double> Point => CurrentPoint;

    /// <summary>The gradient at <see cref="Point"/> (valid once <see cref="IsEvaluated"/>).</summary>
    public ReadOnlySpan<double> Gradient => CurrentGradient;

    /// <summary>The loss at <see cref="Point"/>, NaN until evaluated.</summary>
    public double Loss { get; internal set; }

    /// <summary>The loss before the last iteration, NaN before the first.</summary>
    public double PreviousLoss { get; internal set; }

    /// <summary>Whether loss and gradient at <see cref="Point"/> are known.</summary>
    public bool IsEvaluated { get; internal set; }

    /// <summary>Completed iterations.</summary>
    public int Iterations { get; internal set; }

    /// <summary>Objective evaluations so far.</summary>
    public long Evaluations { get; internal set; }

    internal double[] CurrentPoint { get; }

    internal double[] CurrentGradient { get; }

    /// <summary>The slot of the k-th pair, oldest first.</summary>
    internal int SlotOf(int chronologicalIndex)
    {
        Debug.Assert((uint)chronologicalIndex < (uint)HistoryCount);
        return (_newest - HistoryCount + 1 + chronologicalIndex + HistorySize) % HistorySize;
    }

    internal ReadOnlySpan<double> StepAt(int slot) => _steps[slot];

    internal ReadOnlySpan<double> GradientChangeAt(int slot) => _gradientChanges[slot];

    internal double InverseCurvatureAt(int slot) => _inverseCurvature[slot];

    /// <summary>Stores s = x_new - x and y = g_new - g, dropping the oldest pair when full.</summary>
    internal void PushPair(ReadOnlySpan<double> step, ReadOnlySpan<double> gradientChange, double curvature)
    {
        Debug.Assert(curvature > 0, "a pair must have s·y > 0 to keep the inverse Hessian positive definite");
        _newest = (_newest + 1) % HistorySize;
        step.CopyTo(_steps[_newest] ??= new double[Dimension]);
        gradientChange.CopyTo(_gradientChanges[_newest] ??= new double[Dimension]);
        _inverseCurvature[_newest] = 1 / curvature;
        HistoryCount = Math.Min(HistoryCount + 1, HistorySize);
    }

    /// <summary>Forgets the curvature pairs (when the direction stops being a descent direction).</summary>
    internal void ClearHistory()
    {
        HistoryCount = 0;
        _newest = -1;
    }

    /// <summary>Serialises to a little-endian blob: header, point, gradient, pairs oldest first.</summary>
    public byte[] Serialize()
    {
        int n = Dimension;
        long size = HeaderSize + ((2L + (2L * HistoryCount)) * n * sizeof(double)) + ((long)HistoryCount * sizeof(double));
        var bytes = new byte[checked((int)size)];
        Span<byte> span = bytes;
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], IsEvaluated ? (ushort)1 : (ushort)0);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], n);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], HistorySize);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], HistoryCount);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], Iterations);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], Evaluations);
        BinaryPrimitives.WriteDoubleLittleEndian(span[32..], Loss);
        BinaryPrimitives.WriteDoubleLittleEndian(span[40..], PreviousLoss);
        int offset = HeaderSize;
        offset = WriteDoubles(CurrentPoint, span, offset);
        offset = WriteDoubles(CurrentGradient, span, offset);
        for (int k = 0; k < HistoryCount; k++)
        {
            int slot = SlotOf(k);
            offset = WriteDoubles(_steps[slot], span, offset);
            offset = WriteDoubles(_gradientChanges[slot], span, offset);
            BinaryPrimitives.WriteDoubleLittleEndian(span[offset..], _inverseCurvature[slot]);
            offset += sizeof(double);
        }

        Debug.Assert(offset == bytes.Length);
        return bytes;
    }

    /// <summary>Reads what <see cref="Serialize"/> wrote.</summary>
    /// <exception cref="FormatException">The blob is truncated, of another version, or not L-BFGS state.</exception>
    public static LbfgsState Deserialize(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic)
        {
            throw new FormatException("L-BFGS state: bad magic number or truncated header.");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
        if (version != FormatVersion)
        {
            throw new FormatException($"L-BFGS state: format version {version} is not supported (expected {FormatVersion}).");
        }

        int n = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        int historySize = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        int historyCount = BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]);
        if (n <= 0 || historySize <= 0 || historyCount < 0 || historyCount > historySize
            || bytes.Length != HeaderSize + ((2L + (2L * historyCount)) * n * sizeof(double)) + ((long)historyCount * sizeof(double)))
        {
            throw new FormatException($"L-BFGS state: {bytes.Length} bytes do not hold dimension {n} with {historyCount} of {historySize} pairs.");
        }

        var state = new LbfgsState(n, historySize)
        {
            IsEvaluated = BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]) != 0,
            Iterations = BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]),
            Evaluations = BinaryPrimitives.ReadInt64LittleEndian(bytes[24..]),
            Loss = BinaryPrimitives.ReadDoubleLittleEndian(bytes[32..]),
            PreviousLoss = BinaryPrimitives.ReadDoubleLittleEndian(bytes[40..]),
        };
        int offset = ReadDoubles(bytes, HeaderSize, state.CurrentPoint);
        offset = ReadDoubles(bytes, offset, state.CurrentGradient);
        var step = new double[n];
        var change = new double[n];
        for (int k = 0; k < historyCount; k++)
        {
            offset = ReadDoubles(bytes, offset, step);
            offset = ReadDoubles(bytes, offset, change);
            double inverse = BinaryPrimitives.ReadDoubleLittleEndian(bytes[offset..]);
            offset += sizeof(double);
            if (!(inverse > 0))
            {
                throw new FormatException($"L-BFGS state: pair {k} has non-positive curvature.");
            }

            state.PushPair(step, change, 1 / inverse);
            // Restore the stored reciprocal bit for bit rather than the reciprocal of its reciprocal.
            state._inverseCurvature[state._newest] = inverse;
        }

        return state;
    }

    private const int HeaderSize = 48;

    private static int WriteDoubles(ReadOnlySpan<double> values, Span<byte> destination, int offset)
    {
        int length = values.Length * sizeof(double);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(destination.Slice(offset, length));
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(destination[(offset + (i * sizeof(double)))..], values[i]);
            }
        }

        return offset + length;
    }

    private static int ReadDoubles(ReadOnlySpan<byte> source, int offset, Span<double> values)
    {
        int length = values.Length * sizeof(double);
        if (BitConverter.IsLittleEndian)
        {
            source.Slice(offset, length).CopyTo(MemoryMarshal.AsBytes(values));
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadDoubleLittleEndian(source[(offset + (i * sizeof(double)))..]);
            }
        }

        return offset + length;
    }
}
