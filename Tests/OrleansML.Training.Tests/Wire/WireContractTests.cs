using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using OrleansML.Models;

namespace OrleansML.Training.Tests.Wire;

/// <summary>
/// The messages whose collection members the grains fill with collection expressions (<c>[.. items]</c>), which
/// for an interface-typed member make a compiler-generated collection type: each must cross the wire (serializer)
/// and a same-silo call (deep copier) with its contents, as the grains build it.
/// </summary>
public sealed class WireContractTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    public static TheoryData<string> Messages() => ["JobStatus", "ShardStats", "ModelInfo"];

    [Theory]
    [MemberData(nameof(Messages))]
    public void A_message_built_as_the_grains_build_it_survives_the_wire_and_a_local_copy(string message)
    {
        object value = Build(message);
        Serializer serializer = _services.GetRequiredService<Serializer>();
        DeepCopier copier = _services.GetRequiredService<DeepCopier>();

        object wire = serializer.Deserialize<object>(serializer.SerializeToArray(value))!;
        object copy = copier.Copy(value);

        Assert.Equal(Describe(value), Describe(wire));
        Assert.Equal(Describe(value), Describe(copy));
    }

    private static object Build(string message)
    {
        List<EpochMetrics> history = [new() { Epoch = 1, TrainLoss = 0.5 }, new() { Epoch = 2, TrainLoss = 0.25, TestAccuracy = 0.9 }];
        List<(long Id, byte[] Data)> held = [(3, [1]), (7, [2])];
        return message switch
        {
            "JobStatus" => new JobStatus { JobId = "j", State = JobState.Running, History = [.. history] },
            "ShardStats" => new ShardStats { ShardIndex = 1, Version = 7, Checkpoints = [.. held.Select(c => c.Id)] },
            "ModelInfo" => new ModelInfo
            {
                Name = "m", Version = 2, Model = new ModelSpec { Kind = ModelKind.Mlp, FeatureCount = 3, ClassCount = 2, HiddenLayers = [4] },
                Metrics = new Dictionary<string, double> { ["test_accuracy"] = 0.75 },
            },
            _ => throw new ArgumentOutOfRangeException(nameof(message)),
        };
    }

    private static string Describe(object value) => value switch
    {
        JobStatus s => $"{s.JobId} {s.State} [{string.Join("; ", s.History)}]",
        ShardStats s => $"{s.ShardIndex} {s.Version} [{string.Join(", ", s.Checkpoints)}]",
        ModelInfo m => $"{m.Name} {m.Version} {m.Model.Kind} [{string.Join(", ", m.Model.HiddenLayers)}] [{string.Join(", ", m.Metrics.Select(p => $"{p.Key}={p.Value}"))}]",
        _ => value.ToString() ?? "",
    };
}
