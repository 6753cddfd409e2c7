using System.Globalization;

namespace OrleansML.Benchmarks.Scaling;

/// <summary>
/// The calibrated model's predicted time to target on 8, 32 and 128 hosts with 10 Gb/s links (one worker and one
/// shard per host, one core of compute each), for the demo's softmax, the MLP 784-128-10 and the CTR model, in every
/// mode; printed as Markdown tables for docs/scaling.md. Inputs measured here: compute per row (softmax, MLP),
/// epochs to target (one thread), the per-call and per-byte costs (freed of this machine's contention), kappa and
/// gamma. Printed twice: as calibrated on this loaded 2-core machine, and with kappa cut to the per-call cost and
/// gamma to 1 (hosts whose delays at the barrier are no longer than a call: a floor). Inputs assumed (stated in the output):
/// the datacenter round trip, the CTR compute rate and passes, and <see cref="ModeSettings"/>' statistical penalties.
/// </summary>
internal static class ScalingProjection
{
    public const double TenGigabit = 10e9 / 8;

    /// <summary>Added to the round trip measured between namespaces: one switch hop and two NICs.</summary>
    public const double DatacenterHopSeconds = 20e-6;

    /// <summary>Hashed logistic regression's sparse gradient rate, nonzeros per second on one core (kernels benchmark,
    /// issue 14's figure on main), for 20 features per row.</summary>
    public const double CtrNonzerosPerSecond = 53e6;

    public static readonly int[] HostCounts = [1, 8, 32, 128];

    private static readonly int[] SearchHosts = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    public static IReadOnlyList<Workload> Workloads(LocalFigures softmax, LocalFigures mlp) =>
    [
        new Workload("softmax 784x10 (to 0.840)", softmax.SecondsPerRow, 60_000, 128, 7_850 * 4, softmax.Crossing?.Epochs ?? 10),
        new Workload("MLP 784-128-10 (to 0.870)", mlp.SecondsPerRow, 60_000, 128, 101_770 * 4, mlp.Crossing?.Epochs ?? 10),
        Ctr(),
    ];

    /// <summary>The CTR model: 2^24 hashed weights (64 MB), 10 M rows of 20 Zipf(1.1) features, batch 4096, one pass.</summary>
    public static Workload Ctr()
    {
        var keys = new ZipfKeys(1 << 24, 1.1, 20);
        return new Workload("CTR hashed LR 2^24 (1 pass)", 20 / CtrNonzerosPerSecond, 10_000_000, 4096, (1 << 24) * 4.0, 1, keys.Expected);
    }

    public static LinkCosts Datacenter(LinkCosts calibrated) =>
        calibrated with { RoundTripSeconds = calibrated.RoundTripSeconds + DatacenterHopSeconds, BandwidthBytesPerSecond = TenGigabit };

    public static void Print(TextWriter output, LinkCosts calibrated, LocalFigures softmax, LocalFigures mlp)
    {
        IReadOnlyList<Workload> workloads = Workloads(softmax, mlp);
        LinkCosts link = Datacenter(calibrated);
        Print(output, "as calibrated", link, workloads);
        Print(output, "floor: kappa = per-call cost, gamma 1", link with { StepOverheadSeconds = link.MessageSeconds, WireFactor = 1 }, workloads);
    }

    private static void Print(TextWriter output, string title, LinkCosts link, IReadOnlyList<Workload> workloads)
    {
        var settings = new ModeSettings();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"projection at 10 Gb/s, {title}: round trip {link.RoundTripSeconds * 1e6:F0} us, per call {link.MessageSeconds * 1e6:F1} us, serialization {link.SerializationSecondsPerByte * 1e9:F2} ns/byte, kappa {link.StepOverheadSeconds * 1e6:F0} us (a host's mean delay; BSP waits for the slowest of H), gamma {link.WireFactor:F2}; " +
            $"averaging H={settings.AveragingInterval}, SSP s={settings.Staleness}, L-BFGS {settings.LbfgsIterations} iterations x {settings.LbfgsEvaluationsPerIteration} passes; CTR keys per batch of 4096: {workloads[2].SparseKeys!(4096):N0}"));
        output.WriteLine();
        output.WriteLine("| model | mode | " + string.Join(" | ", HostCounts.Select(h => $"{h} host{(h > 1 ? "s" : "")}")) + " | fastest at |");
        output.WriteLine("|---|---|" + string.Concat(HostCounts.Select(_ => "---:|")) + "---:|");
        foreach (Workload workload in workloads)
        {
            foreach (ScalingMode mode in Enum.GetValues<ScalingMode>())
            {
                string cells = string.Join(" | ", HostCounts.Select(h => Seconds(Predict(mode, workload, h, link, settings).Seconds)));
                int best = SearchHosts.MinBy(h => Predict(mode, workload, h, link, settings).Seconds);
                output.WriteLine($"| {workload.Name} | {Name(mode)} | {cells} | {best} |");
            }
        }

        output.WriteLine();
        output.WriteLine("BSP step, microseconds: compute / messages / wire / serialization / barrier");
        output.WriteLine();
        output.WriteLine("| model | " + string.Join(" | ", HostCounts.Select(h => $"{h} host{(h > 1 ? "s" : "")}")) + " |");
        output.WriteLine("|---|" + string.Concat(HostCounts.Select(_ => "---|")));
        foreach (Workload workload in workloads)
        {
            output.WriteLine($"| {workload.Name} | " + string.Join(" | ", HostCounts.Select(h =>
            {
                StepTime s = Predict(ScalingMode.Bsp, workload, h, link, settings).Step;
                return string.Create(CultureInfo.InvariantCulture, $"{s.Compute * 1e6:F0} / {s.Messages * 1e6:F0} / {s.Wire * 1e6:F0} / {s.Serialization * 1e6:F0} / {s.Overhead * 1e6:F0}");
            })) + " |");
        }

        output.WriteLine();
    }

    /// <summary>One worker and one shard per host, each host computing on its own core.</summary>
    public static ScalingPrediction Predict(ScalingMode mode, Workload workload, int hosts, LinkCosts link, ModeSettings settings) =>
        StepCostModel.Predict(mode, workload, new ClusterShape(hosts, hosts, hosts, hosts), link, settings);

    private static string Name(ScalingMode mode) => mode switch
    {
        ScalingMode.Bsp => "BSP",
        ScalingMode.Asp => "ASP",
        ScalingMode.Ssp => "SSP s=2",
        ScalingMode.Averaging => "averaging H=8",
        _ => "L-BFGS",
    };

    private static string Seconds(double seconds) => seconds switch
    {
        < 10 => seconds.ToString("F2", CultureInfo.InvariantCulture) + " s",
        < 1000 => seconds.ToString("F0", CultureInfo.InvariantCulture) + " s",
        _ => (seconds / 60).ToString("F0", CultureInfo.InvariantCulture) + " min",
    };
}
