using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace OrleansML.Runtime.Invocation;

/// <summary>What the generator knows about a grain interface.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GrainInterfaceMetadata(
    Type interfaceType,
    bool hasIntegerKey,
    Func<IGrainCallInvoker, GrainId, GrainReference> createReference,
    IReadOnlyList<GrainRequest> methods,
    string? declaredGrainType)
{
    /// <summary>An interface without a declared grain type.</summary>
    public GrainInterfaceMetadata(
        Type interfaceType,
        bool hasIntegerKey,
        Func<IGrainCallInvoker, GrainId, GrainReference> createReference,
        IReadOnlyList<GrainRequest> methods)
        : this(interfaceType, hasIntegerKey, createReference, methods, null)
    {
    }

    /// <summary>The interface.</summary>
    public Type InterfaceType { get; } = interfaceType;

    /// <summary>Its full name (the wire name).</summary>
    public string InterfaceName { get; } = interfaceType.FullName!;

    /// <summary>True for <see cref="IGrainWithIntegerKey"/> interfaces.</summary>
    public bool HasIntegerKey { get; } = hasIntegerKey;

    /// <summary>Creates a proxy.</summary>
    public Func<IGrainCallInvoker, GrainId, GrainReference> CreateReference { get; } = createReference;

    /// <summary>One empty request per method (prototypes: call <see cref="GrainRequest.CreateEmpty"/>).</summary>
    public IReadOnlyList<GrainRequest> Methods { get; } = methods;

    /// <summary>The grain type named by <see cref="GrainTypeAttribute"/> on the interface, or null: with it, a
    /// caller needs only the interface to address the grain.</summary>
    public string? DeclaredGrainType { get; } = declaredGrainType;
}

/// <summary>What the generator knows about a grain class.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GrainClassMetadata(
    Type grainClass,
    string grainType,
    IReadOnlyList<Type> interfaces,
    PlacementStrategy placement,
    bool isReentrant,
    Func<IServiceProvider, IGrainContext, Grain> activator)
{
    /// <summary>The class.</summary>
    public Type GrainClass { get; } = grainClass;

    /// <summary>The grain type name used in grain ids.</summary>
    public string GrainType { get; } = grainType;

    /// <summary>The grain interfaces the class implements.</summary>
    public IReadOnlyList<Type> Interfaces { get; } = interfaces;

    /// <summary>Its placement strategy.</summary>
    public PlacementStrategy Placement { get; } = placement;

    /// <summary>True when the class is <see cref="ReentrantAttribute"/>.</summary>
    public bool IsReentrant { get; } = isReentrant;

    /// <summary>Constructs the grain (inside <see cref="GrainConstructionScope.Construct"/>), resolving
    /// constructor parameters from the services and persistent state from the context.</summary>
    public Func<IServiceProvider, IGrainContext, Grain> Activator { get; } = activator;
}

/// <summary>
/// Where generated code registers interfaces and grain classes, from module initialisers. A module
/// initialiser runs when its assembly loads; <see cref="EnsureLoaded"/> makes sure it has.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratedCodeRegistry
{
    private static readonly ConcurrentDictionary<Type, GrainInterfaceMetadata> s_interfacesByType = new();
    private static readonly ConcurrentDictionary<string, GrainInterfaceMetadata> s_interfacesByName = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<Type, GrainClassMetadata> s_classesByType = new();
    private static readonly ConcurrentDictionary<string, GrainClassMetadata> s_classesByGrainType = new(StringComparer.Ordinal);

    /// <summary>Registers an interface (called by generated code).</summary>
    public static void RegisterInterface(GrainInterfaceMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        s_interfacesByType[metadata.InterfaceType] = metadata;
        s_interfacesByName[metadata.InterfaceName] = metadata;
    }

    /// <summary>Registers a grain class (called by generated code).</summary>
    public static void RegisterGrainClass(GrainClassMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        s_classesByType[metadata.GrainClass] = metadata;
        s_classesByGrainType[metadata.GrainType] = metadata;
    }

    /// <summary>Runs the module initialiser of <paramref name="assembly"/> so its grains are registered.</summary>
    public static void EnsureLoaded(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
    }

    /// <summary>The interface registered for a type, or null.</summary>
    public static GrainInterfaceMetadata? FindInterface(Type interfaceType) => s_interfacesByType.GetValueOrDefault(interfaceType);

    /// <summary>The interface registered under a name, or null.</summary>
    public static GrainInterfaceMetadata? FindInterface(string interfaceName) => s_interfacesByName.GetValueOrDefault(interfaceName);

    /// <summary>The grain class registered under a grain type name, or null.</summary>
    public static GrainClassMetadata? FindGrainClass(string grainType) => s_classesByGrainType.GetValueOrDefault(grainType);

    /// <summary>Every grain class implementing <paramref name="interfaceType"/>.</summary>
    public static IReadOnlyList<GrainClassMetadata> FindImplementations(Type interfaceType) =>
        s_classesByType.Values.Where(c => c.Interfaces.Contains(interfaceType)).ToList();

    /// <summary>Every registered grain class.</summary>
    public static IReadOnlyCollection<GrainClassMetadata> GrainClasses => (IReadOnlyCollection<GrainClassMetadata>)s_classesByType.Values;
}
