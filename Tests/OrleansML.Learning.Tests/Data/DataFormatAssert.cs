namespace OrleansML.Learning.Tests.Data;

/// <summary>The location checks shared by the text readers' error tests.</summary>
internal static class DataFormatAssert
{
    /// <summary>
    /// Asserts that <paramref name="error"/> names the file, line and column, that its reason starts with
    /// <paramref name="reasonStart"/>, and that its message leads with "file:line:column:".
    /// </summary>
    public static void PointsAt(DataFormatException error, string filePath, int line, int column, string reasonStart)
    {
        Assert.Equal(filePath, error.FilePath);
        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.StartsWith(reasonStart, error.Reason, StringComparison.Ordinal);
        Assert.Contains($"{filePath}:{line}:{column}:", error.Message, StringComparison.Ordinal);
    }
}
