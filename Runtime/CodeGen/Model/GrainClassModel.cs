namespace OrleansML.Runtime.CodeGen.Model;

/// <summary>Everything the emitter needs about one grain class.</summary>
/// <param name="TypeName">The class, fully qualified.</param>
/// <param name="DisplayName">Its readable name, for error messages raised by the activator.</param>
/// <param name="Interfaces">Its grain interfaces, fully qualified.</param>
/// <param name="Placement">A PlacementStrategy member name.</param>
/// <param name="ConstructorParameters">How to obtain each argument of the chosen constructor.</param>
internal sealed record GrainClassModel(
    string TypeName,
    string DisplayName,
    string GeneratedClassName,
    string GrainType,
    EquatableArray<string> Interfaces,
    string Placement,
    bool IsReentrant,
    EquatableArray<ConstructorParameterModel> ConstructorParameters,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Where a constructor argument comes from.</summary>
internal enum ConstructorParameterSource
{
    /// <summary>Resolved from the silo's services; missing is an error unless the parameter is nullable.</summary>
    Service,

    /// <summary>An <c>IPersistentState&lt;T&gt;</c> obtained from the activation context.</summary>
    PersistentState,

    /// <summary>The activation context itself.</summary>
    GrainContext,
}

/// <param name="Type">The parameter type, fully qualified with nullable annotations (for casts).</param>
/// <param name="TypeOfName">The same without reference nullability (valid inside <c>typeof</c>); for persistent state, the state type.</param>
internal sealed record ConstructorParameterModel(
    string Name,
    ConstructorParameterSource Source,
    string Type,
    string TypeOfName,
    bool AllowsNull,
    string? StateName,
    string? StorageName);
