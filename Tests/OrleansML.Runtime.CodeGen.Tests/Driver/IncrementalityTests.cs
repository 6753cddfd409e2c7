using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace OrleansML.Runtime.CodeGen.Tests.Driver;

public sealed class IncrementalityTests
{
    [Fact]
    public void Adding_an_unrelated_file_reuses_every_model_and_output()
    {
        CSharpCompilation first = GeneratorHarness.Compile(Samples.Interfaces, Samples.GrainClass);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(first);

        CSharpCompilation second = first.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other; public sealed class Unrelated { }", GeneratorHarness.ParseOptions));
        GeneratorRunResult result = driver.RunGenerators(second).GetRunResult().Results.Single();

        AssertAllReused(result, GrainCodeGenerator.GrainInterfacesStep, expectedOutputs: 3);
        AssertAllReused(result, GrainCodeGenerator.GrainClassesStep, expectedOutputs: 1);
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Editing_a_method_body_leaves_the_models_unchanged()
    {
        CSharpCompilation first = GeneratorHarness.Compile(Samples.Interfaces, Samples.GrainClass);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(first);

        SyntaxTree classTree = first.SyntaxTrees.Last();
        SyntaxTree edited = classTree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            Samples.GrainClass.Replace("Task.FromResult(\"counter\")", "Task.FromResult(\"renamed\")", StringComparison.Ordinal)));
        GeneratorRunResult result = driver.RunGenerators(first.ReplaceSyntaxTree(classTree, edited)).GetRunResult().Results.Single();

        AssertAllReused(result, GrainCodeGenerator.GrainClassesStep, expectedOutputs: 1);
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Adding_a_grain_method_regenerates_that_interface()
    {
        CSharpCompilation first = GeneratorHarness.Compile(Samples.Interfaces);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(first);

        SyntaxTree tree = first.SyntaxTrees.Single();
        SyntaxTree edited = tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            Samples.Interfaces.Replace("Task<string> Name();", "Task<string> Name();\n    Task Rename(string name);", StringComparison.Ordinal)));
        GeneratorRunResult result = driver.RunGenerators(first.ReplaceSyntaxTree(tree, edited)).GetRunResult().Results.Single();

        IncrementalStepRunReason[] reasons = result.TrackedSteps[GrainCodeGenerator.GrainInterfacesStep].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(2, reasons.Count(r => r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached));
        Assert.Contains(result.GeneratedSources, s => s.HintName == "GrainInterface_Sample_INamedCounter.g.cs" && s.SourceText.ToString().Contains("RenameRequest", StringComparison.Ordinal));
    }

    private static void AssertAllReused(GeneratorRunResult result, string step, int expectedOutputs)
    {
        var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(expectedOutputs, outputs.Count);
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} output was {o.Reason}"));
    }
}
