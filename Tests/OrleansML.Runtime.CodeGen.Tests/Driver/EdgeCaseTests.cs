using Microsoft.CodeAnalysis;

namespace OrleansML.Runtime.CodeGen.Tests.Driver;

/// <summary>Shapes of grain code that must generate valid code (checked by compiling the result).</summary>
public sealed class EdgeCaseTests
{
    private static (GeneratorRunResult Result, Compilation Output) RunClean(params string[] sources)
    {
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(sources));
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        return (result, output);
    }

    private static string[] RequestNames(Compilation output, string holder) =>
        output.GetTypeByMetadataName("OrleansML.Generated." + holder)!.GetTypeMembers()
            .Select(t => t.Name).Where(n => n != "Proxy").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Nullable_oblivious_interfaces_compile_cleanly()
    {
        (_, Compilation output) = RunClean(Samples.Usings + """
            #nullable disable
            namespace Sample;
            public sealed class Payload { public string Text { get; set; } }
            public interface IOld : IGrainWithStringKey
            {
                Task<string> Join(string left, string[] parts, Payload payload);
                IAsyncEnumerable<Payload> Stream(string filter);
            }
            """);

        Assert.Equal(["JoinRequest", "StreamRequest"], RequestNames(output, "GrainInterface_Sample_IOld"));
    }

    [Fact]
    public void A_partial_interface_is_generated_once_with_the_methods_of_every_part()
    {
        (GeneratorRunResult result, Compilation output) = RunClean(
            Samples.Usings + "namespace Sample; public partial interface ISplit { Task First(); }",
            Samples.Usings + "namespace Sample; public partial interface ISplit : IGrainWithStringKey { Task Second(); }");

        Assert.Single(result.GeneratedSources);
        Assert.Equal(["FirstRequest", "SecondRequest"], RequestNames(output, "GrainInterface_Sample_ISplit"));
    }

    [Fact]
    public void Default_implementations_and_static_members_are_not_grain_methods()
    {
        (_, Compilation output) = RunClean(Samples.Usings + """
            namespace Sample;
            public interface IHelpers : IGrainWithStringKey
            {
                const int Limit = 3;
                static int Twice(int value) => value * 2;
                Task<int> Get();
                async Task<int> GetTwice() => Twice(await Get());
            }
            """);

        Assert.Equal(["GetRequest"], RequestNames(output, "GrainInterface_Sample_IHelpers"));
    }

    [Fact]
    public void Methods_of_plain_base_interfaces_and_IRemindable_are_included()
    {
        (_, Compilation output) = RunClean(Samples.Usings + """
            namespace Sample;
            public interface IPlainBase { Task<int> Size(); }
            public interface IWithReminders : IGrainWithIntegerKey, IPlainBase, IRemindable { Task Start(); }
            public sealed class ReminderGrain : Grain, IWithReminders
            {
                public Task<int> Size() => Task.FromResult(1);
                public Task Start() => Task.CompletedTask;
                public Task ReceiveReminder(string reminderName, System.DateTimeOffset firedAt) => Task.CompletedTask;
            }
            """);

        Assert.Equal(["ReceiveReminderRequest", "SizeRequest", "StartRequest"], RequestNames(output, "GrainInterface_Sample_IWithReminders"));
        Assert.NotNull(output.GetTypeByMetadataName("OrleansML.Generated.GrainClass_Sample_ReminderGrain"));
    }

    [Fact]
    public void Global_namespace_and_underscored_names_get_distinct_generated_names()
    {
        (GeneratorRunResult result, _) = RunClean(
            Samples.Usings + "public interface IGlobal_Grain : IGrainWithStringKey { Task Ping(); }",
            Samples.Usings + "namespace A_B { public interface C : IGrainWithStringKey { Task Ping(); } }",
            Samples.Usings + "namespace A { public interface B_C : IGrainWithStringKey { Task Ping(); } }");

        Assert.Equal(
            ["GrainInterface_A_B__C.g.cs", "GrainInterface_A__B_C.g.cs", "GrainInterface_IGlobal__Grain.g.cs"],
            result.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Internal_grains_with_internal_constructors_and_a_test_constructor_are_supported()
    {
        (GeneratorRunResult result, _) = RunClean(Samples.Usings + """
            namespace Sample;
            internal interface IHidden : IGrainWithStringKey { Task Ping(); }
            internal interface IClock { long Now(); }
            internal sealed class HiddenGrain : Grain, IHidden
            {
                internal HiddenGrain() { }
                internal HiddenGrain(IClock clock, IGrainContext context) { _ = clock; _ = context; }
                public Task Ping() => Task.CompletedTask;
            }
            """);

        string registration = result.GeneratedSources.Single(s => s.HintName == "GrainClass_Sample_HiddenGrain.g.cs").SourceText.ToString();
        Assert.Contains("new global::Sample.HiddenGrain(\n", registration, StringComparison.Ordinal);
        Assert.Contains("services.GetService(typeof(global::Sample.IClock))", registration, StringComparison.Ordinal);
        Assert.Contains("        context\n", registration, StringComparison.Ordinal);
        Assert.Contains("internal const string GrainType = \"hidden\";", registration, StringComparison.Ordinal);
    }

    [Fact]
    public void Abstract_grain_classes_and_grains_without_grain_interfaces_are_not_registered()
    {
        (GeneratorRunResult result, _) = RunClean(Samples.Usings + """
            namespace Sample;
            public interface IThing : IGrainWithStringKey { Task Ping(); }
            public abstract class ThingGrainBase : Grain, IThing { public Task Ping() => Task.CompletedTask; }
            public sealed class ConcreteThingGrain : ThingGrainBase { }
            public sealed class LonelyGrain : Grain { }
            """);

        Assert.Equal(
            ["GrainClass_Sample_ConcreteThingGrain.g.cs", "GrainInterface_Sample_IThing.g.cs"],
            result.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
    }
}
