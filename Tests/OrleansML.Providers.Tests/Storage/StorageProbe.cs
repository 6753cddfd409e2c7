using OrleansML.Providers.Tests.Grains;

namespace OrleansML.Providers.Tests.Storage;

/// <summary>Drives an IGrainStorage provider through its interface, as an activation's IPersistentState would.</summary>
internal static class StorageProbe
{
    public const string StateName = "probe";

    /// <summary>A new grain id: "guid" keys leave the ADO.NET key extension NULL, "string" keys fill it.</summary>
    public static GrainId NewGrainId(string keyKind) => keyKind switch
    {
        "guid" => GrainId.Create("storageprobe", Guid.NewGuid().ToString("N")),
        "string" => GrainId.Create("storageprobe", $"model-{Guid.NewGuid():N}"),
        _ => throw new ArgumentOutOfRangeException(nameof(keyKind), keyKind, "Expected guid or string."),
    };

    public static ProbeState State(int value, string writer) => new()
    {
        Value = value,
        Writer = writer,
        Weights = Enumerable.Range(0, 1024).Select(i => MathF.Sin(i * value)).ToArray(),
    };

    /// <summary>A fresh handle, as a new activation would have, read from storage.</summary>
    public static async Task<GrainState<ProbeState>> ReadAsync(IGrainStorage storage, GrainId grainId)
    {
        var handle = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync(StateName, grainId, handle);
        return handle;
    }

    public static Task WriteAsync(IGrainStorage storage, GrainId grainId, GrainState<ProbeState> handle, ProbeState state)
    {
        handle.State = state;
        return storage.WriteStateAsync(StateName, grainId, handle);
    }

    public static void AssertHolds(ProbeState expected, GrainState<ProbeState> actual)
    {
        Assert.True(actual.RecordExists);
        Assert.NotNull(actual.State);
        Assert.Equal(expected.Value, actual.State.Value);
        Assert.Equal(expected.Writer, actual.State.Writer);
        Assert.Equal(expected.Weights, actual.State.Weights);
    }
}
