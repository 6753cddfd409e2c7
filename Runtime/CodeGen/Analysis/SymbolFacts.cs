using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace OrleansML.Runtime.CodeGen.Analysis;

/// <summary>Questions about symbols, answered by name so that no type lookup is needed per syntax node.</summary>
internal static class SymbolFacts
{
    public const string RuntimeNamespace = "OrleansML.Runtime";

    /// <summary>Types as fully qualified C#, with nullable annotations: what generated declarations must repeat
    /// so that explicit implementations match the interface exactly.</summary>
    public static readonly SymbolDisplayFormat CodeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>Types as fully qualified C# without reference nullability (valid inside typeof).</summary>
    public static readonly SymbolDisplayFormat TypeOfFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>Types as hashed into method ids: namespace-qualified, keywords for special types, tuples
    /// expanded and nullable reference annotations left out (they do not change what goes on the wire).</summary>
    public static readonly SymbolDisplayFormat SignatureFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.ExpandValueTuple);

    public static bool Is(ITypeSymbol? type, string containingNamespace, string name, int arity = 0) =>
        type is INamedTypeSymbol named
        && named.Arity == arity
        && string.Equals(named.Name, name, StringComparison.Ordinal)
        && named.ContainingType is null
        && string.Equals(named.ContainingNamespace?.ToDisplayString(), containingNamespace, StringComparison.Ordinal);

    public static bool IsRuntimeType(ITypeSymbol? type, string name, int arity = 0) => Is(type, RuntimeNamespace, name, arity);

    public static bool HasAttribute(ISymbol symbol, string attributeName) => FindAttribute(symbol, attributeName) is not null;

    public static AttributeData? FindAttribute(ISymbol symbol, string attributeName)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (IsRuntimeType(attribute.AttributeClass, attributeName))
            {
                return attribute;
            }
        }

        return null;
    }

    /// <summary>The key kind of a grain interface: true for integer keys, false for string keys, null when the
    /// interface is not a grain interface. <paramref name="both"/> reports an interface deriving both.</summary>
    public static bool? GrainKeyKind(INamedTypeSymbol type, out bool both)
    {
        bool isString = false;
        bool isInteger = false;
        foreach (INamedTypeSymbol inherited in type.AllInterfaces)
        {
            isString |= IsRuntimeType(inherited, "IGrainWithStringKey");
            isInteger |= IsRuntimeType(inherited, "IGrainWithIntegerKey");
        }

        both = isString && isInteger;
        return isInteger ? true : isString ? false : null;
    }

    public static bool IsGrainInterface(INamedTypeSymbol type) =>
        type.TypeKind == TypeKind.Interface && GrainKeyKind(type, out _) is not null;

    public static bool DerivesFromGrain(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (IsRuntimeType(current, "Grain"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Generated code lives in the same assembly, in another namespace: it can use a type only when
    /// neither it nor any containing type is private or protected.</summary>
    public static bool IsAccessibleToGeneratedCode(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            switch (current.DeclaredAccessibility)
            {
                case Accessibility.Public:
                case Accessibility.Internal:
                case Accessibility.ProtectedOrInternal:
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>What <c>Type.FullName</c> returns for a non-generic type: namespace, then containing types
    /// joined by '+'.</summary>
    public static string RuntimeFullName(INamedTypeSymbol type)
    {
        string name = type.MetadataName;
        for (INamedTypeSymbol? container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            name = container.MetadataName + "+" + name;
        }

        return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
    }

    public static string EscapeIdentifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
}
