using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Messaging;

namespace OrleansML.Runtime.Directory;

/// <summary>
/// The distributed grain directory: each grain's entry lives in the partition of the silo that owns the
/// grain's hash on the ring. Operations go to the owner (locally or as a system request). Unlike grain
/// calls, directory operations are idempotent, so one whose owner died meanwhile is retried against the
/// new owner (<see cref="SiloOptions.DirectoryOperationAttempts"/>).
/// </summary>
internal sealed partial class GrainDirectory(
    RingProvider ring,
    DirectoryPartition partition,
    LocalSiloDetails localSilo,
    SystemTargetClient systemClient,
    TimeProvider time,
    IOptions<SiloOptions> options,
    ILogger<GrainDirectory> logger) : IRemoteGrainDirectory
{
    public DirectoryPartition Partition => partition;

    /// <summary>Registers an activation; returns the winner (itself, or the live activation registered first).</summary>
    public Task<GrainAddress> RegisterAsync(GrainAddress address, CancellationToken cancellationToken) =>
        RunAtOwnerAsync(
            address.GrainId,
            () => partition.Register(address),
            new RegisterActivationRequest { Address = address },
            r => (GrainAddress)r!,
            cancellationToken);

    /// <summary>The registered live activation of a grain, or null.</summary>
    public Task<GrainAddress?> LookupAsync(GrainId grainId, CancellationToken cancellationToken) =>
        RunAtOwnerAsync(
            grainId,
            () => partition.Lookup(grainId),
            new LookupActivationRequest { GrainId = grainId },
            r => (GrainAddress?)r,
            cancellationToken);

    /// <summary>Removes an activation's entry (only if it is still the registered one).</summary>
    public Task<bool> UnregisterAsync(GrainAddress address, CancellationToken cancellationToken) =>
        RunAtOwnerAsync(
            address.GrainId,
            () => partition.Unregister(address),
            new UnregisterActivationRequest { Address = address },
            r => (bool)r!,
            cancellationToken);

    /// <summary>The silo owning <paramref name="grainId"/>'s entry, or null when no silo is active.</summary>
    public SiloAddress? GetOwner(GrainId grainId) => ring.Current.GetOwner(grainId.StableHash);

    GrainAddress IRemoteGrainDirectory.RegisterLocal(GrainAddress address) => partition.Register(address);

    GrainAddress? IRemoteGrainDirectory.LookupLocal(GrainId grainId) => partition.Lookup(grainId);

    bool IRemoteGrainDirectory.UnregisterLocal(GrainAddress address) => partition.Unregister(address);

    private async Task<T> RunAtOwnerAsync<T>(GrainId grainId, Func<T> local, SystemRequest remote, Func<object?, T> convert, CancellationToken cancellationToken)
    {
        int attempts = options.Value.DirectoryOperationAttempts;
        for (int attempt = 1; ; attempt++)
        {
            SiloAddress owner = ring.Current.GetOwner(grainId.StableHash)
                ?? throw new SiloUnavailableException($"No silo is active, so the directory cannot locate {grainId}.");
            if (owner == localSilo.SiloAddress)
            {
                return local();
            }

            try
            {
                return convert(await systemClient.InvokeAsync(owner, remote, null, cancellationToken));
            }
            catch (SiloUnavailableException e) when (attempt < attempts)
            {
                LogOwnerUnavailable(logger, owner, grainId, attempt, e.Message);

                // Give membership a moment to take the dead owner off the ring before asking again.
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), time, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Directory owner {Owner} of {Grain} is unavailable (attempt {Attempt}): {Reason}")]
    private static partial void LogOwnerUnavailable(ILogger logger, SiloAddress owner, GrainId grain, int attempt, string reason);
}
