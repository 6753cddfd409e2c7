using System.Text.Json.Serialization;

namespace OrleansML.Runtime.Tests.Core.Grains;

public sealed class CounterState
{
    public int Value { get; set; }
}

[JsonSerializable(typeof(CounterState))]
[JsonSerializable(typeof(FrozenReading))]
[JsonSerializable(typeof(CalleeView))]
[JsonSerializable(typeof(CallView))]
[JsonSerializable(typeof(List<ChainLevel>))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

/// <summary>Registers the test DTOs' JSON context when the test assembly loads (grain code is generated).</summary>
internal static class TestJsonRegistration
{
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register() => Serialization.JsonSerializationRegistry.Add(TestJsonContext.Default);
}
