using OrleansML.Jobs;

namespace OrleansML.Dashboard;

/// <summary>What the training page shows of one job: its status (with the per-epoch history), where its workers
/// run, and its shards' traffic.</summary>
/// <param name="Status">The coordinator's status.</param>
/// <param name="Workers">The workers of the current generation that are active now, with their silos.</param>
/// <param name="Shards">The shards' statistics (push and pull bytes, staleness, silo): live while the job runs, the
/// last ones seen once it has ended (asking again would reactivate finished shards).</param>
public sealed record JobView(JobStatus Status, IReadOnlyList<WorkerPlacement> Workers, IReadOnlyList<ShardView> Shards);
