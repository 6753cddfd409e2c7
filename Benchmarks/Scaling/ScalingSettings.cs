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

    /// <summary>Only replay the row orders of 1-3 BSP workers on one thread and print their epochs to the target
    /// (<see cref="BspReplay"/>; no cluster, no root).</summary>
    public bool ReplayOnly { get; init; }

    /// <summary>Run every silo on loopback even as root (no namespaces, no shaping).</summary>
    public bool Loopback { get; init; }

    /// <summary>Where the run's measurements are saved as JSON (<see cref="ScalingRecord"/>). Default:
    /// <c>orleansml-scaling-runs/scaling-&lt;UTC time&gt;.json</c> under the system's temporary directory, which
    /// outlives the run's deleted work directory.</summary>
    public string? SavePath { get; init; }

    /// <summary>Saved runs to fit and check the model on instead of running a cluster (<see cref="ScalingRefit"/>).</summary>
    public IReadOnlyList<string> RefitPaths { get; init; } = [];

    /// <summary>The held-out accuracy the time is measured to (softmax on Fashion-MNIST). Default 0.840.</summary>
    public double Target { get; init; } = 0.840;

    /// <summary>The default <see cref="SavePath"/> for a run started at <paramref name="utc"/>.</summary>
    public static string DefaultSavePath(DateTime utc) =>
        Path.Combine(Path.GetTempPath(), "orleansml-scaling-runs", $"scaling-{utc.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.json");

    /// <summary>Reads <c>--quick --rounds N --self-check --loopback --target X --save PATH --refit PATH [PATH...]</c>;
    /// --quick without --rounds runs 1 round; --refit takes every following argument up to the next option.</summary>
    public static ScalingSettings Parse(string[] options)
    {
        int refit = Array.IndexOf(options, "--refit");
        string[] refitPaths = [];
        if (refit >= 0)
        {
            int end = refit + 1;
            while (end < options.Length && !options[end].StartsWith("--", StringComparison.Ordinal))
            {
                end++;
            }

            refitPaths = options[(refit + 1)..end];
            if (refitPaths.Length == 0)
            {
                throw new ArgumentException("--refit: expected one or more saved runs (JSON files written by scaling --save).");
            }

            options = [.. options[..refit], .. options[end..]];
        }

        ScalingSettings settings = BenchmarkOptions.Parse(
            "scaling",
            options,
            new ScalingSettings(),
            new Dictionary<string, Func<ScalingSettings, OptionValue, ScalingSettings>>
            {
                ["--rounds"] = (s, o) => s with { Rounds = o.Int(1) },
                ["--save"] = (s, o) => s with { SavePath = o.Text },
                ["--target"] = (s, o) => s with { Target = o.Number(0, 1) is > 0 and var t ? t : throw new ArgumentException($"--target must be an accuracy between 0 and 1, was '{o.Text}'.") },
            },
            new Dictionary<string, Func<ScalingSettings, ScalingSettings>>
            {
                ["--quick"] = s => s with { Quick = true },
                ["--self-check"] = s => s with { SelfCheck = true },
                ["--loopback"] = s => s with { Loopback = true },
                ["--replay"] = s => s with { ReplayOnly = true },
            });
        settings = settings with { RefitPaths = refitPaths };
        return settings.Quick && !options.Contains("--rounds") ? settings with { Rounds = 1 } : settings;
    }
}
