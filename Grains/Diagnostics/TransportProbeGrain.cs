using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using OrleansML.Diagnostics;
using OrleansML.Grains.Placement;

namespace OrleansML.Grains.Diagnostics;

/// <summary>
/// See <see cref="ITransportProbeGrain"/>. Placed by <see cref="SpreadPlacement"/>, which honours the placement hint
/// <see cref="TransportProbe.CallAsync{TResult}"/> sets; a probe that lands on another silo than its key names
/// refuses calls and migrates there. Reentrant: it keeps no state a turn could see half-changed (the tensor it provides
/// is replaced, never modified), and two probes measuring each other must not wait on each other.
/// </summary>
[SpreadPlacement]
[Reentrant]
internal sealed partial class TransportProbeGrain(
    ILocalSiloDetails localSilo,
    IOptions<TransportProbeOptions> options,
    ILogger<TransportProbeGrain> logger) : Grain, ITransportProbeGrain
{
    private readonly TransportProbeOptions _options = Validated(options.Value);
    private string? _misplaced;
    private SiloAddress? _intended;
    private FloatTensor _provided = FloatTensor.Empty;

    private string Silo => localSilo.SiloAddress.ToParsableString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        string key = this.GetPrimaryKeyString();
        SiloAddress? intended = TransportProbe.SiloOf(key);
        if (intended is null || !intended.Equals(localSilo.SiloAddress))
        {
            _intended = intended;
            _misplaced = intended is null
                ? $"'{key}' is not a silo address: a transport probe's key is its silo's address (TransportProbe.KeyFor)."
                : $"The transport probe of silo {key} was activated on silo {Silo}: the call that activated it carried no placement hint for {key} " +
                  "(use TransportProbe.CallAsync), or that silo was not yet in this silo's membership view. It moves to its silo once idle; retry.";
        }

        return Task.CompletedTask;
    }

    public Task<string> GetSiloAsync()
    {
        EnsurePlaced();
        return Task.FromResult(Silo);
    }

    public Task PingAsync()
    {
        EnsurePlaced();
        return Task.CompletedTask;
    }

    public Task<int> AcceptAsync(FloatTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        EnsurePlaced();
        return Task.FromResult(tensor.Length);
    }

    public Task<FloatTensor> ProvideAsync(int length)
    {
        EnsurePlaced();
        CheckRange(length, 0, _options.MaximumTensorLength, nameof(length), nameof(TransportProbeOptions.MaximumTensorLength));
        if (_provided.Length != length)
        {
            _provided = new FloatTensor(Pattern(length));
        }

        return Task.FromResult(_provided);
    }

    public async Task<RoundTripProbeResult> MeasureRoundTripsAsync(string peerSilo, int calls)
    {
        EnsurePlaced();
        CheckRange(calls, 1, _options.MaximumCalls, nameof(calls), nameof(TransportProbeOptions.MaximumCalls));
        ITransportProbeGrain peer = await LocatePeerAsync(peerSilo);
        var ticks = new long[calls];
        int completed = 0;
        long deadline = Deadline();
        do
        {
            long start = Stopwatch.GetTimestamp();
            await peer.PingAsync();
            ticks[completed++] = Stopwatch.GetTimestamp() - start;
        }
        while (completed < calls && Stopwatch.GetTimestamp() < deadline);

        Array.Sort(ticks, 0, completed);
        double toMicroseconds = 1e6 / Stopwatch.Frequency;
        double Percentile(double p) => ticks[Math.Min(completed - 1, (int)(completed * p))] * toMicroseconds;
        long total = 0;
        for (int i = 0; i < completed; i++)
        {
            total += ticks[i];
        }

        var result = new RoundTripProbeResult
        {
            Silo = Silo,
            PeerSilo = peerSilo,
            Requested = calls,
            Completed = completed,
            P50Microseconds = Percentile(0.50),
            P90Microseconds = Percentile(0.90),
            P99Microseconds = Percentile(0.99),
            MaximumMicroseconds = ticks[completed - 1] * toMicroseconds,
            MeanMicroseconds = total * toMicroseconds / completed,
        };
        LogRoundTrips(logger, Silo, peerSilo, completed, result.P50Microseconds, result.P99Microseconds);
        return result;
    }

    public async Task<TransferProbeResult> MeasurePushesAsync(string peerSilo, int transfers, int length, int inFlight)
    {
        EnsurePlaced();
        CheckTransfer(transfers, length, inFlight);
        ITransportProbeGrain peer = await LocatePeerAsync(peerSilo);
        // One tensor for every push: a FloatTensor is immutable once sent, and the codec reads it without copying.
        var tensor = new FloatTensor(Pattern(length));
        (int completed, double seconds) = await TransferAsync(transfers, inFlight, () => peer.AcceptAsync(tensor), received =>
        {
            if (received != length)
            {
                throw new InvalidOperationException($"The probe of silo {peerSilo} received {received} floats of a {length}-float push.");
            }
        });
        return Report(TransferDirection.Push, peerSilo, transfers, completed, length, inFlight, seconds);
    }

    public async Task<TransferProbeResult> MeasurePullsAsync(string peerSilo, int transfers, int length, int inFlight)
    {
        EnsurePlaced();
        CheckTransfer(transfers, length, inFlight);
        ITransportProbeGrain peer = await LocatePeerAsync(peerSilo);
        (int completed, double seconds) = await TransferAsync(transfers, inFlight, () => peer.ProvideAsync(length), tensor => CheckPulled(tensor, length, peerSilo));
        return Report(TransferDirection.Pull, peerSilo, transfers, completed, length, inFlight, seconds);
    }

    /// <summary>Issues <paramref name="transfers"/> calls, at most <paramref name="inFlight"/> outstanding, checks each
    /// reply in issue order, and stops issuing at the deadline. Returns the replies checked and the elapsed time.</summary>
    private async Task<(int Completed, double Seconds)> TransferAsync<T>(int transfers, int inFlight, Func<Task<T>> issue, Action<T> check)
    {
        var window = new Queue<Task<T>>(inFlight);
        int completed = 0;
        long deadline = Deadline();
        long start = Stopwatch.GetTimestamp();
        for (int issued = 0; issued < transfers && (issued == 0 || Stopwatch.GetTimestamp() < deadline); issued++)
        {
            if (window.Count == inFlight)
            {
                check(await window.Dequeue());
                completed++;
            }

            window.Enqueue(issue());
        }

        while (window.Count > 0)
        {
            check(await window.Dequeue());
            completed++;
        }

        return (completed, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    private TransferProbeResult Report(TransferDirection direction, string peerSilo, int transfers, int completed, int length, int inFlight, double seconds)
    {
        var result = new TransferProbeResult
        {
            Silo = Silo,
            PeerSilo = peerSilo,
            Direction = direction,
            Requested = transfers,
            Completed = completed,
            BytesPerTransfer = (long)length * sizeof(float),
            InFlight = inFlight,
            Seconds = seconds,
        };
        LogTransfers(logger, direction, Silo, peerSilo, completed, result.BytesPerTransfer, inFlight, result.GigabytesPerSecond);
        return result;
    }

    /// <summary>The peer's probe, activated on its silo if it was not yet. The timed calls that follow carry no
    /// request context (the caller's would otherwise travel in every message header).</summary>
    private async Task<ITransportProbeGrain> LocatePeerAsync(string peerSilo)
    {
        ArgumentNullException.ThrowIfNull(peerSilo);
        SiloAddress peer = TransportProbe.SiloOf(peerSilo)
            ?? throw new ArgumentException($"'{peerSilo}' is not a silo address (expected the form SiloAddress.ToParsableString writes, e.g. 127.0.0.1:11111@123456789).", nameof(peerSilo));
        if (peer.Equals(localSilo.SiloAddress))
        {
            throw new ArgumentException($"The peer {peerSilo} is this probe's own silo: a transport check needs another silo.", nameof(peerSilo));
        }

        string located = await TransportProbe.CallAsync(GrainFactory, peer, p => p.GetSiloAsync());
        Debug.Assert(located == TransportProbe.KeyFor(peer), "a probe refuses calls unless it runs on the silo its key names");
        RequestContext.Clear();
        return GrainFactory.GetGrain<ITransportProbeGrain>(TransportProbe.KeyFor(peer));
    }

    private static void CheckPulled(FloatTensor tensor, int length, string peerSilo)
    {
        // The ends and the middle: a block shifted, cut short or mislabelled shows in one of them.
        if (tensor.Length != length
            || (length > 0 && (tensor.Values[0] != TransportProbe.ValueAt(0)
                || tensor.Values[length / 2] != TransportProbe.ValueAt(length / 2)
                || tensor.Values[length - 1] != TransportProbe.ValueAt(length - 1))))
        {
            throw new InvalidOperationException($"The probe of silo {peerSilo} returned a tensor of {tensor.Length} floats that is not the {length}-float pattern it was asked for.");
        }
    }

    private static float[] Pattern(int length)
    {
        float[] values = GC.AllocateUninitializedArray<float>(length);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = TransportProbe.ValueAt(i);
        }

        return values;
    }

    private void CheckTransfer(int transfers, int length, int inFlight)
    {
        CheckRange(transfers, 1, _options.MaximumTransfers, nameof(transfers), nameof(TransportProbeOptions.MaximumTransfers));
        CheckRange(length, 0, _options.MaximumTensorLength, nameof(length), nameof(TransportProbeOptions.MaximumTensorLength));
        CheckRange(inFlight, 1, _options.MaximumInFlight, nameof(inFlight), nameof(TransportProbeOptions.MaximumInFlight));
    }

    private static void CheckRange(int value, int minimum, int maximum, string parameter, string option)
    {
        if (value < minimum || value > maximum)
        {
            throw new ArgumentOutOfRangeException(parameter, value, $"{parameter} must be in {minimum}..{maximum} (TransportProbeOptions.{option}), was {value}.");
        }
    }

    private long Deadline() => Stopwatch.GetTimestamp() + (long)(_options.MaximumDuration.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Refuses a call on a probe that runs elsewhere than its key says. Such a probe migrates to its silo
    /// (the migration's placement sees the hint); merely deactivating left later calls with the silo's cached address
    /// of the grain, and they activated it on the wrong silo again.</summary>
    private void EnsurePlaced()
    {
        if (_misplaced is null)
        {
            return;
        }

        if (_intended is null)
        {
            DeactivateOnIdle();
        }
        else
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, _intended);
            MigrateOnIdle();
        }

        throw new InvalidOperationException(_misplaced);
    }

    private static TransportProbeOptions Validated(TransportProbeOptions options)
    {
        options.Validate();
        return options;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Transport probe {Silo} -> {Peer}: {Calls} round trips, p50 {P50:F1} us, p99 {P99:F1} us")]
    private static partial void LogRoundTrips(ILogger logger, string silo, string peer, int calls, double p50, double p99);

    [LoggerMessage(Level = LogLevel.Information, Message = "Transport probe {Direction} {Silo} <-> {Peer}: {Transfers} x {Bytes} bytes, {InFlight} in flight, {GigabytesPerSecond:F2} GB/s")]
    private static partial void LogTransfers(ILogger logger, TransferDirection direction, string silo, string peer, int transfers, long bytes, int inFlight, double gigabytesPerSecond);
}
