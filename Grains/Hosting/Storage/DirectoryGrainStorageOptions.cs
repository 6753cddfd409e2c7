using Orleans.Storage;

namespace OrleansML.Grains.Hosting.Storage;

/// <summary>
/// Options of <see cref="DirectoryGrainStorage"/>, the grain storage that keeps each grain state in a file of a local
/// directory. Bound from <c>Orleans:GrainStorage:&lt;name&gt;</c> when its <c>ProviderType</c> is <c>Directory</c>.
/// </summary>
public sealed class DirectoryGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>The directory holding the state files (created when missing). Required.</summary>
    public string Directory { get; set; } = "";

    /// <summary>
    /// How long a write or clear waits for another writer of the same state (in this process or another process of
    /// this machine) before it fails. Default 30 s: writers hold the lock only while they write one file.
    /// </summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether <c>ClearStateAsync</c> deletes the state file (the ETag becomes null) instead of keeping a cleared
    /// record with the next version (the ETag keeps growing, as Orleans' ADO.NET storage does). Default false: a
    /// deleted file lets a writer that never saw the state write again, a cleared record does not.
    /// </summary>
    public bool DeleteStateOnClear { get; set; }

    /// <summary>
    /// The serializer of grain states. Default (null): Orleans' binary <see cref="OrleansGrainStorageSerializer"/>, which
    /// writes tensors as raw blocks; JSON would spell every float out in text.
    /// </summary>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;

    /// <summary>The first invalid option, named by its configuration key under <c>Orleans:GrainStorage:&lt;name&gt;</c>; null when valid.</summary>
    public string? FindProblem(string name)
    {
        string prefix = $"Orleans:GrainStorage:{name}";
        if (string.IsNullOrWhiteSpace(Directory) || Directory.Contains('\0', StringComparison.Ordinal))
        {
            return $"{prefix}:Directory must name a directory for the grain state files.";
        }

        return LockTimeout <= TimeSpan.Zero || LockTimeout > TimeSpan.FromHours(1)
            ? $"{prefix}:LockTimeout must be positive and at most one hour, was {LockTimeout}."
            : null;
    }
}
