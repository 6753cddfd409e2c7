namespace OrleansML.Grains.Shards;

/// <summary>The core's decisions, turned into the shard's logs and metrics.</summary>
internal sealed partial class ParameterShardGrain
{
    void IShardCoreEvents.RefusedAttempt(string operation, long attempt, long? current) => LogRefusedAttempt(_logger, Key, operation, attempt, current);

    void IShardCoreEvents.RefusedBegin(long attempt, long last) => LogRefusedBegin(_logger, Key, attempt, last);

    void IShardCoreEvents.Begun(long attempt, long? previous, long version) => LogBegun(_logger, Key, attempt, previous, version);

    void IShardCoreEvents.Rejected(ShardState state) => Metrics(state).Rejected();

    void IShardCoreEvents.Applied(ShardState state, long staleness) => Metrics(state).Applied(staleness);

    void IShardCoreEvents.Pushed(ShardState state, PushOutcome outcome, long bytes) => Metrics(state).Pushed(outcome, bytes);

    void IShardCoreEvents.Waited(ShardState state, double seconds) => Metrics(state).Waited(seconds);

    void IShardCoreEvents.Pulled(ShardState state, long bytes) => Metrics(state).Pulled(bytes);

    void IShardCoreEvents.PullTimedOut(int worker, TimeSpan timeout) => LogPullTimedOut(_logger, Key, worker, timeout);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shard {Shard} began attempt {Attempt} (previous {Previous}) at version {Version}")]
    private static partial void LogBegun(ILogger logger, string shard, long attempt, long? previous, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} refused to begin attempt {Attempt}: attempt {Last} has begun")]
    private static partial void LogRefusedBegin(ILogger logger, string shard, long attempt, long last);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shard {Shard} refused a {Operation} of attempt {Attempt} (current {Current})")]
    private static partial void LogRefusedAttempt(ILogger logger, string shard, string operation, long attempt, long? current);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shard {Shard}: a pull of worker {Worker} timed out after {Timeout}")]
    private static partial void LogPullTimedOut(ILogger logger, string shard, int worker, TimeSpan timeout);
}
