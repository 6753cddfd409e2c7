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
/// true location through the directory's first-writer-wins registration.
/// </summary>
internal sealed class GrainLocator(GrainDirectory directory, PlacementService placement, IClusterMembershipView membership, IOptions<SiloOptions> options)
{
    private readonly ConcurrentDictionary<GrainId, SiloAddress> _cache = new();

    public async ValueTask<SiloAddress> ResolveAsync(GrainId grainId, GrainClassMetadata grainClass, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(grainId, out SiloAddress? cached) && IsActive(cached))
        {
            return cached;
        }

        GrainAddress? address = await directory.LookupAsync(grainId, cancellationToken);
        if (address is not null)
        {
            Remember(grainId, address.Silo);
            return address.Silo;
        }

        return placement.Place(grainId, grainClass);
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
