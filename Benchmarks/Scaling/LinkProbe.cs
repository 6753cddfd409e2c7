using OrleansML.Benchmarks.Transport;
using OrleansML.Diagnostics;

namespace OrleansML.Benchmarks.Scaling;

/// <summary>What the transport probes of two silos measured between them: the inputs of <see cref="LinkCosts"/>.</summary>
/// <param name="RoundTripSeconds">An empty call's p50.</param>
/// <param name="MessageSeconds">Time per empty call with many in flight (per-call handling, the latency hidden).</param>
/// <param name="SecondsPerByte">Transfers of <see cref="LinkProbe.BulkBytes"/>, one at a time: (median time per
/// transfer - round trip) / bytes. On an unshaped link that is serialization and copies (sigma); on a shaped one, that plus
/// 1 / bandwidth. Bulk transfers, because a step-sized one (16 KB) is so close to the round trip that the difference
/// drowns in the machine's noise.</param>
internal sealed record LinkFigures(double RoundTripSeconds, double MessageSeconds, double SecondsPerByte);

/// <summary>Measures <see cref="LinkFigures"/> between silo A and silo B with the transport probe grains, every
/// measurement running inside A's silo.</summary>
internal static class LinkProbe
{
    /// <summary>The bulk transfer's size: large enough that a shaped link's rate, not the call, dominates it.</summary>
    public const int BulkBytes = 256 * 1024;

    public static async Task<LinkFigures> MeasureAsync(IGrainFactory grains, SiloAddress siloA, SiloAddress siloB, bool quick)
    {
        // Activates both probes (and retries until B's membership view holds A): the transport benchmark's own set-up.
        await ProbeLink.ConnectAsync(grains, siloA, siloB, TimeSpan.FromSeconds(30));
        string peer = TransportProbe.KeyFor(siloB);
        int calls = quick ? 1_000 : 3_000;
        int bulk = quick ? 12 : 30;
        for (int warmup = 0; warmup < 2; warmup++)
        {
            await Call(grains, siloA, p => p.MeasureRoundTripsAsync(peer, calls));
            await Call(grains, siloA, p => p.MeasurePushesAsync(peer, bulk, BulkBytes / sizeof(float), 1));
        }

        RoundTripProbeResult rtt = await Call(grains, siloA, p => p.MeasureRoundTripsAsync(peer, calls));
        TransferProbeResult many = await Call(grains, siloA, p => p.MeasurePushesAsync(peer, calls, 1, 16));
        // One transfer per measurement, each timed inside A's silo, and their median: a total over several lets one
        // slow spell of the shared machine move the bandwidth by a third.
        var perTransfer = new List<double>();
        for (int i = 0; i < bulk; i++)
        {
            TransferProbeResult push = await Call(grains, siloA, p => p.MeasurePushesAsync(peer, 1, BulkBytes / sizeof(float), 1));
            if (push.Completed == 1)
            {
                perTransfer.Add(push.Seconds);
            }
        }

        if (rtt.Completed < rtt.Requested || many.Completed < many.Requested || perTransfer.Count < bulk)
        {
            throw new InvalidOperationException("A link measurement hit the probe's time limit.");
        }

        double roundTrip = rtt.P50Microseconds / 1e6;
        return new LinkFigures(roundTrip, many.Seconds / many.Completed, Math.Max(0, Measurement.Median(perTransfer) - roundTrip) / BulkBytes);
    }

    private static Task<T> Call<T>(IGrainFactory grains, SiloAddress silo, Func<ITransportProbeGrain, Task<T>> call) =>
        TransportProbe.CallAsync(grains, silo, call);
}
