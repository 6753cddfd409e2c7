using System.Collections.Concurrent;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Messaging;

/// <summary>Creates grain references (generated proxies) bound to an invoker.</summary>
internal sealed class GrainFactory(IGrainCallInvoker invoker) : IGrainFactory
{
    private static readonly ConcurrentDictionary<Type, string> s_grainTypes = new();

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        return Create<TGrainInterface>(key);
    }

    public TGrainInterface GetGrain<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey =>
        Create<TGrainInterface>(key.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A reference to an existing grain id through the interface named <paramref name="interfaceName"/>.</summary>
    public object CreateReference(string interfaceName, GrainId grainId)
    {
        GrainInterfaceMetadata metadata = GeneratedCodeRegistry.FindInterface(interfaceName)
            ?? throw new MessageFormatException($"No generated proxy is registered for grain interface '{interfaceName}'.");
        return metadata.CreateReference(invoker, grainId);
    }

    private TGrainInterface Create<TGrainInterface>(string key)
    {
        Type interfaceType = typeof(TGrainInterface);
        GrainInterfaceMetadata metadata = GeneratedCodeRegistry.FindInterface(interfaceType)
            ?? throw new InvalidOperationException($"No generated proxy is registered for {interfaceType.FullName}: reference OrleansML's source generator in its project and add its assembly with AddGrainAssembly.");
        string grainType = s_grainTypes.GetOrAdd(interfaceType, static type =>
        {
            IReadOnlyList<GrainClassMetadata> classes = GeneratedCodeRegistry.FindImplementations(type);
            return classes.Count switch
            {
                1 => classes[0].GrainType,
                0 => throw new InvalidOperationException($"No grain class implementing {type.FullName} is registered (add the assembly that defines it with AddGrainAssembly)."),
                _ => throw new InvalidOperationException($"Several grain classes implement {type.FullName} ({string.Join(", ", classes.Select(c => c.GrainClass.Name))}); OrleansML needs exactly one."),
            };
        });
        return (TGrainInterface)(object)metadata.CreateReference(invoker, new GrainId(grainType, key));
    }
}

/// <summary>Resolves grain references read from message bodies (lazily, to break the construction cycle
/// between the call manager, which reads bodies, and the runtime client, which owns the call manager).</summary>
internal sealed class SerializationContext(IServiceProvider services) : ISerializationContext
{
    private GrainFactory? _factory;

    public object CreateGrainReference(string interfaceName, GrainId grainId)
    {
        _factory ??= new GrainFactory((IGrainCallInvoker)services.GetService(typeof(RuntimeClient))!);
        return _factory.CreateReference(interfaceName, grainId);
    }
}
