namespace OrleansML.Learning.Data.Import;

/// <summary>Which pass over the input an <see cref="ImportProgress"/> report belongs to.</summary>
public enum ImportPhase
{
    /// <summary>Hashing the input bytes to find an earlier import of the same content.</summary>
    Hashing,

    /// <summary>First pass: checking every row and inferring the schema.</summary>
    Scanning,

    /// <summary>Second pass: writing the partitions into the blob store.</summary>
    Writing,
}
