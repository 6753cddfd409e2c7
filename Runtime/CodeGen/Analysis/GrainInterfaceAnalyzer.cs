using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OrleansML.Runtime.CodeGen.Model;

namespace OrleansML.Runtime.CodeGen.Analysis;

/// <summary>Turns a grain interface symbol into a <see cref="GrainInterfaceModel"/>, with diagnostics for what cannot be generated.</summary>
internal static class GrainInterfaceAnalyzer
{
    public static GrainInterfaceModel? Analyze(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var declaration = (InterfaceDeclarationSyntax)context.Node;
        if (context.SemanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type
            || !DeclarationFilter.IsPrimaryDeclaration(type, declaration, cancellationToken))
        {
            return null;
        }

        bool? hasIntegerKey = SymbolFacts.GrainKeyKind(type, out bool bothKeys);
        return hasIntegerKey is null ? null : Build(type, hasIntegerKey.Value, bothKeys, cancellationToken);
    }

    private static GrainInterfaceModel Build(INamedTypeSymbol type, bool hasIntegerKey, bool bothKeys, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        Location? location = type.Locations.FirstOrDefault();
        string display = type.ToDisplayString();
        if (bothKeys)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BothKeyKinds, location, display));
        }

        if (type.IsGenericType)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericGrainType, location, display));
        }

        if (!SymbolFacts.IsAccessibleToGeneratedCode(type))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InaccessibleType, location, display));
        }

        string? declaredGrainType = DeclaredGrainType(type);
        if (declaredGrainType is not null && (declaredGrainType.Length == 0 || declaredGrainType.IndexOf('/') >= 0))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidDeclaredGrainType, location, display, declaredGrainType));
        }

        // A member inherited from another grain interface declared in this compilation is reported there;
        // here it only stops generation. Anything else inherited is reported on this interface.
        bool invalid = false;
        var methods = new List<IMethodSymbol>();
        foreach (INamedTypeSymbol declaring in new[] { type }.Concat(type.AllInterfaces))
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool own = SymbolEqualityComparer.Default.Equals(declaring, type);
            bool reportedElsewhere = !own && SymbolFacts.IsGrainInterface(declaring) && declaring.Locations.Any(l => l.IsInSource);
            var memberDiagnostics = new List<DiagnosticInfo>();
            foreach (ISymbol member in declaring.GetMembers())
            {
                Location? memberLocation = own ? member.Locations.FirstOrDefault() : location;
                if (member is IMethodSymbol method && CheckMethod(method, memberLocation, own, memberDiagnostics))
                {
                    methods.Add(method);
                }
                else if (member is IPropertySymbol or IEventSymbol && (!member.IsStatic || member.IsAbstract || member.IsVirtual))
                {
                    string kind = member is IPropertySymbol { IsIndexer: true } ? "indexer" : member is IPropertySymbol ? "property" : "event";
                    memberDiagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedMember, memberLocation, display, kind, member.ToDisplayString()));
                }
            }

            invalid |= memberDiagnostics.Count > 0;
            if (!reportedElsewhere)
            {
                diagnostics.AddRange(memberDiagnostics);
            }
        }

        List<GrainMethodModel> models = invalid || diagnostics.Count > 0 ? new List<GrainMethodModel>() : BuildMethods(type, methods, location, diagnostics);
        return new GrainInterfaceModel(
            type.ToDisplayString(SymbolFacts.CodeFormat),
            SymbolFacts.RuntimeFullName(type),
            "GrainInterface_" + NameMangling.Mangle(SymbolFacts.RuntimeFullName(type)),
            hasIntegerKey,
            declaredGrainType,
            !invalid && diagnostics.Count == 0,
            models.ToEquatableArray(),
            diagnostics.ToEquatableArray());
    }

    /// <summary>The name in [GrainType("name")] on the interface ("" when it is not a string), or null without one.</summary>
    private static string? DeclaredGrainType(INamedTypeSymbol type)
    {
        AttributeData? attribute = SymbolFacts.FindAttribute(type, "GrainTypeAttribute");
        return attribute is null
            ? null
            : attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string name ? name : string.Empty;
    }

    /// <summary>True when <paramref name="method"/> is a grain method to generate; adds diagnostics for invalid ones.</summary>
    private static bool CheckMethod(IMethodSymbol method, Location? location, bool own, List<DiagnosticInfo> diagnostics)
    {
        if (method.MethodKind != MethodKind.Ordinary)
        {
            return false; // accessors are covered by their property or event
        }

        string display = method.ToDisplayString();
        if (method.IsStatic)
        {
            if (method.IsAbstract || method.IsVirtual)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedMember, location, method.ContainingType.ToDisplayString(), "static abstract method", display));
            }

            return false;
        }

        if (!method.IsAbstract)
        {
            return false; // a default implementation runs where it is called; it is not a grain call
        }

        int before = diagnostics.Count;
        if (method.IsGenericMethod)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericMethod, location, display));
        }

        if (MethodShape.Classify(method.ReturnType, out _) is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedReturnType, location, display, method.ReturnType.ToDisplayString()));
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            Location? parameterLocation = own ? parameter.Locations.FirstOrDefault() ?? location : location;
            if (parameter.RefKind != RefKind.None)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ByRefParameter, parameterLocation, parameter.Name, display, RefKindText(parameter.RefKind)));
            }
            else if (parameter.Type.IsRefLikeType || parameter.Type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedParameterType, parameterLocation, parameter.Name, display, parameter.Type.ToDisplayString()));
            }
        }

        return diagnostics.Count == before;
    }

    private static List<GrainMethodModel> BuildMethods(INamedTypeSymbol type, List<IMethodSymbol> methods, Location? location, List<DiagnosticInfo> diagnostics)
    {
        var models = new List<GrainMethodModel>(methods.Count);
        var byId = new Dictionary<uint, IMethodSymbol>();
        var nameCounts = methods.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.Count());
        var nameSeen = new Dictionary<string, int>();
        foreach (IMethodSymbol method in methods)
        {
            GrainMethodModel model = MethodShape.Build(method, RequestClassName(method.Name, nameCounts, nameSeen));
            if (byId.TryGetValue(model.MethodId, out IMethodSymbol? first))
            {
                bool own = SymbolEqualityComparer.Default.Equals(method.ContainingType, type);
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.DuplicateMethodId,
                    own ? method.Locations.FirstOrDefault() : location,
                    method.ToDisplayString(),
                    "0x" + model.MethodId.ToString("X8", System.Globalization.CultureInfo.InvariantCulture),
                    first.ToDisplayString(),
                    type.ToDisplayString()));
                continue;
            }

            byId.Add(model.MethodId, method);
            models.Add(model);
        }

        return diagnostics.Count > 0 ? new List<GrainMethodModel>() : models;
    }

    /// <summary>"{Name}Request", or "{Name}Request{k}" (k from 1, in declaration order) for overloads.</summary>
    private static string RequestClassName(string name, Dictionary<string, int> counts, Dictionary<string, int> seen)
    {
        if (counts[name] == 1)
        {
            return name + "Request";
        }

        seen.TryGetValue(name, out int k);
        seen[name] = ++k;
        return name + "Request" + k.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string RefKindText(RefKind kind) => kind switch
    {
        RefKind.Out => "out",
        RefKind.In => "in",
        RefKind.RefReadOnlyParameter => "ref readonly",
        _ => "ref",
    };
}
