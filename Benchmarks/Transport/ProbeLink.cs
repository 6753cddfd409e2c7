using OrleansML.Diagnostics;

namespace OrleansML.Benchmarks.Transport;

/// <summary>
/// The transport probes of silo A and silo B: every measurement runs inside A's probe, which calls B's, so the
/// figures are silo-to-silo grain calls (the benchmark's client only starts each measurement and reads the result).
/// </summary>
internal sealed class ProbeLink
{
    private readonly IGrainFactory _grains;
    private readonly SiloAddress _siloA;
    private readonly string _siloB;

    private ProbeLink(IGrainFactory grains, SiloAddress siloA, string siloB)
    {
        _grains = grains;
        _siloA = siloA;
        _siloB = siloB;
    }

    /// <summary>Activates A's probe on A and B's on B. A silo places a grain on another only once its membership view
    /// holds that silo: a probe that landed elsewhere refuses the call and deactivates, so this retries.</summary>
    public static async Task<ProbeLink> ConnectAsync(IGrainFactory grains, SiloAddress siloA, SiloAddress siloB, TimeSpan timeout)
    {
        var link = new ProbeLink(grains, siloA, TransportProbe.KeyFor(siloB));
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                string a = await TransportProbe.CallAsync(grains, siloA, p => p.GetSiloAsync());
                // One call each way activates B's probe on B (A's probe puts the hint on it).
                await link.MeasureAsync(new TransportBenchmarkSettings { RoundTrips = 1, BulkMessages = 1, BulkBytes = 4, InFlight = 1 });
                return a == TransportProbe.KeyFor(siloA) ? link : throw new InvalidOperationException($"Silo A's probe answered from {a}.");
            }
            catch (Exception e) when ((e is InvalidOperationException or OrleansException or TimeoutException) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>Runs every measurement for at least <paramref name="duration"/> with the round's sizes.</summary>
    public async Task WarmUpAsync(TransportBenchmarkSettings settings, TimeSpan duration)
    {
        DateTime until = DateTime.UtcNow + duration;
        var small = settings with { RoundTrips = Math.Min(settings.RoundTrips, 2_000), BulkMessages = Math.Min(settings.BulkMessages, 8) };
        do
        {
            await MeasureAsync(small);
        }
        while (DateTime.UtcNow < until);
    }

    /// <summary>One round: sequential round trips, then tensor pushes, then tensor pulls.</summary>
    public async Task<GrainFigures> MeasureAsync(TransportBenchmarkSettings settings)
    {
        int length = settings.BulkBytes / sizeof(float);
        RoundTripProbeResult rtt = await CallAAsync(p => p.MeasureRoundTripsAsync(_siloB, settings.RoundTrips));
        TransferProbeResult push = await CallAAsync(p => p.MeasurePushesAsync(_siloB, settings.BulkMessages, length, settings.InFlight));
        TransferProbeResult pull = await CallAAsync(p => p.MeasurePullsAsync(_siloB, settings.BulkMessages, length, settings.InFlight));
        if (rtt.Completed < rtt.Requested || push.Completed < push.Requested || pull.Completed < pull.Requested)
        {
            throw new InvalidOperationException($"A measurement hit the probe's time limit: {rtt.Completed}/{rtt.Requested} round trips, {push.Completed}/{push.Requested} pushes, {pull.Completed}/{pull.Requested} pulls.");
        }

        return new GrainFigures(rtt.P50Microseconds, rtt.P99Microseconds, push.GigabytesPerSecond, pull.GigabytesPerSecond);
    }

    private Task<T> CallAAsync<T>(Func<ITransportProbeGrain, Task<T>> call) => TransportProbe.CallAsync(_grains, _siloA, call);
}
