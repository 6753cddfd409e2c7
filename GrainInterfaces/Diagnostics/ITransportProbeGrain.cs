namespace OrleansML.Diagnostics;

/// <summary>
/// A network check between two silos: the probe of one silo times grain calls to the probe of another, so the
/// figures are what grains on those two silos see (serialization, the silos' connection, scheduling), not what a
/// client sees through a gateway. Each silo has one probe, keyed by its address (<see cref="TransportProbe.KeyFor"/>)
/// and placed there by a placement hint: call it through <see cref="TransportProbe"/>.
/// </summary>
/// <remarks>
/// Measurements run inside the probe's silo for at most the silo's <c>TransportProbeOptions.MaximumDuration</c>
/// (20 s by default); a measurement cut short reports how much it completed. The
/// probe is reentrant, so two silos can measure each other at the same time (their figures then overlap).
/// </remarks>
[Alias("OrleansML.ITransportProbeGrain")]
public interface ITransportProbeGrain : IGrainWithStringKey
{
    /// <summary>The address of the silo this probe runs on (its <see cref="SiloAddress.ToParsableString"/> form).</summary>
    Task<string> GetSiloAsync();

    /// <summary>Does nothing: the call timed by <see cref="MeasureRoundTripsAsync"/>.</summary>
    Task PingAsync();

    /// <summary>Receives a pushed tensor and returns its length (what <see cref="MeasurePushesAsync"/> sends).</summary>
    Task<int> AcceptAsync(FloatTensor tensor);

    /// <summary>Returns a tensor of <paramref name="length"/> float32 values (what <see cref="MeasurePullsAsync"/>
    /// fetches); element i holds <see cref="TransportProbe.ValueAt"/>(i).</summary>
    Task<FloatTensor> ProvideAsync(int length);

    /// <summary>Times <paramref name="calls"/> sequential empty calls to <paramref name="peerSilo"/>'s probe.</summary>
    /// <param name="peerSilo">The other silo, as <see cref="SiloAddress.ToParsableString"/> writes it.</param>
    /// <param name="calls">Calls to time, 1 to the silo's <c>TransportProbeOptions.MaximumCalls</c>.</param>
    Task<RoundTripProbeResult> MeasureRoundTripsAsync(string peerSilo, int calls);

    /// <summary>Sends <paramref name="transfers"/> tensors of <paramref name="length"/> floats to
    /// <paramref name="peerSilo"/>'s probe as call arguments, <paramref name="inFlight"/> calls at a time.</summary>
    Task<TransferProbeResult> MeasurePushesAsync(string peerSilo, int transfers, int length, int inFlight);

    /// <summary>Fetches <paramref name="transfers"/> tensors of <paramref name="length"/> floats from
    /// <paramref name="peerSilo"/>'s probe as call results, <paramref name="inFlight"/> calls at a time.</summary>
    Task<TransferProbeResult> MeasurePullsAsync(string peerSilo, int transfers, int length, int inFlight);
}
