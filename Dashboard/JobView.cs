using OrleansML.Jobs;

namespace OrleansML.Dashboard;

/// <summary>What the training page shows of one job: its status (with the per-epoch history), where its workers
/// run, and its shards' traffic.</summary>
/// <param name="Status">The coordinator's status.</param>
/// <param name="Workers">The workers of the current generation that are active now, with their silos.</param>
/// <param name="Shards">The shards' statistics (push and pull bytes, staleness, silo): live while the job runs, the
/// last ones seen once it has ended (asking again would reactivate finished shards).</param>
public sealed record JobView(JobStatus Status, IReadOnlyList<WorkerPlacement> Workers, IReadOnlyList<ShardView> Shards);

/// <summary>One partition worker and the silo that hosts it.</summary>
/// <param name="Index">The worker's index in its job.</param>
/// <param name="Key">Its grain key.</param>
/// <param name="Silo">Its silo, <c>ip:port</c>.</param>
public sealed record WorkerPlacement(int Index, string Key, string Silo);

/// <summary>One parameter shard's counters since the job configured it.</summary>
/// <param name="Index">The shard's index.</param>
/// <param name="Silo">The silo that hosts it.</param>
/// <param name="Pushes">Pushes applied or buffered.</param>
/// <param name="Pulls">Pulls served.</param>
/// <param name="PushBytes">Bytes of gradients received.</param>
/// <param name="PullBytes">Bytes of parameters sent.</param>
/// <param name="MaximumStaleness">The largest staleness of a push it accepted (asynchronous modes; 0 under BSP).</param>
/// <param name="LatePushes">Late pushes it dropped.</param>
/// <param name="DuplicatePushes">Duplicate pushes it ignored.</param>
public sealed record ShardView(int Index, string? Silo, long Pushes, long Pulls, long PushBytes, long PullBytes, long MaximumStaleness, long LatePushes, long DuplicatePushes);
