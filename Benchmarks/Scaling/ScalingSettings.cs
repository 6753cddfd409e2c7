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

    /// <summary>Reads <c>--quick --rounds N --self-check --loopback --target X</c>; --quick without --rounds runs 1 round.</summary>
    public static ScalingSettings Parse(string[] options)
    {
        ScalingSettings settings = BenchmarkOptions.Parse(
            "scaling",
            options,
            new ScalingSettings(),
            new Dictionary<string, Func<ScalingSettings, OptionValue, ScalingSettings>>
            {
                ["--rounds"] = (s, o) => s with { Rounds = o.Int(1) },
                ["--target"] = (s, o) => s with { Target = o.Number(0, 1) is > 0 and var t ? t : throw new ArgumentException($"--target must be an accuracy between 0 and 1, was '{o.Text}'.") },
            },
            new Dictionary<string, Func<ScalingSettings, ScalingSettings>>
            {
                ["--quick"] = s => s with { Quick = true },
                ["--self-check"] = s => s with { SelfCheck = true },
                ["--loopback"] = s => s with { Loopback = true },
            });
        return settings.Quick && !options.Contains("--rounds") ? settings with { Rounds = 1 } : settings;
    }
}
