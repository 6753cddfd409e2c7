using Microsoft.Extensions.Options;

namespace OrleansML.Runtime.Persistence;

/// <summary>Settings of the file-system grain storage provider.</summary>
public sealed class FileGrainStorageOptions
{
    /// <summary>Default <see cref="LockTimeout"/>: 10 s.</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default <see cref="LockRetryDelay"/>: 5 ms.</summary>
    public static readonly TimeSpan DefaultLockRetryDelay = TimeSpan.FromMilliseconds(5);

    /// <summary>The directory holding one file per (state name, grain); created when missing.</summary>
    public string DirectoryPath { get; set; } = "";

    /// <summary>
    /// Flush each new file to the disk (fsync) before it replaces the old one (default true). Turning it
    /// off trades durability across power loss for write latency; the replace stays atomic either way.
    /// </summary>
    public bool FlushToDisk { get; set; } = true;

    /// <summary>How long a write or clear waits for another process's lock on the same record before failing.</summary>
    public TimeSpan LockTimeout { get; set; } = DefaultLockTimeout;

    /// <summary>How long to wait between attempts to take another process's lock file.</summary>
    public TimeSpan LockRetryDelay { get; set; } = DefaultLockRetryDelay;

    /// <summary>Throws <see cref="OptionsValidationException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        List<string> errors = [];
        if (string.IsNullOrWhiteSpace(DirectoryPath))
        {
            errors.Add($"FileGrainStorageOptions.{nameof(DirectoryPath)} must name a directory.");
        }

        if (LockTimeout <= TimeSpan.Zero)
        {
            errors.Add($"FileGrainStorageOptions.{nameof(LockTimeout)} must be positive, but is {LockTimeout}.");
        }

        if (LockRetryDelay <= TimeSpan.Zero || LockRetryDelay > LockTimeout)
        {
            errors.Add($"FileGrainStorageOptions.{nameof(LockRetryDelay)} must be positive and at most {nameof(LockTimeout)}, but is {LockRetryDelay}.");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(nameof(FileGrainStorageOptions), typeof(FileGrainStorageOptions), errors);
        }
    }
}
