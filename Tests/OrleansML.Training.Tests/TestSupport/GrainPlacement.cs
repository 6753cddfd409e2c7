using Orleans.GrainDirectory;
using Orleans.Runtime.Placement;

namespace OrleansML.Training.Tests.TestSupport;

/// <summary>
/// Where a test cluster's grains live: activating a grain on a chosen silo, and finding the silo that hosts one.
/// </summary>
public static class GrainPlacement
{
    /// <summary>
    /// Makes <paramref name="firstCall"/> activate <paramref name="grain"/> on <paramref name="silo"/>, through the
    /// placement hint its placement director honours (OrleansML's spread placement for shards and workers, Orleans'
    /// default resource-optimised placement for the others), then checks that it did. The call must be the grain's
    /// first (a hint places only a new activation) and must call no other grain: the request context, hint included,
    /// flows down the call chain and would place every grain that chain activates on the same silo. The hint is
    /// removed once the call returns.
    /// </summary>
    /// <exception cref="InvalidOperationException">The grain was already active elsewhere.</exception>
    public static async Task ActivateOnAsync(InProcessTestCluster cluster, IAddressable grain, InProcessSiloHandle silo, Func<Task> firstCall)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(firstCall);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo.SiloAddress);
        try
        {
            await firstCall();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        SiloAddress? host = await HostOfAsync(cluster, grain);
        if (!Equals(host, silo.SiloAddress))
        {
            throw new InvalidOperationException($"{grain} was to be activated on {silo.Name} ({silo.SiloAddress}) but lives on {host?.ToString() ?? "(no silo)"}: was it active before?");
        }
    }

    /// <summary>The silo where the grain directory says <paramref name="grain"/> is active, or null; it activates
    /// nothing. The test cluster's directory forgets activations of dead silos.</summary>
    public static async Task<SiloAddress?> HostOfAsync(InProcessTestCluster cluster, IAddressable grain)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(grain);
        InProcessSiloHandle any = cluster.Silos.FirstOrDefault(s => s.IsActive) ?? throw new InvalidOperationException("No silo is active.");
        IGrainDirectory directory = any.ServiceProvider.GetRequiredKeyedService<IGrainDirectory>(GrainDirectoryAttribute.DEFAULT_GRAIN_DIRECTORY);
        GrainAddress? address = await directory.Lookup(grain.GetGrainId());
        return address?.SiloAddress;
    }

    /// <summary>The active silo at <paramref name="address"/>, or null.</summary>
    public static InProcessSiloHandle? SiloAt(InProcessTestCluster cluster, SiloAddress? address) =>
        address is null ? null : cluster.Silos.FirstOrDefault(s => s.IsActive && s.SiloAddress.Equals(address));
}
