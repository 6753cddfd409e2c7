using OrleansML.Benchmarks.Transport;
using OrleansML.Diagnostics;

namespace OrleansML.Benchmarks.Scaling;

/// <summary>What the transport probes of two silos measured between them: the inputs of <see cref="LinkCosts"/>.</summary>
/// <param name="RoundTripSeconds">An empty call's p50.</param>
/// <param name="MessageSeconds">Time per empty call with many in flight (per-call handling, the latency hidden).</param>
/// <param name="SecondsPerByte">Transfers of one step's message size (a shard's slice of the model), one at a
/// time: (time per transfer - round trip) / bytes: serialization, copies and the wire.</param>
/// <param name="BulkSecondsPerByte">The same for <see cref="LinkProbe.BulkBytes"/> transfers, long enough that a
/// shaped link's rate shows: on a shaped link less on an unshaped one, it is 1 / bandwidth.</param>
internal sealed record LinkFigures(double RoundTripSeconds, double MessageSeconds, double SecondsPerByte, double BulkSecondsPerByte);

/// <summary>Measures <see cref="LinkFigures"/> between silo A and silo B with the transport probe grains, every
/// measurement running inside A's silo.</summary>
internal static class LinkProbe
{
    /// <summary>The bulk transfer's size: large enough that a shaped link's rate, not the call, dominates it.</summary>
    public const int BulkBytes = 256 * 1024;

    public static async Task<LinkFigures> MeasureAsync(IGrainFactory grains, SiloAddress siloA, SiloAddress siloB, int messageBytes, bool quick)
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
        TransferProbeResult messages = await Call(grains, siloA, p => p.MeasurePushesAsync(peer, calls, messageBytes / sizeof(float), 1));
        TransferProbeResult pushes = await Call(grains, siloA, p => p.MeasurePushesAsync(peer, bulk, BulkBytes / sizeof(float), 1));
        if (rtt.Completed < rtt.Requested || many.Completed < many.Requested || messages.Completed < messages.Requested || pushes.Completed < pushes.Requested)
        {
            throw new InvalidOperationException("A link measurement hit the probe's time limit.");
        }

        double roundTrip = rtt.P50Microseconds / 1e6;
        double PerByte(TransferProbeResult r) => Math.Max(0, (r.Seconds / r.Completed) - roundTrip) / r.BytesPerTransfer;
        return new LinkFigures(roundTrip, many.Seconds / many.Completed, PerByte(messages), PerByte(pushes));
    }

    private static Task<T> Call<T>(IGrainFactory grains, SiloAddress silo, Func<ITransportProbeGrain, Task<T>> call) =>
        TransportProbe.CallAsync(grains, silo, call);
}
