namespace OrleansML.Learning.Data.Import;

/// <summary>Checks and opens input files, so that a wrong path gets a message that says what is wrong with it.</summary>
internal static class InputFile
{
    /// <summary>Throws <see cref="DataFormatException"/> unless <paramref name="path"/> is a readable, non-empty file; returns its length.</summary>
    public static long Check(string path)
    {
        if (Directory.Exists(path))
        {
            throw new DataFormatException(path, 0, 0, "is a directory, not a data file");
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new DataFormatException(path, 0, 0, "does not exist");
        }

        if (info.Length == 0)
        {
            throw new DataFormatException(path, 0, 0, "the file is empty");
        }

        return info.Length;
    }

    public static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read,
                BufferSize = 1 << 16,
                Options = FileOptions.SequentialScan | FileOptions.Asynchronous,
            });
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, 0, 0, $"cannot be read: {exception.Message}", exception);
        }
    }
}
