using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OrleansML.Runtime.CodeGen.Analysis;
using OrleansML.Runtime.CodeGen.Emit;
using OrleansML.Runtime.CodeGen.Model;

namespace OrleansML.Runtime.CodeGen;

/// <summary>
/// Generates grain proxies, request (invoker) classes and registrations for the grain interfaces and grain
/// classes declared in the compilation. See README.md beside this file for what is generated and the
/// diagnostics.
/// </summary>
/// <remarks>
/// Grain interfaces and classes carry no marker attribute, so the pipeline starts from syntax: the
/// predicate keeps type declarations with a base list (cheap, no semantic model); the transform asks the
/// semantic model whether the type is a grain and turns it into an equatable model of strings. Only a
/// changed model re-runs emission, so an edit elsewhere leaves the generated files cached.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class GrainCodeGenerator : IIncrementalGenerator
{
    /// <summary>Tracking name of the grain-interface models step (for incrementality tests).</summary>
    public const string GrainInterfacesStep = "GrainInterfaces";

    /// <summary>Tracking name of the grain-class models step (for incrementality tests).</summary>
    public const string GrainClassesStep = "GrainClasses";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<GrainInterfaceModel> interfaces = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is InterfaceDeclarationSyntax { BaseList: not null },
                static (syntax, cancellationToken) => GrainInterfaceAnalyzer.Analyze(syntax, cancellationToken))
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(GrainInterfacesStep);

        IncrementalValuesProvider<GrainClassModel> classes = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is ClassDeclarationSyntax { BaseList: not null },
                static (syntax, cancellationToken) => GrainClassAnalyzer.Analyze(syntax, cancellationToken))
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(GrainClassesStep);

        context.RegisterSourceOutput(interfaces, static (output, model) =>
        {
            foreach (DiagnosticInfo diagnostic in model.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (model.IsValid)
            {
                output.AddSource(model.GeneratedClassName + ".g.cs", GrainInterfaceEmitter.Emit(model));
            }
        });

        context.RegisterSourceOutput(classes, static (output, model) =>
        {
            foreach (DiagnosticInfo diagnostic in model.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (model.Diagnostics.Count == 0)
            {
                output.AddSource(model.GeneratedClassName + ".g.cs", GrainClassEmitter.Emit(model));
            }
        });
    }
}
