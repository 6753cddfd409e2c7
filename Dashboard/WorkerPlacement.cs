namespace OrleansML.Dashboard;

/// <summary>One partition worker and the silo that hosts it.</summary>
/// <param name="Index">The worker's index in its job.</param>
/// <param name="Key">Its grain key.</param>
/// <param name="Silo">Its silo, <c>ip:port</c>.</param>
public sealed record WorkerPlacement(int Index, string Key, string Silo);
