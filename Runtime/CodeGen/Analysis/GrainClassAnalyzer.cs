using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OrleansML.Runtime.CodeGen.Model;

namespace OrleansML.Runtime.CodeGen.Analysis;

/// <summary>Turns a grain class symbol into a <see cref="GrainClassModel"/>: its grain type name, placement,
/// reentrancy and how to call its constructor.</summary>
internal static class GrainClassAnalyzer
{
    private const string GrainSuffix = "Grain";

    public static GrainClassModel? Analyze(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var declaration = (ClassDeclarationSyntax)context.Node;
        if (context.SemanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type
            || type.IsAbstract
            || type.IsStatic
            || !SymbolFacts.DerivesFromGrain(type)
            || !DeclarationFilter.IsPrimaryDeclaration(type, declaration, cancellationToken))
        {
            return null;
        }

        var interfaces = type.AllInterfaces.Where(SymbolFacts.IsGrainInterface).ToList();
        return interfaces.Count == 0 ? null : Build(type, interfaces);
    }

    private static GrainClassModel Build(INamedTypeSymbol type, List<INamedTypeSymbol> interfaces)
    {
        var diagnostics = new List<DiagnosticInfo>();
        Location? location = type.Locations.FirstOrDefault();
        string display = type.ToDisplayString();
        if (type.IsGenericType)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericGrainType, location, display));
        }

        if (!SymbolFacts.IsAccessibleToGeneratedCode(type))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InaccessibleType, location, display));
        }

        string grainType = GrainTypeName(type);
        if (grainType.Length == 0 || grainType.IndexOf('/') >= 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidGrainTypeName, location, display, grainType));
        }

        List<ConstructorParameterModel> parameters = ConstructorParameters(type, location, display, diagnostics);
        return new GrainClassModel(
            type.ToDisplayString(SymbolFacts.CodeFormat),
            display,
            "GrainClass_" + NameMangling.Mangle(SymbolFacts.RuntimeFullName(type)),
            grainType,
            interfaces.Select(i => i.ToDisplayString(SymbolFacts.TypeOfFormat)).ToList().ToEquatableArray(),
            Placement(type),
            SymbolFacts.HasAttribute(type, "ReentrantAttribute"),
            parameters.ToEquatableArray(),
            diagnostics.ToEquatableArray());
    }

    /// <summary>[GrainType("name")], else the class name without a trailing "Grain", lower-cased.</summary>
    private static string GrainTypeName(INamedTypeSymbol type)
    {
        AttributeData? attribute = SymbolFacts.FindAttribute(type, "GrainTypeAttribute");
        if (attribute is not null)
        {
            return attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string name ? name : string.Empty;
        }

        string baseName = type.Name.Length > GrainSuffix.Length && type.Name.EndsWith(GrainSuffix, StringComparison.Ordinal)
            ? type.Name.Substring(0, type.Name.Length - GrainSuffix.Length)
            : type.Name;
#pragma warning disable CA1308 // grain type names are lower case by definition (they appear in ids, keys and URLs).
        return baseName.ToLowerInvariant();
#pragma warning restore CA1308
    }

    /// <summary>The PlacementStrategy member named by the class's placement attribute (Random without one).</summary>
    private static string Placement(INamedTypeSymbol type)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            switch (attribute.AttributeClass is { } c && SymbolFacts.IsRuntimeType(c.BaseType, "PlacementAttribute") ? c.Name : null)
            {
                case "RandomPlacementAttribute":
                    return "Random";
                case "PreferLocalPlacementAttribute":
                    return "PreferLocal";
                case "HashBasedPlacementAttribute":
                    return "HashBased";
                case "SpreadPlacementAttribute":
                    return "Spread";
            }
        }

        return "Random";
    }

    /// <summary>
    /// The arguments of the constructor the activator calls: the public or internal constructor with the most
    /// parameters (so a grain may keep a parameterless constructor for tests beside its injecting one). A tie
    /// is an error rather than a silent choice.
    /// </summary>
    private static List<ConstructorParameterModel> ConstructorParameters(INamedTypeSymbol type, Location? location, string display, List<DiagnosticInfo> diagnostics)
    {
        var result = new List<ConstructorParameterModel>();
        var candidates = type.InstanceConstructors
            .Where(c => c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal)
            .ToList();
        if (candidates.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoAccessibleConstructor, location, display));
            return result;
        }

        int most = candidates.Max(c => c.Parameters.Length);
        var widest = candidates.Where(c => c.Parameters.Length == most).ToList();
        if (widest.Count > 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.AmbiguousConstructor,
                location,
                display,
                widest.Count.ToString(CultureInfo.InvariantCulture),
                most.ToString(CultureInfo.InvariantCulture)));
            return result;
        }

        foreach (IParameterSymbol parameter in widest[0].Parameters)
        {
            string name = parameter.Name;
            string codeType = parameter.Type.ToDisplayString(SymbolFacts.CodeFormat);
            if (parameter.Type is INamedTypeSymbol named && SymbolFacts.IsRuntimeType(named.OriginalDefinition, "IPersistentState", 1))
            {
                AttributeData? attribute = SymbolFacts.FindAttribute(parameter, "PersistentStateAttribute");
                if (attribute is null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PersistentStateWithoutAttribute, parameter.Locations.FirstOrDefault() ?? location, name, display));
                    continue;
                }

                string stateName = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string ?? string.Empty : string.Empty;
                string storageName = attribute.ConstructorArguments.Length > 1 ? attribute.ConstructorArguments[1].Value as string ?? "Default" : "Default";
                result.Add(new ConstructorParameterModel(
                    name, ConstructorParameterSource.PersistentState, codeType, named.TypeArguments[0].ToDisplayString(SymbolFacts.CodeFormat), false, stateName, storageName));
            }
            else if (SymbolFacts.IsRuntimeType(parameter.Type, "IGrainContext"))
            {
                result.Add(new ConstructorParameterModel(name, ConstructorParameterSource.GrainContext, codeType, codeType, false, null, null));
            }
            else
            {
                bool allowsNull = parameter.Type.NullableAnnotation == NullableAnnotation.Annotated;
                result.Add(new ConstructorParameterModel(
                    name, ConstructorParameterSource.Service, codeType, parameter.Type.ToDisplayString(SymbolFacts.TypeOfFormat), allowsNull, null, null));
            }
        }

        return result;
    }
}
