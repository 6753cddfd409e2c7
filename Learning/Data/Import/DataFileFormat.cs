namespace OrleansML.Learning.Data.Import;

/// <summary>The file formats <see cref="DatasetImporter"/> reads.</summary>
public enum DataFileFormat
{
    /// <summary>Decided from the file's first bytes, then its extension, then its first line (see docs/data.md).</summary>
    Auto,

    /// <summary>Delimited numeric text, one row per line, with or without a header.</summary>
    Csv,

    /// <summary>LIBSVM/SVMlight text: <c>label id:value id:value ...</c>.</summary>
    LibSvm,

    /// <summary>IDX (MNIST) images file plus its labels file, plain or gzipped.</summary>
    Idx,

    /// <summary>Apache Parquet: numeric columns plus a label column, or one list column of floats plus a label column.</summary>
    Parquet,
}
