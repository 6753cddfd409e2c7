using OrleansML.Benchmarks.Peers;

namespace OrleansML.Benchmarks.Training;

/// <summary>Options of the averaging-replay benchmark: <c>--task softmax|mlp</c> (softmax), <c>--seeds 7,11,23</c>,
/// <c>--intervals 64,128</c>, <c>--momenta 0,0.5</c>, <c>--epochs N</c> (10).</summary>
internal sealed record AveragingReplaySettings
{
    public PeerTask Task { get; init; } = PeerTask.Softmax;

    public IReadOnlyList<int> Seeds { get; init; } = [7, 11, 23];

    public IReadOnlyList<int> Intervals { get; init; } = [64, 128];

    public IReadOnlyList<float> Momenta { get; init; } = [0f, 0.5f];

    public int Epochs { get; init; } = 10;

    public static AveragingReplaySettings Parse(string[] options) => BenchmarkOptions.Parse("averaging-replay", options, new AveragingReplaySettings(), new Dictionary<string, Func<AveragingReplaySettings, OptionValue, AveragingReplaySettings>>
    {
        ["--task"] = (s, o) => s with { Task = PeerTasks.Parse(o) },
        ["--seeds"] = (s, o) => s with { Seeds = o.List(v => v.Int(0)) },
        ["--intervals"] = (s, o) => s with { Intervals = o.List(v => v.Int(1)) },
        ["--momenta"] = (s, o) => s with { Momenta = o.List(v => (float)v.Number(0, 1)) },
        ["--epochs"] = (s, o) => s with { Epochs = o.Int(1) },
    });
}
