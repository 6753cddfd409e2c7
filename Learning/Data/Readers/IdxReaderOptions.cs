namespace OrleansML.Learning.Data.Readers;

/// <summary>Options of <see cref="IdxReader"/>.</summary>
public sealed class IdxReaderOptions
{
    /// <summary>Scale pixel bytes to [0, 1] (value / 255). Default true; false keeps 0..255.</summary>
    public bool ScaleToUnitRange { get; set; } = true;
}
