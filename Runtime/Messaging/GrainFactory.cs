using System.Collections.Concurrent;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Messaging;

/// <summary>
/// Creates grain references (generated proxies) bound to an invoker. A reference names its grain type: the one
/// the interface declares with [GrainType] (all a process holding only the interfaces, such as a client,
/// needs), else the one of the single registered class implementing it.
/// </summary>
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
        string grainType = s_grainTypes.GetOrAdd(interfaceType, static (_, m) => ResolveGrainType(m), metadata);
        return (TGrainInterface)(object)metadata.CreateReference(invoker, new GrainId(grainType, key));
    }

    /// <summary>The grain type of an interface's references; a declaration is checked against the grain classes
    /// this process has (none on a pure client, where the gateway rejects a type no silo serves).</summary>
    internal static string ResolveGrainType(GrainInterfaceMetadata metadata)
    {
        Type type = metadata.InterfaceType;
        if (metadata.DeclaredGrainType is string declared)
        {
            GrainClassMetadata? named = GeneratedCodeRegistry.FindGrainClass(declared);
            if (named is not null && !named.Interfaces.Contains(type))
            {
                throw new InvalidOperationException($"{type.FullName} declares grain type '{declared}', but the grain class of that type, {named.GrainClass.FullName}, does not implement it.");
            }

            IReadOnlyList<GrainClassMetadata> implementations = GeneratedCodeRegistry.FindImplementations(type);
            if (named is null && implementations.Count > 0)
            {
                throw new InvalidOperationException($"{type.FullName} declares grain type '{declared}', but the grain classes implementing it have other grain types ({string.Join(", ", implementations.Select(c => $"{c.GrainClass.Name}: '{c.GrainType}'"))}); make the [GrainType] names agree.");
            }

            return declared;
        }

        IReadOnlyList<GrainClassMetadata> classes = GeneratedCodeRegistry.FindImplementations(type);
        return classes.Count switch
        {
            1 => classes[0].GrainType,
            0 => throw new InvalidOperationException($"No grain class implementing {type.FullName} is registered and the interface declares no grain type: put [GrainType(\"name\")] on the interface (with the name of the class's grain type), or add the assembly that defines the class with AddGrainAssembly."),
            _ => throw new InvalidOperationException($"Several grain classes implement {type.FullName} ({string.Join(", ", classes.Select(c => c.GrainClass.Name))}); declare which grain type serves it with [GrainType(\"name\")] on the interface."),
        };
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
