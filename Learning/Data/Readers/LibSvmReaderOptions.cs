namespace OrleansML.Learning.Data.Readers;

/// <summary>Options of <see cref="LibSvmReader"/>.</summary>
public sealed class LibSvmReaderOptions : TextReaderOptions
{
    private long? _featureCount;

    /// <summary>How ids are numbered. Default <see cref="LibSvmIndexBase.Auto"/>.</summary>
    public LibSvmIndexBase IndexBase { get; set; } = LibSvmIndexBase.Auto;

    /// <summary>
    /// The number of features. Null (the default) takes the largest id + 1; when given, an id at or
    /// beyond it is an error that names the line and column.
    /// </summary>
    public long? FeatureCount
    {
        get => _featureCount;
        set
        {
            if (value is <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(FeatureCount), value, "FeatureCount must be positive when given.");
            }

            _featureCount = value;
        }
    }
}
