namespace OrleansML.Learning.Data.Readers;

/// <summary>How the feature ids written in a LIBSVM file are numbered.</summary>
public enum LibSvmIndexBase
{
    /// <summary>
    /// One-based (the LIBSVM convention) unless some id 0 occurs in the file, in which case the file is
    /// taken as zero-based. Decided after the whole file has been read.
    /// </summary>
    Auto,

    /// <summary>Ids are written as 0..FeatureCount-1.</summary>
    Zero,

    /// <summary>Ids are written as 1..FeatureCount; an id 0 is an error.</summary>
    One,
}
