using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace OrleansML.Runtime.CodeGen;

/// <summary>The generator's diagnostics. All are errors: an invalid grain would otherwise fail at run time,
/// far from its cause. Messages say what is wrong and what to do instead.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "OrleansML.CodeGen";

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Create(
        "OML001",
        "Grain method must return a task",
        "Grain method '{0}' returns '{1}'; grain methods must return Task, Task<T>, ValueTask, ValueTask<T> or IAsyncEnumerable<T>");

    public static readonly DiagnosticDescriptor ByRefParameter = Create(
        "OML002",
        "Grain method parameter is passed by reference",
        "Parameter '{0}' of grain method '{1}' is '{2}'; grain calls copy arguments to another process, so ref, out and in parameters are not supported");

    public static readonly DiagnosticDescriptor GenericMethod = Create(
        "OML003",
        "Generic grain methods are not supported",
        "Grain method '{0}' is generic; generic grain methods are not supported: declare one method per type argument");

    public static readonly DiagnosticDescriptor UnsupportedMember = Create(
        "OML004",
        "Grain interfaces may declare only methods",
        "Grain interface '{0}' declares the {1} '{2}'; grain interfaces may declare only instance methods (use a method returning Task<T> instead)");

    public static readonly DiagnosticDescriptor PersistentStateWithoutAttribute = Create(
        "OML005",
        "Persistent state parameter needs [PersistentState]",
        "Constructor parameter '{0}' of grain class '{1}' is an IPersistentState<T> without [PersistentState(\"stateName\", \"storageName\")]; add the attribute to name the state and its storage provider");

    public static readonly DiagnosticDescriptor GenericGrainType = Create(
        "OML006",
        "Generic grain interfaces and classes are not supported",
        "'{0}' is generic; generic grain interfaces and grain classes are not supported");

    public static readonly DiagnosticDescriptor DuplicateMethodId = Create(
        "OML007",
        "Two grain methods have the same method id",
        "Grain method '{0}' has the same method id ({1}) as '{2}' in grain interface '{3}'; rename one of them");

    public static readonly DiagnosticDescriptor InaccessibleType = Create(
        "OML008",
        "Grain type is not accessible to generated code",
        "'{0}' must be public or internal (and so must every type containing it) so that generated code can use it");

    public static readonly DiagnosticDescriptor AmbiguousConstructor = Create(
        "OML009",
        "Grain class has an ambiguous constructor",
        "Grain class '{0}' has {1} constructors with {2} parameters; the runtime uses the accessible constructor with the most parameters, so that one must be unique");

    public static readonly DiagnosticDescriptor BothKeyKinds = Create(
        "OML010",
        "Grain interface derives both key kinds",
        "Grain interface '{0}' derives both IGrainWithStringKey and IGrainWithIntegerKey; choose one");

    public static readonly DiagnosticDescriptor UnsupportedParameterType = Create(
        "OML011",
        "Grain method type cannot be serialised",
        "Parameter '{0}' of grain method '{1}' has type '{2}', which cannot be serialised (pointers and ref structs such as Span<T> cannot cross processes; use an array or ReadOnlyMemory<T>)");

    public static readonly DiagnosticDescriptor InvalidGrainTypeName = Create(
        "OML012",
        "Invalid grain type name",
        "Grain class '{0}' has the grain type name '{1}'; grain type names must be non-empty and must not contain '/'");

    public static readonly DiagnosticDescriptor InvalidDeclaredGrainType = Create(
        "OML014",
        "Invalid declared grain type name",
        "Grain interface '{0}' declares the grain type name '{1}'; grain type names must be non-empty and must not contain '/'");

    public static readonly DiagnosticDescriptor NoAccessibleConstructor = Create(
        "OML013",
        "Grain class has no accessible constructor",
        "Grain class '{0}' has no public or internal constructor, so the runtime cannot create it");

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = Index(
        UnsupportedReturnType,
        ByRefParameter,
        GenericMethod,
        UnsupportedMember,
        PersistentStateWithoutAttribute,
        GenericGrainType,
        DuplicateMethodId,
        InaccessibleType,
        AmbiguousConstructor,
        BothKeyKinds,
        UnsupportedParameterType,
        InvalidGrainTypeName,
        InvalidDeclaredGrainType,
        NoAccessibleConstructor);

    public static DiagnosticDescriptor Find(string id) => s_byId[id];

    private static DiagnosticDescriptor Create(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static Dictionary<string, DiagnosticDescriptor> Index(params DiagnosticDescriptor[] descriptors)
    {
        var byId = new Dictionary<string, DiagnosticDescriptor>(StringComparer.Ordinal);
        foreach (DiagnosticDescriptor descriptor in descriptors)
        {
            byId.Add(descriptor.Id, descriptor);
        }

        return byId;
    }
}
