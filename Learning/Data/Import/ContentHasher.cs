using System.Security.Cryptography;
using System.Text;

namespace OrleansML.Learning.Data.Import;

/// <summary>Hashes the input files (SHA-256) and derives the cache key from that hash and the options that change the output.</summary>
internal static class ContentHasher
{
    private const int BufferBytes = 1 << 20;

    public static async Task<string> HashFilesAsync(IReadOnlyList<string> paths, ProgressReporter reporter, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[BufferBytes];
        long done = 0;
        foreach (string path in paths)
        {
            await using FileStream stream = InputFile.OpenRead(path);
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                done += read;
                reporter.Report(ImportPhase.Hashing, done, 0);
            }
        }

        reporter.Report(ImportPhase.Hashing, done, 0, final: true);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>16 hex digits naming the import's blob folder: the content and every option that changes what is written.</summary>
    public static string CacheKey(string contentHash, DataFileFormat format, DatasetImportOptions options)
    {
        string text = $"orleansml-import/1;content={contentHash};resolvedFormat={format};{options.DescribeOutputOptions()}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
