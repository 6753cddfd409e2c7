using System.Globalization;

namespace OrleansML.Benchmarks.Training;

/// <summary>Options of the averaging-replay benchmark: <c>--task softmax|mlp</c> (softmax), <c>--seeds 7,11,23</c>,
/// <c>--intervals 64,128</c>, <c>--momenta 0,0.5</c>, <c>--epochs N</c> (10).</summary>
internal sealed record AveragingReplaySettings
{
    public bool Mlp { get; init; }

    public IReadOnlyList<int> Seeds { get; init; } = [7, 11, 23];

    public IReadOnlyList<int> Intervals { get; init; } = [64, 128];

    public IReadOnlyList<float> Momenta { get; init; } = [0f, 0.5f];

    public int Epochs { get; init; } = 10;

    public static AveragingReplaySettings Parse(string[] options)
    {
        var settings = new AveragingReplaySettings();
        for (int i = 0; i < options.Length; i++)
        {
            string option = options[i];
            string value = i + 1 < options.Length ? options[++i] : throw new ArgumentException($"{option}: a value is missing.");
            settings = option switch
            {
                "--task" => settings with { Mlp = value == "mlp" || (value == "softmax" ? false : throw new ArgumentException($"--task: expected softmax or mlp, got '{value}'.")) },
                "--seeds" => settings with { Seeds = [.. value.Split(',').Select(v => Whole(option, v, 0))] },
                "--intervals" => settings with { Intervals = [.. value.Split(',').Select(v => Whole(option, v, 1))] },
                "--momenta" => settings with { Momenta = [.. value.Split(',').Select(Momentum)] },
                "--epochs" => settings with { Epochs = Whole(option, value, 1) },
                _ => throw new ArgumentException($"averaging-replay: unknown option '{option}' (valid: --task softmax|mlp, --seeds a,b, --intervals a,b, --momenta a,b, --epochs N)."),
            };
        }

        return settings;
    }

    private static int Whole(string option, string value, int minimum) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) && parsed >= minimum
            ? parsed
            : throw new ArgumentException($"{option}: expected a whole number >= {minimum}, got '{value}'.");

    private static float Momentum(string value) =>
        float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float parsed) && parsed is >= 0 and < 1
            ? parsed
            : throw new ArgumentException($"--momenta: expected numbers in [0, 1), got '{value}'.");
}
