namespace OrleansML.Learning.Data.Import;

/// <summary>How far an import has got within one <see cref="ImportPhase"/>.</summary>
/// <param name="Phase">The pass under way.</param>
/// <param name="BytesRead">Input bytes consumed in this pass (of the file as stored, compressed or not).</param>
/// <param name="TotalBytes">Input bytes in all (every input file of the import).</param>
/// <param name="Rows">Rows read in this pass (0 while hashing).</param>
public readonly record struct ImportProgress(ImportPhase Phase, long BytesRead, long TotalBytes, long Rows);
