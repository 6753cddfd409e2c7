using Microsoft.CodeAnalysis;

namespace OrleansML.Runtime.CodeGen.Tests.Driver;

public sealed class GeneratedOutputTests
{
    [Fact]
    public void Sample_interfaces_and_class_produce_one_file_each_and_no_diagnostics()
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(Samples.Interfaces, Samples.GrainClass));

        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(
            ["GrainClass_Sample_CounterGrain.g.cs", "GrainInterface_Sample_ICounter.g.cs", "GrainInterface_Sample_INamedCounter.g.cs", "GrainInterface_Sample_Outer_1IInner__Grain.g.cs"],
            result.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Generated_code_compiles_without_warnings()
    {
        (_, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(Samples.Interfaces, Samples.GrainClass));

        Assert.Empty(GeneratorHarness.Problems(output));
    }

    [Fact]
    public void Interface_gets_a_proxy_and_one_request_class_per_method()
    {
        (_, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(Samples.Interfaces, Samples.GrainClass));

        INamedTypeSymbol holder = output.GetTypeByMetadataName("OrleansML.Generated.GrainInterface_Sample_ICounter")!;
        Assert.NotNull(holder);
        Assert.True(holder.IsStatic);
        Assert.Equal(
            ["AddRequest", "CountRequest", "GetRequest", "NamesRequest", "OverloadRequest1", "OverloadRequest2", "Proxy", "ResetRequest", "TouchRequest", "classRequest"],
            holder.GetTypeMembers().Select(t => t.Name).Order(StringComparer.Ordinal));

        INamedTypeSymbol proxy = holder.GetTypeMembers("Proxy").Single();
        Assert.True(proxy.IsSealed);
        Assert.Equal("OrleansML.Runtime.Invocation.GrainReference", proxy.BaseType!.ToDisplayString());
        Assert.Contains(proxy.Interfaces, i => i.ToDisplayString() == "Sample.ICounter");
        foreach (INamedTypeSymbol request in holder.GetTypeMembers().Where(t => t.Name != "Proxy"))
        {
            Assert.True(request.IsSealed);
            Assert.Equal("OrleansML.Runtime.Invocation.GrainRequest", request.BaseType!.ToDisplayString());
        }

        // The derived interface's proxy implements inherited methods too.
        INamedTypeSymbol derived = output.GetTypeByMetadataName("OrleansML.Generated.GrainInterface_Sample_INamedCounter")!;
        Assert.Equal(11, derived.GetTypeMembers().Length); // Proxy + Name + the ten inherited methods' requests

        Assert.NotNull(output.GetTypeByMetadataName("OrleansML.Generated.GrainClass_Sample_CounterGrain"));
    }

    [Fact]
    public void Method_ids_are_the_stable_hash_of_the_signature()
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(Samples.Interfaces, Samples.GrainClass));
        string text = result.GeneratedSources.Single(s => s.HintName == "GrainInterface_Sample_ICounter.g.cs").SourceText.ToString();

        Assert.Contains($"internal const uint StableMethodId = 0x{StableHashing.Hash("Add(int,System.Threading.CancellationToken)"):X8}u;", text, StringComparison.Ordinal);
        Assert.Contains($"internal const uint StableMethodId = 0x{StableHashing.Hash("Touch(string)"):X8}u;", text, StringComparison.Ordinal);
        Assert.Contains($"internal const uint StableMethodId = 0x{StableHashing.Hash("class(string)"):X8}u;", text, StringComparison.Ordinal);
        Assert.Contains("internal const string InterfaceFullName = \"Sample.ICounter\";", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Grain_class_registration_uses_attributes_and_constructor_parameters()
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(Samples.Interfaces, Samples.GrainClass));
        string text = result.GeneratedSources.Single(s => s.HintName == "GrainClass_Sample_CounterGrain.g.cs").SourceText.ToString();

        Assert.Contains("internal const string GrainType = \"my-counter\";", text, StringComparison.Ordinal);
        Assert.Contains("global::OrleansML.Runtime.PlacementStrategy.Spread,", text, StringComparison.Ordinal);
        Assert.Contains("context.GetPersistentState<global::Sample.CounterState>(\"state\", \"store\")", text, StringComparison.Ordinal);
        Assert.Contains("services.GetService(typeof(global::Sample.IClock))", text, StringComparison.Ordinal);
        Assert.Contains("new global::System.Type[] { typeof(global::Sample.INamedCounter), typeof(global::Sample.ICounter) }", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_source_is_deterministic()
    {
        string[] First() => GeneratorHarness.Run(GeneratorHarness.Compile(Samples.Interfaces, Samples.GrainClass)).Result
            .GeneratedSources.Select(s => s.SourceText.ToString()).ToArray();

        Assert.Equal(First(), First());
    }

    [Fact]
    public void A_compilation_without_grains_generates_nothing()
    {
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Compile("namespace Plain; public interface IThing : System.IDisposable { } public class Thing : System.Exception { }"));

        Assert.Empty(result.GeneratedSources);
        Assert.Empty(result.Diagnostics);
    }
}
