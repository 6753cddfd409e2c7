using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using OrleansML.Runtime.CodeGen.Model;

namespace OrleansML.Runtime.CodeGen.Analysis;

/// <summary>Reads a valid grain method's return kind, parameters, method id and flags.</summary>
internal static class MethodShape
{
    private const string Tasks = "System.Threading.Tasks";

    /// <summary>The return kind, or null when the type is not one grain methods may return.</summary>
    public static ReturnKind? Classify(ITypeSymbol returnType, out ITypeSymbol? resultType)
    {
        resultType = (returnType as INamedTypeSymbol)?.TypeArguments.FirstOrDefault();
        if (SymbolFacts.Is(returnType, Tasks, "Task"))
        {
            return ReturnKind.Task;
        }

        if (SymbolFacts.Is(returnType, Tasks, "ValueTask"))
        {
            return ReturnKind.ValueTask;
        }

        if (SymbolFacts.Is(returnType, Tasks, "Task", 1))
        {
            return ReturnKind.TaskOfT;
        }

        if (SymbolFacts.Is(returnType, Tasks, "ValueTask", 1))
        {
            return ReturnKind.ValueTaskOfT;
        }

        if (SymbolFacts.Is(returnType, "System.Collections.Generic", "IAsyncEnumerable", 1))
        {
            return ReturnKind.AsyncEnumerable;
        }

        resultType = null;
        return null;
    }

    public static GrainMethodModel Build(IMethodSymbol method, string requestClassName)
    {
        ReturnKind kind = Classify(method.ReturnType, out ITypeSymbol? resultType)!.Value;
        var parameters = new List<ParameterModel>(method.Parameters.Length);
        bool immutableArguments = true;
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            bool isCancellationToken = SymbolFacts.Is(parameter.Type, "System.Threading", "CancellationToken");
            immutableArguments &= isCancellationToken || IsImmutable(parameter.Type);
            parameters.Add(new ParameterModel(
                SymbolFacts.EscapeIdentifier(parameter.Name),
                parameter.Type.ToDisplayString(SymbolFacts.CodeFormat),
                isCancellationToken));
        }

        string signature = method.Name + "(" + string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolFacts.SignatureFormat))) + ")";
        var flags = new List<string>();
        if (SymbolFacts.HasAttribute(method, "ReadOnlyAttribute"))
        {
            flags.Add("ReadOnly");
        }

        if (SymbolFacts.HasAttribute(method, "AlwaysInterleaveAttribute"))
        {
            flags.Add("AlwaysInterleave");
        }

        if (kind == ReturnKind.AsyncEnumerable)
        {
            flags.Add("Stream");
        }

        if (immutableArguments)
        {
            flags.Add("ImmutableArguments");
        }

        if (kind != ReturnKind.AsyncEnumerable && (resultType is null || IsImmutable(resultType)))
        {
            flags.Add("ImmutableResult");
        }

        return new GrainMethodModel(
            method.Name,
            SymbolFacts.EscapeIdentifier(method.Name),
            method.ContainingType.ToDisplayString(SymbolFacts.CodeFormat),
            kind,
            method.ReturnType.ToDisplayString(SymbolFacts.CodeFormat),
            resultType?.ToDisplayString(SymbolFacts.CodeFormat),
            resultType?.IsReferenceType ?? false,
            parameters.ToEquatableArray(),
            signature,
            StableHash.Hash(signature),
            flags.ToEquatableArray(),
            requestClassName);
    }

    /// <summary>Types whose values cannot change after creation, so local calls may share them: primitives,
    /// strings, enums, the BCL's immutable value types, nullable forms of these, and [Immutable] types.</summary>
    private static bool IsImmutable(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean:
            case SpecialType.System_Char:
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Decimal:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_String:
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
            case SpecialType.System_DateTime:
                return true;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return true;
        }

        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            return IsImmutable(nullable.TypeArguments[0]);
        }

        return SymbolFacts.Is(type, "System", "Guid")
            || SymbolFacts.Is(type, "System", "TimeSpan")
            || SymbolFacts.Is(type, "System", "DateTimeOffset")
            || SymbolFacts.Is(type, "System", "Half")
            || SymbolFacts.HasAttribute(type.OriginalDefinition, "ImmutableAttribute");
    }
}
