namespace OrleansML.Benchmarks.Peers;

/// <summary>Options of the peers benchmark: <c>--rounds N</c> (default 3), <c>--tasks softmax,mlp</c>,
/// <c>--peers prefix,...</c> (names starting with a prefix; default all), <c>--no-warmup</c>, and
/// <c>--averaging-interval N</c>: the model-averaging cluster's local steps between averages (default: the demo's, 64), and
/// <c>--averaging-momentum X</c>: its block momentum in [0, 1) (default: the spec's, 1 - 1 / workers).</summary>
internal sealed record PeersBenchmarkSettings(int Rounds, IReadOnlyList<PeerTask> Tasks, IReadOnlyList<string>? Peers, bool WarmUp)
{
    public int AveragingInterval { get; init; } = Cli.DemoCommand.DefaultAveragingInterval;

    public double? AveragingMomentum { get; init; }

    public static PeersBenchmarkSettings Parse(string[] options) => BenchmarkOptions.Parse(
        "peers",
        options,
        new PeersBenchmarkSettings(3, [PeerTask.Softmax, PeerTask.Mlp], null, true),
        new Dictionary<string, Func<PeersBenchmarkSettings, OptionValue, PeersBenchmarkSettings>>
        {
            ["--rounds"] = (s, o) => s with { Rounds = o.Int(1) },
            ["--tasks"] = (s, o) => s with { Tasks = o.List(PeerTasks.Parse) },
            ["--peers"] = (s, o) => s with { Peers = o.List(v => v.Text) },
            ["--averaging-interval"] = (s, o) => s with { AveragingInterval = o.Int(1) },
            ["--averaging-momentum"] = (s, o) => s with { AveragingMomentum = o.Number(0, 1) },
        },
        new Dictionary<string, Func<PeersBenchmarkSettings, PeersBenchmarkSettings>> { ["--no-warmup"] = s => s with { WarmUp = false } });
}
