namespace OrleansML.Runtime.Tests.Core.Grains;

/// <summary>A result type marked immutable: a local caller may receive the grain's own object.</summary>
[Immutable]
public sealed class FrozenReading
{
    public string Name { get; init; } = "";

    public int Value { get; init; }
}

public interface ISharingGrain : IGrainWithStringKey
{
    /// <summary>Returns the same <see cref="FrozenReading"/> object on every call.</summary>
    Task<FrozenReading> Reading();

    /// <summary>Returns the same array object on every call.</summary>
    Task<int[]> Values();
}

/// <summary>Hands out the same objects on every call, so that tests can tell sharing from copying.</summary>
public sealed class SharingGrain : Grain, ISharingGrain
{
    private readonly FrozenReading _reading = new() { Name = "frozen", Value = 42 };
    private readonly int[] _values = [1, 2, 3];

    public Task<FrozenReading> Reading() => Task.FromResult(_reading);

    public Task<int[]> Values() => Task.FromResult(_values);
}
