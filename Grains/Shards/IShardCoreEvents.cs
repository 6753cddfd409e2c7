namespace OrleansML.Grains.Shards;

/// <summary>What <see cref="ShardCore"/> reports as it decides: the grain turns these into logs and metrics, so the
/// core stays free of the silo's telemetry and tests can drive it with <see cref="None"/>.</summary>
internal interface IShardCoreEvents
{
    /// <summary>Reports nothing.</summary>
    public static IShardCoreEvents None { get; } = new Silent();

    /// <summary>A push or pull of an attempt other than <paramref name="current"/> was refused.</summary>
    void RefusedAttempt(string operation, long attempt, long? current);

    /// <summary>BeginAsync of an attempt older than <paramref name="last"/> was refused.</summary>
    void RefusedBegin(long attempt, long last);

    /// <summary>Attempt <paramref name="attempt"/> replaced <paramref name="previous"/> at <paramref name="version"/>.</summary>
    void Begun(long attempt, long? previous, long version);

    /// <summary>A push was refused (wrong attempt, bad payload, a step ahead of the barrier).</summary>
    void Rejected(ShardState state);

    /// <summary>An ASP or SSP push was applied <paramref name="staleness"/> clocks ahead of the slowest worker.</summary>
    void Applied(ShardState state, long staleness);

    void Pushed(ShardState state, PushOutcome outcome, long bytes);

    /// <summary>A pull waited <paramref name="seconds"/> for its version or staleness bound.</summary>
    void Waited(ShardState state, double seconds);

    void Pulled(ShardState state, long bytes);

    void PullTimedOut(int worker, TimeSpan timeout);

    private sealed class Silent : IShardCoreEvents
    {
        public void RefusedAttempt(string operation, long attempt, long? current) { }

        public void RefusedBegin(long attempt, long last) { }

        public void Begun(long attempt, long? previous, long version) { }

        public void Rejected(ShardState state) { }

        public void Applied(ShardState state, long staleness) { }

        public void Pushed(ShardState state, PushOutcome outcome, long bytes) { }

        public void Waited(ShardState state, double seconds) { }

        public void Pulled(ShardState state, long bytes) { }

        public void PullTimedOut(int worker, TimeSpan timeout) { }
    }
}
