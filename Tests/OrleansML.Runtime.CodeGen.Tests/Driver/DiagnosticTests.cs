using Microsoft.CodeAnalysis;

namespace OrleansML.Runtime.CodeGen.Tests.Driver;

/// <summary>Each invalid grain produces exactly its diagnostic, at the marked place (<c>/*!*/</c> precedes
/// the expected location), with its message, and no generated file.</summary>
public sealed class DiagnosticTests
{
    private const string Marker = "/*!*/";

    public static TheoryData<string, string, string> Cases => new()
    {
        {
            "public interface IBad : IGrainWithStringKey { int /*!*/Sync(); }",
            "OML001",
            "Grain method 'Sample.IBad.Sync()' returns 'int'; grain methods must return Task, Task<T>, ValueTask, ValueTask<T> or IAsyncEnumerable<T>"
        },
        {
            "public interface IBad : IGrainWithStringKey { Task Fill(ref int /*!*/value); }",
            "OML002",
            "Parameter 'value' of grain method 'Sample.IBad.Fill(ref int)' is 'ref'; grain calls copy arguments to another process, so ref, out and in parameters are not supported"
        },
        {
            "public interface IBad : IGrainWithStringKey { Task Take(out int /*!*/value); }",
            "OML002",
            "Parameter 'value' of grain method 'Sample.IBad.Take(out int)' is 'out'; grain calls copy arguments to another process, so ref, out and in parameters are not supported"
        },
        {
            "public interface IBad : IGrainWithStringKey { Task Look(in long /*!*/value); }",
            "OML002",
            "Parameter 'value' of grain method 'Sample.IBad.Look(in long)' is 'in'; grain calls copy arguments to another process, so ref, out and in parameters are not supported"
        },
        {
            "public interface IBad : IGrainWithStringKey { Task /*!*/Echo<T>(T value); }",
            "OML003",
            "Grain method 'Sample.IBad.Echo<T>(T)' is generic; generic grain methods are not supported: declare one method per type argument"
        },
        {
            "public interface IBad : IGrainWithStringKey { int /*!*/Count { get; } }",
            "OML004",
            "Grain interface 'Sample.IBad' declares the property 'Sample.IBad.Count'; grain interfaces may declare only instance methods (use a method returning Task<T> instead)"
        },
        {
            "public interface IBad : IGrainWithStringKey { event System.EventHandler /*!*/Changed; }",
            "OML004",
            "Grain interface 'Sample.IBad' declares the event 'Sample.IBad.Changed'; grain interfaces may declare only instance methods (use a method returning Task<T> instead)"
        },
        {
            "public sealed class S { } public interface IGood : IGrainWithStringKey { Task Ping(); } public sealed class GoodGrain(IPersistentState<S> /*!*/state) : Grain, IGood { public Task Ping() => Task.CompletedTask; public S Peek() => state.State; }",
            "OML005",
            "Constructor parameter 'state' of grain class 'Sample.GoodGrain' is an IPersistentState<T> without [PersistentState(\"stateName\", \"storageName\")]; add the attribute to name the state and its storage provider"
        },
        {
            "public interface /*!*/IBad<T> : IGrainWithStringKey { Task Ping(); }",
            "OML006",
            "'Sample.IBad<T>' is generic; generic grain interfaces and grain classes are not supported"
        },
        {
            "public interface IA { Task Ping(); } public interface IB { Task Ping(); } public interface /*!*/IBad : IGrainWithStringKey, IA, IB { }",
            "OML007",
            $"Grain method 'Sample.IB.Ping()' has the same method id (0x{StableHashing.Hash("Ping()"):X8}) as 'Sample.IA.Ping()' in grain interface 'Sample.IBad'; rename one of them"
        },
        {
            "public class Outer { private interface /*!*/IHidden : IGrainWithStringKey { Task Ping(); } }",
            "OML008",
            "'Sample.Outer.IHidden' must be public or internal (and so must every type containing it) so that generated code can use it"
        },
        {
            "public interface IGood : IGrainWithStringKey { Task Ping(); } public sealed class /*!*/TwoGrain : Grain, IGood { public TwoGrain(int a) { } public TwoGrain(string b) { } public Task Ping() => Task.CompletedTask; }",
            "OML009",
            "Grain class 'Sample.TwoGrain' has 2 constructors with 1 parameters; the runtime uses the accessible constructor with the most parameters, so that one must be unique"
        },
        {
            "public interface /*!*/IBad : IGrainWithStringKey, IGrainWithIntegerKey { Task Ping(); }",
            "OML010",
            "Grain interface 'Sample.IBad' derives both IGrainWithStringKey and IGrainWithIntegerKey; choose one"
        },
        {
            "public interface IBad : IGrainWithStringKey { Task Sum(System.Span<int> /*!*/values); }",
            "OML011",
            "Parameter 'values' of grain method 'Sample.IBad.Sum(System.Span<int>)' has type 'System.Span<int>', which cannot be serialised (pointers and ref structs such as Span<T> cannot cross processes; use an array or ReadOnlyMemory<T>)"
        },
        {
            "public interface IGood : IGrainWithStringKey { Task Ping(); } [GrainType(\"a/b\")] public sealed class /*!*/SlashGrain : Grain, IGood { public Task Ping() => Task.CompletedTask; }",
            "OML012",
            "Grain class 'Sample.SlashGrain' has the grain type name 'a/b'; grain type names must be non-empty and must not contain '/'"
        },
        {
            "public interface IGood : IGrainWithStringKey { Task Ping(); } public sealed class /*!*/HiddenGrain : Grain, IGood { private HiddenGrain() { } public Task Ping() => Task.CompletedTask; }",
            "OML013",
            "Grain class 'Sample.HiddenGrain' has no public or internal constructor, so the runtime cannot create it"
        },
        {
            "[GrainType(\"jobs/x\")] public interface /*!*/ISlashed : IGrainWithStringKey { Task Ping(); }",
            "OML014",
            "Grain interface 'Sample.ISlashed' declares the grain type name 'jobs/x'; grain type names must be non-empty and must not contain '/'"
        },
        {
            "[GrainType(\"\")] public interface /*!*/IUnnamed : IGrainWithStringKey { Task Ping(); }",
            "OML014",
            "Grain interface 'Sample.IUnnamed' declares the grain type name ''; grain type names must be non-empty and must not contain '/'"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Invalid_grain_reports_its_diagnostic_at_the_offending_member(string body, string id, string message)
    {
        string source = Samples.Usings + "namespace Sample;\n" + body;
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(source));

        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Sample0.cs", diagnostic.Location.SourceTree?.FilePath ?? diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(source.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length, diagnostic.Location.SourceSpan.Start);
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName.Contains("Bad", StringComparison.Ordinal) || s.HintName.Contains("GrainClass", StringComparison.Ordinal));
    }

    [Fact]
    public void An_invalid_base_interface_is_reported_once_and_blocks_its_derived_interfaces()
    {
        string source = Samples.Usings + """
            namespace Sample;
            public interface IBase : IGrainWithStringKey { int Sync(); }
            public interface IDerived : IBase { Task Ping(); }
            """;
        (GeneratorRunResult result, Compilation output) = GeneratorHarness.Run(GeneratorHarness.Compile(source));

        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("OML001", diagnostic.Id);
        Assert.Empty(result.GeneratedSources);
        Assert.Empty(GeneratorHarness.Problems(output).Where(d => d.Id != "OML001"));
    }

    [Fact]
    public void Members_inherited_from_a_plain_interface_are_checked_on_the_grain_interface()
    {
        string source = Samples.Usings + """
            namespace Sample;
            public interface IPlain { int Sync(); }
            public interface /*!*/IDerived : IGrainWithStringKey, IPlain { Task Ping(); }
            """;
        (GeneratorRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.Compile(source));

        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("OML001", diagnostic.Id);
        Assert.Equal(source.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length, diagnostic.Location.SourceSpan.Start);
    }
}
