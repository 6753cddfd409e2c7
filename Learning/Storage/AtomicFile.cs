namespace OrleansML.Learning.Storage;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new content, never a torn
/// write: the data goes to a temporary file in the same directory (so the rename cannot cross file systems),
/// is flushed to disk, then renamed over the target. A crash leaves the old file and, at worst, a stray
/// temporary file that <see cref="IsTemporaryName"/> recognises.
/// </summary>
internal static class AtomicFile
{
    private const string TemporarySuffix = ".tmp";

    /// <summary>Length of "N"-formatted GUID text.</summary>
    private const int GuidLength = 32;

    private static readonly System.Buffers.SearchValues<char> LowerHexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    public static void Write(string path, Action<FileStream> write)
    {
        string fullPath = Path.GetFullPath(path);
        string temporary = PrepareTemporary(fullPath);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            DeleteQuietly(temporary);
            throw;
        }
    }

    public static async Task WriteAsync(string path, Func<FileStream, CancellationToken, ValueTask> write, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string fullPath = Path.GetFullPath(path);
        string temporary = PrepareTemporary(fullPath);
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 1 << 16,
                Options = FileOptions.Asynchronous,
            };
            await using (var stream = new FileStream(temporary, options))
            {
                await write(stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                // There is no asynchronous fsync; this blocks for the disk, which is the point of it.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            DeleteQuietly(temporary);
            throw;
        }
    }

    /// <summary>Whether <paramref name="fileName"/> has the shape of a temporary file made here.</summary>
    public static bool IsTemporaryName(ReadOnlySpan<char> fileName)
    {
        // ".{target}.{guid}.tmp": at least one character of target name.
        const int Overhead = 1 + 1 + 1 + GuidLength + 4;
        if (fileName.Length < Overhead || fileName[0] != '.' || !fileName.EndsWith(TemporarySuffix, StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> guid = fileName.Slice(fileName.Length - TemporarySuffix.Length - GuidLength, GuidLength);
        return fileName[fileName.Length - TemporarySuffix.Length - GuidLength - 1] == '.' && !guid.ContainsAnyExcept(LowerHexDigits);
    }

    private static string PrepareTemporary(string fullPath)
    {
        string directory = Path.GetDirectoryName(fullPath) ?? ".";
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}{TemporarySuffix}");
    }

    private static void DeleteQuietly(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The original failure is the one worth reporting; a leftover temporary file is ignored by readers and listings.
        }
    }
}
