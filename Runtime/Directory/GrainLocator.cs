using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Placement;

namespace OrleansML.Runtime.Directory;

/// <summary>
/// Finds the silo to send a grain call to: the location cache (a hint only), else the directory, else a
/// placement decision. A wrong hint costs a forward, never a wrong answer: the receiving silo resolves the
/// true location through the directory's first-writer-wins registration. Only placement needs the grain
/// class (its strategy), so a grain that is already active is reached without it.
/// </summary>
internal sealed class GrainLocator(GrainDirectory directory, PlacementService placement, IClusterMembershipView membership, IOptions<SiloOptions> options)
{
    private readonly ConcurrentDictionary<GrainId, SiloAddress> _cache = new();
    private readonly ConcurrentDictionary<GrainId, Task<SiloAddress>> _resolving = new();

    public async ValueTask<SiloAddress> ResolveAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(grainId, out SiloAddress? cached) && IsActive(cached))
        {
            return cached;
        }

        // Concurrent first calls to one grain share one directory lookup and one placement decision, so a
        // burst of N calls costs one round trip to the directory owner and sends all N to one silo.
        var mine = new TaskCompletionSource<SiloAddress>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<SiloAddress> resolving = _resolving.GetOrAdd(grainId, mine.Task);
        if (resolving == mine.Task)
        {
            // Started only after the entry is in the table, so its removal can never precede its insertion.
            _ = ResolveUncachedAsync(grainId, mine);
        }

        return await resolving.WaitAsync(cancellationToken);
    }

    private async Task ResolveUncachedAsync(GrainId grainId, TaskCompletionSource<SiloAddress> result)
    {
        try
        {
            // Not a caller's token: the lookup is shared, and one caller giving up must not fail the others.
            GrainAddress? address = await directory.LookupAsync(grainId, CancellationToken.None);
            if (address is not null)
            {
                Remember(grainId, address.Silo);
                result.SetResult(address.Silo);
            }
            else
            {
                GrainClassMetadata grainClass = GeneratedCodeRegistry.FindGrainClass(grainId.Type)
                    ?? throw new GrainCallRejectedException(RejectionKind.UnknownGrain, $"No grain class is registered for grain type '{grainId.Type}' on this silo, so it cannot place {grainId} (call AddGrainAssembly for the assembly that defines it).");
                result.SetResult(placement.Place(grainId, grainClass));
            }
        }
        catch (Exception e)
        {
            result.SetException(e);
        }
        finally
        {
            _resolving.TryRemove(new KeyValuePair<GrainId, Task<SiloAddress>>(grainId, result.Task));
        }
    }

    /// <summary>Records where a grain answered from.</summary>
    public void Remember(GrainId grainId, SiloAddress silo)
    {
        if (_cache.Count >= options.Value.MaxLocationCacheSize)
        {
            // The cache is only a hint: dropping it costs lookups, never correctness.
            _cache.Clear();
        }

        _cache[grainId] = silo;
    }

    public void Forget(GrainId grainId) => _cache.TryRemove(grainId, out _);

    /// <summary>Drops every hint pointing at a silo that is no longer active.</summary>
    public void ForgetSilosNotActive()
    {
        foreach (KeyValuePair<GrainId, SiloAddress> entry in _cache)
        {
            if (!IsActive(entry.Value))
            {
                _cache.TryRemove(entry);
            }
        }
    }

    private bool IsActive(SiloAddress silo) => membership.Current.Find(silo)?.Status == SiloStatus.Active;
}
