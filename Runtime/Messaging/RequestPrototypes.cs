using System.Collections.Concurrent;
using OrleansML.Runtime.Invocation;

namespace OrleansML.Runtime.Messaging;

/// <summary>
/// Finds the request type of an incoming message by (interface name, method id): the runtime's own
/// requests first, then the generated ones registered in <see cref="GeneratedCodeRegistry"/>.
/// </summary>
internal sealed class RequestPrototypes
{
    private readonly ConcurrentDictionary<(string, uint), GrainRequest> _cache = new();
    private readonly Dictionary<(string, uint), GrainRequest> _builtIn = [];

    public RequestPrototypes(IEnumerable<GrainRequest> builtIn)
    {
        foreach (GrainRequest request in builtIn)
        {
            _builtIn.Add((request.InterfaceName, request.MethodId), request);
        }
    }

    /// <summary>An empty request of the method, or null when nothing is registered under that name and id.</summary>
    public GrainRequest? CreateEmpty(string interfaceName, uint methodId)
    {
        var key = (interfaceName, methodId);
        if (!_cache.TryGetValue(key, out GrainRequest? prototype))
        {
            // Misses are not cached: an assembly with more grains may still be registered later.
            prototype = _builtIn.TryGetValue(key, out GrainRequest? own)
                ? own
                : GeneratedCodeRegistry.FindInterface(interfaceName)?.Methods.FirstOrDefault(m => m.MethodId == methodId);
            if (prototype is not null)
            {
                _cache.TryAdd(key, prototype);
            }
        }

        return prototype?.CreateEmpty();
    }
}
