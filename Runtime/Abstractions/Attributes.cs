namespace OrleansML.Runtime;

/// <summary>Every call to the grain may interleave with others while one awaits. Use only when the grain's
/// state is safe across awaits.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ReentrantAttribute : Attribute;

/// <summary>Calls to this method interleave with any other call, even on a non-reentrant grain.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;

/// <summary>The method does not change grain state: read-only calls interleave with each other (but
/// never with a writing call).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadOnlyAttribute : Attribute;

/// <summary>Values of this type are never mutated after creation, so local calls pass them without a
/// deep copy.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class ImmutableAttribute : Attribute;

/// <summary>Names a grain class's grain type (the default is the class name without a "Grain" suffix,
/// lower-cased). Names must be stable: they are part of grain ids, storage keys and reminders.
/// On a grain interface it declares the grain type that serves the interface, so that a caller holding only
/// the interface (a client without the grain classes) can address its grains; the class implementing it must
/// have that grain type.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Interface, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The grain type name.</summary>
    public string Name { get; } = name;
}

/// <summary>Declares a constructor parameter of type <c>IPersistentState&lt;T&gt;</c>: the state's name
/// (unique within the grain) and the storage provider that holds it.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string storageName = "Default") : Attribute
{
    /// <summary>The state's name within the grain.</summary>
    public string StateName { get; } = stateName;

    /// <summary>The name of the registered <see cref="Persistence.IGrainStorage"/> provider.</summary>
    public string StorageName { get; } = storageName;
}
