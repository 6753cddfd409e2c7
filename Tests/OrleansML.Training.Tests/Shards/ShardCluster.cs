namespace OrleansML.Training.Tests.Shards;

/// <summary>One single-silo cluster shared by a test class (each test uses its own job id).</summary>
public sealed class ShardCluster() : ClusterFixture(1)
{
    public IParameterShardGrain Shard(string job, int index = 0) =>
        Cluster.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(job, index));

    /// <summary>Configures shard <paramref name="index"/> of a new job named after <paramref name="name"/> with the
    /// assignment made for that job id, begins attempt 1, and returns the shard and its initial parameters.</summary>
    public async Task<(IParameterShardGrain Shard, float[] Initial)> BeginAsync(string name, Func<string, ShardAssignment> assignment, int index = 0)
    {
        string job = ShardKit.NewJob(name);
        IParameterShardGrain shard = Shard(job, index);
        await shard.ConfigureAsync(assignment(job));
        await shard.BeginAsync(1);
        return (shard, await ShardKit.ReadAsync(shard));
    }
}
