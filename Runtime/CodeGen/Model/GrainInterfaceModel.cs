namespace OrleansML.Runtime.CodeGen.Model;

/// <summary>How a grain method returns its result.</summary>
internal enum ReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
    AsyncEnumerable,
}

/// <summary>Everything the emitter needs about one grain interface (no symbols: see <see cref="EquatableArray{T}"/>).</summary>
/// <param name="TypeName">The interface as fully qualified C# (<c>global::N.IFoo</c>).</param>
/// <param name="RuntimeFullName">What <c>Type.FullName</c> returns for it at run time (nested types joined by '+').</param>
/// <param name="GeneratedClassName">The generated static class in <c>OrleansML.Generated</c>.</param>
/// <param name="Methods">Its methods and those it inherits, in declaration order, base interfaces after it.</param>
/// <param name="DeclaredGrainType">The grain type named by [GrainType] on the interface, or null.</param>
/// <param name="IsValid">False when this interface or a member it inherits is invalid: nothing is generated.</param>
/// <param name="Diagnostics">Errors to report here (an invalid member inherited from another grain interface of
/// this compilation is reported on that interface).</param>
internal sealed record GrainInterfaceModel(
    string TypeName,
    string RuntimeFullName,
    string GeneratedClassName,
    bool HasIntegerKey,
    string? DeclaredGrainType,
    bool IsValid,
    EquatableArray<GrainMethodModel> Methods,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>One grain method.</summary>
/// <param name="DeclaringInterface">The interface that declares it (fully qualified), used for the explicit implementation and the grain-side cast.</param>
/// <param name="ResultType">The awaited or streamed type (fully qualified), or null for Task/ValueTask.</param>
/// <param name="ResultIsReferenceType">For streams: whether items need boxing to be seen as objects.</param>
/// <param name="Signature">The text hashed into <see cref="MethodId"/>: "Name(type,type)".</param>
/// <param name="Flags">The InvokeMethodOptions member names that apply ("ReadOnly", ...).</param>
internal sealed record GrainMethodModel(
    string Name,
    string EscapedName,
    string DeclaringInterface,
    ReturnKind ReturnKind,
    string ReturnType,
    string? ResultType,
    bool ResultIsReferenceType,
    EquatableArray<ParameterModel> Parameters,
    string Signature,
    uint MethodId,
    EquatableArray<string> Flags,
    string RequestClassName);

/// <summary>One parameter of a grain method.</summary>
/// <param name="Name">The parameter name, escaped with '@' when it is a keyword.</param>
/// <param name="Type">Its type, fully qualified, with nullable annotations.</param>
internal sealed record ParameterModel(string Name, string Type, bool IsCancellationToken);
