using Microsoft.Extensions.DependencyInjection;
using OrleansML.Runtime.Directory;
using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Tests.Core.Doubles;
using OrleansML.Runtime.Tests.Core.Grains;

namespace OrleansML.Runtime.Tests.Core;

[Collection(CoreTestGroup.Name)]
public sealed class DirectoryTests
{
    [Fact]
    public async Task A_joining_silo_takes_over_directory_ranges_without_creating_duplicates()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        string prefix = $"handoff-{Guid.NewGuid():N}";
        string[] keys = [.. Enumerable.Range(0, 40).Select(i => $"{prefix}-{i}")];
        await Task.WhenAll(keys.Select(k => cluster.Client.GetGrain<IProbeGrain>(k).Echo("first")));

        TestSilo joiner = await cluster.StartAdditionalSiloAsync();
        await cluster.WaitForLivenessToStabilizeAsync();
        GrainDirectory directory = joiner.Services.GetRequiredService<GrainDirectory>();

        // Activations whose directory owner changed re-register with the new owner: every grain is found again.
        await ActivationTests.WaitUntilAsync(() => keys.All(k => directory.LookupAsync(new GrainId("probe", k), CancellationToken.None).Result is not null));

        // Calls from the new silo (empty location cache) reach the existing activations.
        await Task.WhenAll(keys.Select(k => joiner.GrainFactory.GetGrain<IProbeGrain>(k).Echo("second")));
        Assert.All(keys, k => Assert.Equal(1, ProbeGrain.Constructions[k]));
        Assert.True(keys.Any(k => directory.GetOwner(new GrainId("probe", k)) == joiner.Address), "the new silo owns part of the directory");
    }

    [Fact]
    public async Task Stream_methods_return_their_items()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>($"stream-{Guid.NewGuid():N}");
        cluster.PinGrain(grain, cluster.Silos[1]);
        var items = new List<string>();
        await foreach (string item in grain.Count(4))
        {
            items.Add(item);
        }

        Assert.Equal(["0", "1", "2", "3"], items);
    }
}
