using System.Diagnostics;

namespace OrleansML.GrainInterfaces;

/// <summary>
/// How a flat parameter vector of <see cref="ParameterCount"/> values splits into <see cref="ShardCount"/>
/// contiguous, nearly equal ranges (the first <c>ParameterCount % ShardCount</c> shards hold one more). Dense
/// slices and hashed-sparse keys use the same ranges: a sparse key is a parameter index, so sorted keys split
/// into contiguous runs, one per shard.
/// </summary>
public readonly record struct ShardLayout
{
    /// <summary>Creates the layout.</summary>
    public ShardLayout(int parameterCount, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parameterCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shardCount, parameterCount);
        ParameterCount = parameterCount;
        ShardCount = shardCount;
    }

    /// <summary>Length of the whole parameter vector.</summary>
    public int ParameterCount { get; }

    /// <summary>Number of shards.</summary>
    public int ShardCount { get; }

    /// <summary>First parameter index of <paramref name="shard"/>.</summary>
    public int Start(int shard)
    {
        Debug.Assert(shard >= 0 && shard <= ShardCount);
        int baseLength = ParameterCount / ShardCount;
        int remainder = ParameterCount % ShardCount;
        return (shard * baseLength) + Math.Min(shard, remainder);
    }

    /// <summary>Number of parameters <paramref name="shard"/> holds.</summary>
    public int Length(int shard) => Start(shard + 1) - Start(shard);

    /// <summary>The shard holding parameter <paramref name="index"/>.</summary>
    public int ShardOf(int index)
    {
        Debug.Assert(index >= 0 && index < ParameterCount);
        int baseLength = ParameterCount / ShardCount;
        int remainder = ParameterCount % ShardCount;
        int longShardsEnd = remainder * (baseLength + 1);
        return index < longShardsEnd ? index / (baseLength + 1) : remainder + ((index - longShardsEnd) / baseLength);
    }

    /// <summary>The grain key of shard <paramref name="shard"/> of job <paramref name="jobId"/>; the trailing
    /// index makes spread placement put consecutive shards on distinct silos.</summary>
    public static string ShardKey(string jobId, int shard) => $"{jobId}/shards/{shard}";

    /// <summary>The grain key of worker <paramref name="worker"/> of job <paramref name="jobId"/>.</summary>
    public static string WorkerKey(string jobId, int worker) => $"{jobId}/workers/{worker}";
}
