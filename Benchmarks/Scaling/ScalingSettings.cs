using System.Globalization;

namespace OrleansML.Benchmarks.Scaling;

/// <summary>Settings of the scaling benchmark (command-line options).</summary>
internal sealed record ScalingSettings
{
    /// <summary>Rounds over every set-up; each set-up's figures are the medians of its rounds. Default 2 (1 with --quick).</summary>
    public int Rounds { get; init; } = 2;

    /// <summary>Fewer set-ups (no 1 Gb/s and no shaped 3-silo run) and shorter probes.</summary>
    public bool Quick { get; init; }

    /// <summary>Only check the model's arithmetic against hand-computed cases (no cluster, no data).</summary>
    public bool SelfCheck { get; init; }

    /// <summary>Run every silo on loopback even as root (no namespaces, no shaping).</summary>
    public bool Loopback { get; init; }

    /// <summary>The held-out accuracy the time is measured to (softmax on Fashion-MNIST). Default 0.840.</summary>
    public double Target { get; init; } = 0.840;

    /// <summary>Reads <c>--quick --rounds N --self-check --loopback --target X</c>.</summary>
    public static ScalingSettings Parse(string[] options)
    {
        var settings = new ScalingSettings();
        bool roundsGiven = false;
        for (int i = 0; i < options.Length; i++)
        {
            string Value() => i + 1 < options.Length ? options[++i] : throw new ArgumentException($"{options[i]} needs a value.");
            switch (options[i])
            {
                case "--quick":
                    settings = settings with { Quick = true };
                    break;
                case "--self-check":
                    settings = settings with { SelfCheck = true };
                    break;
                case "--loopback":
                    settings = settings with { Loopback = true };
                    break;
                case "--rounds":
                    string rounds = Value();
                    settings = settings with
                    {
                        Rounds = int.TryParse(rounds, CultureInfo.InvariantCulture, out int r) && r > 0 ? r : throw new ArgumentException($"--rounds must be a whole number of at least 1, was '{rounds}'."),
                    };
                    roundsGiven = true;
                    break;
                case "--target":
                    string target = Value();
                    settings = settings with
                    {
                        Target = double.TryParse(target, CultureInfo.InvariantCulture, out double t) && t is > 0 and < 1 ? t : throw new ArgumentException($"--target must be an accuracy between 0 and 1, was '{target}'."),
                    };
                    break;
                default:
                    throw new ArgumentException($"Unknown option {options[i]} (scaling takes --quick, --rounds N, --target X, --loopback, --self-check).");
            }
        }

        return settings.Quick && !roundsGiven ? settings with { Rounds = 1 } : settings;
    }
}
