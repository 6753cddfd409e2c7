namespace OrleansML.Learning.Data.Readers;

/// <summary>A row a reader skipped, with where and why.</summary>
/// <param name="FilePath">The file (or stream display name).</param>
/// <param name="Line">1-based line of the row.</param>
/// <param name="Column">1-based character position of the offending token.</param>
/// <param name="Reason">What was wrong.</param>
public sealed record SkippedRow(string FilePath, long Line, long Column, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{FilePath}:{Line}:{Column}: {Reason}";
}
