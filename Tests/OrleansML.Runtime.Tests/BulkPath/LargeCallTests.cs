using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Tests.Core;
using OrleansML.Runtime.Tests.Core.Doubles;
using OrleansML.Runtime.Tests.Core.Grains;
using OrleansML.Runtime.Tests.TestSupport;

namespace OrleansML.Runtime.Tests.BulkPath;

/// <summary>
/// Large arguments between silos take the bulk path (gather send from the body's chunks; decoded off the receive
/// loop) while small calls share the same connection: every call must still see exactly its own bytes.
/// </summary>
[Collection(CoreTestGroup.Name)]
public sealed class LargeCallTests
{
    [Fact]
    public async Task Large_and_small_calls_interleaved_on_one_connection_each_arrive_intact()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        TestSilo caller = cluster.Silos[0], host = cluster.Silos[1];
        string key = TestKeys.Unique("bulk");
        IProbeGrain grain = caller.GrainFactory.GetGrain<IProbeGrain>(key);
        cluster.PinGrain(grain, host);
        Assert.Equal(host.Address.ToString(), await grain.WhereAmI(""));

        // 300,000 ints = 1.2 MB per call (above the bulk threshold), each call with its own contents.
        Task<int>[] large = [.. Enumerable.Range(1, 8).Select(seed => grain.Scribble([.. Enumerable.Range(0, 300_000).Select(i => (i % 97) * seed)]))];
        Task<string>[] small = [.. Enumerable.Range(0, 40).Select(i => grain.Echo($"small-{i}"))];
        int[] sums = await Task.WhenAll(large).WaitAsync(TimeSpan.FromSeconds(30));
        string[] echoes = await Task.WhenAll(small).WaitAsync(TimeSpan.FromSeconds(30));

        int baseSum = Enumerable.Range(0, 300_000).Sum(i => i % 97);
        Assert.Equal(Enumerable.Range(1, 8).Select(seed => baseSum * seed), sums);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"{key}:small-{i}"), echoes);
    }
}
