using System.Globalization;

namespace OrleansML.Benchmarks.Peers;

/// <summary>Options of the peers benchmark: <c>--rounds N</c> (default 3), <c>--tasks softmax,mlp</c>,
/// <c>--peers prefix,...</c> (names starting with a prefix; default all), <c>--no-warmup</c>, and
/// <c>--averaging-interval N</c>: the model-averaging cluster's local steps between averages (default: the demo's, 64), and
/// <c>--averaging-momentum X</c>: its block momentum in [0, 1) (default: the spec's, 1 - 1 / workers).</summary>
internal sealed record PeersBenchmarkSettings(int Rounds, IReadOnlyList<PeerTask> Tasks, IReadOnlyList<string>? Peers, bool WarmUp)
{
    public int AveragingInterval { get; init; } = Cli.DemoCommand.DefaultAveragingInterval;

    public double? AveragingMomentum { get; init; }

    public static PeersBenchmarkSettings Parse(string[] options)
    {
        var settings = new PeersBenchmarkSettings(3, [PeerTask.Softmax, PeerTask.Mlp], null, true);
        for (int i = 0; i < options.Length; i++)
        {
            string Value() => i + 1 < options.Length ? options[++i] : throw new ArgumentException($"{options[i]}: a value is missing.");
            settings = options[i] switch
            {
                "--rounds" => settings with { Rounds = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out int rounds) && rounds > 0 ? rounds : throw new ArgumentException($"--rounds: expected a positive whole number, got '{options[i]}'.") },
                "--tasks" => settings with { Tasks = [.. Value().Split(',').Select(ParseTask)] },
                "--peers" => settings with { Peers = Value().Split(',', StringSplitOptions.RemoveEmptyEntries) },
                "--no-warmup" => settings with { WarmUp = false },
                "--averaging-interval" => settings with { AveragingInterval = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out int interval) && interval > 0 ? interval : throw new ArgumentException($"--averaging-interval: expected a positive whole number, got '{options[i]}'.") },
                "--averaging-momentum" => settings with { AveragingMomentum = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out double momentum) && momentum is >= 0 and < 1 ? momentum : throw new ArgumentException($"--averaging-momentum: expected a number in [0, 1), got '{options[i]}'.") },
                _ => throw new ArgumentException($"peers: unknown option '{options[i]}' (valid: --rounds N, --tasks softmax,mlp, --peers prefix,..., --no-warmup, --averaging-interval N, --averaging-momentum X)."),
            };
        }

        return settings;
    }

    private static PeerTask ParseTask(string name) => name switch
    {
        "softmax" => PeerTask.Softmax,
        "mlp" => PeerTask.Mlp,
        _ => throw new ArgumentException($"--tasks: unknown task '{name}' (valid: softmax, mlp)."),
    };
}
