using System.Text.Json.Serialization;

namespace OrleansML.Runtime.Tests.Core.Grains;

public sealed class CounterState
{
    public int Value { get; set; }
}

[JsonSerializable(typeof(CounterState))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
