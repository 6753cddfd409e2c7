namespace OrleansML.Benchmarks.Scaling;

/// <summary>
/// What one training step moves and computes, independent of where it runs. A dense model pushes and pulls its
/// whole parameter vector (<see cref="ModelBytes"/>); a sparse (hashed) one pushes and pulls only the keys its batch
/// touched, <see cref="SparseKeys"/>(rows) of them, each as a 4-byte key plus a 4-byte value.
/// </summary>
/// <param name="Name">For printing.</param>
/// <param name="ComputeSecondsPerRow">One core's forward and backward time per training row (LocalTrainer, warm).</param>
/// <param name="TrainRows">Rows of one epoch.</param>
/// <param name="GlobalBatch">Rows per step over all workers.</param>
/// <param name="ModelBytes">Parameter bytes (float32).</param>
/// <param name="EpochsToTarget">Epochs the sequential run (BSP's equivalent) needs to reach the target.</param>
/// <param name="SparseKeys">Distinct keys touched by a batch of the given rows, or null for a dense model.</param>
internal sealed record Workload(
    string Name,
    double ComputeSecondsPerRow,
    long TrainRows,
    int GlobalBatch,
    double ModelBytes,
    double EpochsToTarget,
    Func<double, double>? SparseKeys = null)
{
    /// <summary>Bytes one worker pushes in a step of <paramref name="rows"/> rows (the gradient; sparse: keys and values).</summary>
    public double PushBytes(double rows) => SparseKeys is null ? ModelBytes : Math.Min(SparseKeys(rows), ModelBytes / 4) * 8;

    /// <summary>Bytes of one worker's pull for <paramref name="rows"/> rows: the parameters (sparse: keys out, values back).</summary>
    public double PullBytes(double rows) => PushBytes(rows);

    public double StepsPerEpoch => Math.Ceiling((double)TrainRows / GlobalBatch);
}

/// <summary>
/// Where a job runs: <see cref="Hosts"/> machines (silos) over which workers and shards are spread round-robin, and
/// the cores that can compute at once (<see cref="ParallelCores"/>: for the silos sharing this machine, its cores;
/// on a cluster of one-worker hosts, the host count).
/// </summary>
internal sealed record ClusterShape(int Hosts, int Workers, int Shards, double ParallelCores)
{
    /// <summary>Fraction of a worker's shards on other hosts: a worker shares a host with 1/Hosts of the shards.</summary>
    public double RemoteFraction => Hosts <= 1 ? 0 : (Hosts - 1.0) / Hosts;

    /// <summary>Other hosts a worker or a shard exchanges with in a step: one worker and one shard per host.</summary>
    public double RemotePeers => Math.Max(0, Math.Min(Hosts, Math.Max(Workers, Shards)) - 1);

    /// <summary>How much longer than on a core of their own a step's CPU-bound parts (message handling,
    /// serialization, the barrier's delays) take: max(1, busy processes / the cores they share), one busy process per host.
    /// On hosts of their own (<see cref="ParallelCores"/> = hosts) it is 1.</summary>
    public double CpuStretch => Math.Max(1, Math.Min(Hosts, Math.Max(Workers, Shards)) / ParallelCores);

    /// <summary>The expected wait for the slowest of the n = <see cref="RemotePeers"/> + 1 hosts a step synchronises,
    /// in units of one host's mean delay: E[max of n exponential delays] - E[one delay] = 1/2 + 1/3 + ... + 1/n.</summary>
    public double SlowestOfHosts
    {
        get
        {
            double sum = 0;
            for (int k = 2; k <= RemotePeers + 1; k++)
            {
                sum += 1.0 / k;
            }

            return sum;
        }
    }
}

/// <summary>
/// The network and messaging costs of one link between silos.
/// </summary>
/// <param name="RoundTripSeconds">An empty grain call from one silo to another and back (the probe's p50).</param>
/// <param name="BandwidthBytesPerSecond">Each host's link rate, each direction (full duplex).</param>
/// <param name="MessageSeconds">CPU time an endpoint spends per extra call when several arrive in one step (the
/// probe's time per call with many in flight).</param>
/// <param name="SerializationSecondsPerByte">CPU time per payload byte at an endpoint (serialize, copy, deserialize:
/// the probe's time per byte on an unshaped link, less the round trip).</param>
/// <param name="StepOverheadSeconds">kappa: the mean of one host's delay at a synchronised step beyond all of the
/// above (scheduling, wake-ups, collections); a step waits for the slowest of its hosts
/// (<see cref="ClusterShape.SlowestOfHosts"/>): fitted from the runs.</param>
/// <param name="WireFactor">gamma: a step's bytes take this many times bytes / bandwidth on the wire (16 KB bursts
/// through TCP and a paced link do not reach the bulk rate the probe measures): fitted from the runs.</param>
internal sealed record LinkCosts(
    double RoundTripSeconds,
    double BandwidthBytesPerSecond,
    double MessageSeconds,
    double SerializationSecondsPerByte,
    double StepOverheadSeconds,
    double WireFactor = 1);
