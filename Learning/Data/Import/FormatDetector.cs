namespace OrleansML.Learning.Data.Import;

/// <summary>Decides the format of an input from its first bytes, then its extension, then its first non-blank line.</summary>
internal static class FormatDetector
{
    public static DataFileFormat Detect(string path)
    {
        Span<byte> head = stackalloc byte[4];
        int read;
        using (FileStream stream = InputFile.OpenRead(path))
        {
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (read == 4 && head.SequenceEqual("PAR1"u8))
        {
            return DataFileFormat.Parquet;
        }

        if (read == 4 && head[0] == 0 && head[1] == 0 && head[2] == 0x08 && head[3] == 0x03)
        {
            return DataFileFormat.Idx;
        }

        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (read >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        {
            return path.Contains("idx3", StringComparison.OrdinalIgnoreCase) || path.Contains("ubyte", StringComparison.OrdinalIgnoreCase)
                ? DataFileFormat.Idx
                : throw new DataFormatException(path, 0, 0, "is gzipped; only IDX files are read gzipped (set Format = Idx if it is one, or decompress it)");
        }

        switch (extension)
        {
            case ".csv" or ".tsv":
                return DataFileFormat.Csv;
            case ".svm" or ".libsvm" or ".svmlight":
                return DataFileFormat.LibSvm;
            case ".parquet":
                return DataFileFormat.Parquet;
        }

        return LooksLikeLibSvm(path) ? DataFileFormat.LibSvm : DataFileFormat.Csv;
    }

    /// <summary>A LIBSVM line's second token is index:value; a CSV line has no such token.</summary>
    private static bool LooksLikeLibSvm(string path)
    {
        using var reader = new StreamReader(InputFile.OpenRead(path));
        for (int i = 0; i < 100 && reader.ReadLine() is { } line; i++)
        {
            string[] tokens = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0 || tokens[0].StartsWith('#'))
            {
                continue;
            }

            return tokens.Length == 1 ? !line.Contains(',') : tokens.Skip(1).FirstOrDefault(t => !t.StartsWith("qid:", StringComparison.Ordinal))?.Contains(':') ?? true;
        }

        return false;
    }
}
