namespace OrleansML.Learning.Data.Readers;

/// <summary>Options shared by the text readers (LIBSVM and CSV).</summary>
public abstract class TextReaderOptions
{
    private int _maxRecordedSkips = 10;
    private int? _classCount;

    /// <summary>Only the readers' own option types derive from this class.</summary>
    private protected TextReaderOptions()
    {
    }

    /// <summary>How labels are interpreted. Default <see cref="LabelMode.AsIs"/>.</summary>
    public LabelMode LabelMode { get; set; } = LabelMode.AsIs;

    /// <summary>
    /// With <see cref="LabelMode.ClassIds"/>, the number of classes K (labels must lie in [0, K)).
    /// Null (the default) only requires non-negative integers.
    /// </summary>
    public int? ClassCount
    {
        get => _classCount;
        set
        {
            if (value is <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(ClassCount), value, "ClassCount must be positive when given.");
            }

            _classCount = value;
        }
    }

    /// <summary>Accept NaN and infinite feature values. Default false: they are errors. Labels must always be finite.</summary>
    public bool AllowNonFiniteValues { get; set; }

    /// <summary>
    /// Skip invalid rows instead of failing. Default false. Skipped rows are counted and the first ones
    /// reported in <see cref="DataReadResult{TDataset}"/>; errors that concern the whole file still throw.
    /// </summary>
    public bool SkipInvalidRows { get; set; }

    /// <summary>How many skipped rows are recorded with their reason. Default 10; 0..1000.</summary>
    public int MaxRecordedSkips
    {
        get => _maxRecordedSkips;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(MaxRecordedSkips));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1000, nameof(MaxRecordedSkips));
            _maxRecordedSkips = value;
        }
    }
}
