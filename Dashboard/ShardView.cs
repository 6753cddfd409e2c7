namespace OrleansML.Dashboard;

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
