using System.Diagnostics;

namespace OrleansML.Shards;

/// <summary>
/// How a flat parameter vector of <see cref="ParameterCount"/> values splits into <see cref="ShardCount"/>
/// contiguous, nearly equal ranges (the first <c>ParameterCount % ShardCount</c> shards hold one more). Dense
/// slices and hashed-sparse keys use the same ranges: a sparse key is a parameter index, so sorted keys split
/// into contiguous runs, one per shard.
/// </summary>
public readonly record struct ShardLayout
{
    public ShardLayout(int parameterCount, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parameterCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shardCount, parameterCount);
        ParameterCount = parameterCount;
        ShardCount = shardCount;
    }

    public int ParameterCount { get; }

    public int ShardCount { get; }

    public int Start(int shard)
    {
        Debug.Assert(shard >= 0 && shard <= ShardCount);
        int baseLength = ParameterCount / ShardCount;
        int remainder = ParameterCount % ShardCount;
        return (shard * baseLength) + Math.Min(shard, remainder);
    }

    public int Length(int shard) => Start(shard + 1) - Start(shard);

    /// <summary>
    /// Slices sorted, distinct keys by shard: element s is the range of <paramref name="sortedKeys"/> that falls in
    /// shard s (empty when none does). The one key slicer of pushes and pulls, so both split a batch's keys alike.
    /// </summary>
    public Range[] SliceKeys(ReadOnlySpan<int> sortedKeys)
    {
        var ranges = new Range[ShardCount];
        int position = 0;
        for (int shard = 0; shard < ShardCount; shard++)
        {
            int end = Start(shard + 1);
            int first = position;
            while (position < sortedKeys.Length && sortedKeys[position] < end)
            {
                Debug.Assert(sortedKeys[position] >= Start(shard), "keys are sorted and inside the model");
                position++;
            }

            ranges[shard] = first..position;
        }

        Debug.Assert(position == sortedKeys.Length, "every key lies inside the model");
        return ranges;
    }

    /// <summary>The grain key of shard <paramref name="shard"/> of job <paramref name="jobId"/>; the trailing
    /// index makes spread placement put consecutive shards on distinct silos.</summary>
    public static string ShardKey(string jobId, int shard) => $"{jobId}/shards/{shard}";

    /// <summary>The grain key of worker <paramref name="worker"/> of job <paramref name="jobId"/>.</summary>
    public static string WorkerKey(string jobId, int worker) => $"{jobId}/workers/{worker}";

    /// <summary>The grain key of shard <paramref name="shard"/> of placement generation
    /// <paramref name="generation"/>: <see cref="ShardKey(string, int)"/> for generation 0, then
    /// <c>{job}/g{n}/shards/{i}</c>. Each elastic rebalance starts a generation of new grains, which the runtime
    /// places over the silos active then (a job id has no '/', so no key of one job names another's).</summary>
    public static string ShardKey(string jobId, int shard, int generation)
    {
        Debug.Assert(generation >= 0, "generations count from 0");
        return generation == 0 ? ShardKey(jobId, shard) : $"{jobId}/g{generation}/shards/{shard}";
    }

    /// <summary>The grain key of worker <paramref name="worker"/> of placement generation
    /// <paramref name="generation"/>: <see cref="WorkerKey(string, int)"/> for generation 0, then
    /// <c>{job}/g{n}/workers/{i}</c>.</summary>
    public static string WorkerKey(string jobId, int worker, int generation)
    {
        Debug.Assert(generation >= 0, "generations count from 0");
        return generation == 0 ? WorkerKey(jobId, worker) : $"{jobId}/g{generation}/workers/{worker}";
    }
}
