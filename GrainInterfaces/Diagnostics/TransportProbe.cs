using Orleans.Runtime.Placement;

namespace OrleansML.Diagnostics;

/// <summary>
/// Reaches the <see cref="ITransportProbeGrain"/> of a chosen silo. A probe's key is its silo's address, and the call
/// that activates it must carry that silo as a placement hint, which <see cref="CallAsync{TResult}"/> does: a probe
/// activated anywhere else refuses every call and migrates to its silo, so that a retry reaches it there.
/// </summary>
public static class TransportProbe
{
    public static string KeyFor(SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return silo.ToParsableString();
    }

    /// <summary>The silo a probe key names, or null when <paramref name="key"/> is not a silo address.</summary>
    public static SiloAddress? SiloOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SiloAddress.TryParse(key, out SiloAddress? silo) ? silo : null;
    }

    /// <summary>Calls <paramref name="silo"/>'s probe with a placement hint for that silo, so that a first call
    /// activates it there.</summary>
    public static async Task<TResult> CallAsync<TResult>(IGrainFactory grainFactory, SiloAddress silo, Func<ITransportProbeGrain, Task<TResult>> call)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        ArgumentNullException.ThrowIfNull(call);
        // The request context is per asynchronous flow: the hint set here travels with this call only.
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            return await call(grainFactory.GetGrain<ITransportProbeGrain>(KeyFor(silo)));
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    /// <summary>Element <paramref name="index"/> of a tensor a probe provides (a pattern the receiver checks).</summary>
    public static float ValueAt(int index) => (index % 1021) * 0.25f;
}
