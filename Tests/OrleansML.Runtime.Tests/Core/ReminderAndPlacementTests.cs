using OrleansML.Runtime.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Tests.Core.Doubles;
using OrleansML.Runtime.Tests.Core.Grains;

namespace OrleansML.Runtime.Tests.Core;

[Collection(CoreTestGroup.Name)]
public sealed class ReminderAndPlacementTests
{
    [Fact]
    public async Task A_reminder_fires_and_fires_again_after_its_silo_is_killed()
    {
        var factory = new CoreClusterFactory();
        await using TestCluster cluster = factory.Create(3, o => o.MinimumReminderPeriod = TimeSpan.FromMilliseconds(100));
        await cluster.DeployAsync();
        string key = TestKeys.Unique("remind");
        IReminderGrain grain = cluster.Client.GetGrain<IReminderGrain>(key);
        await grain.Start(200);
        await ActivationTests.WaitUntilAsync(() => ReminderGrain.Ticks.TryGetValue(key, out var t) && t.Count >= 2);

        // Kill the silo that fires the reminder (the ring owner of the grain) and the one hosting the grain.
        var owner = cluster.Silos[0].Services.GetRequiredService<Directory.GrainDirectory>().GetOwner(new GrainId("reminder", key));
        SiloAddress? hosting = await cluster.GetSiloHostingAsync(grain);
        foreach (TestSilo silo in cluster.Silos.Where(s => s.Address == owner || s.Address == hosting).ToList())
        {
            await cluster.KillSiloAsync(silo);
        }

        await cluster.WaitForLivenessToStabilizeAsync();
        int before = ReminderGrain.Ticks[key].Count;
        await ActivationTests.WaitUntilAsync(() => ReminderGrain.Ticks[key].Count >= before + 2);
        string lastSilo = ReminderGrain.Ticks[key].Last();
        Assert.Contains(cluster.Silos, s => s.Address.ToString() == lastSilo);

        await grain.Cancel(0);
        Assert.Empty(await cluster.ReminderTable.ReadGrainAsync(new GrainId("reminder", key), default));

        // A tick dispatched before the cancel may still land (however slow the machine): wait until the count
        // holds still for two periods and more, then no further tick may come.
        int afterCancel = ReminderGrain.Ticks[key].Count;
        var quiet = System.Diagnostics.Stopwatch.StartNew();
        for (int seen = afterCancel; quiet.Elapsed < TimeSpan.FromSeconds(10); seen = afterCancel)
        {
            await Task.Delay(500);
            afterCancel = ReminderGrain.Ticks[key].Count;
            if (afterCancel == seen)
            {
                break;
            }
        }

        await Task.Delay(600);
        Assert.Equal(afterCancel, ReminderGrain.Ticks[key].Count);
    }

    [Fact]
    public async Task Spread_placement_puts_name_0_to_N_minus_1_on_distinct_silos()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(3);
        string name = TestKeys.Unique("shard");
        string[] where = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => cluster.Client.GetGrain<ISpreadGrain>($"{name}/{i}").WhereAmI(0)));

        Assert.Equal(3, where.Distinct().Count());
        string[] ordered = [.. cluster.Silos.Select(s => s.Address).Order(Comparer<SiloAddress>.Create(SiloAddress.Compare)).Select(a => a.ToString())];
        Assert.Equal(ordered, where);

        // Round-robin: shard 3 goes where shard 0 is.
        Assert.Equal(where[0], await cluster.Client.GetGrain<ISpreadGrain>($"{name}/3").WhereAmI(0));
    }

    [Fact]
    public async Task PreferLocal_places_on_the_calling_silo_and_HashBased_on_the_ring_owner()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(3);
        long key = Random.Shared.NextInt64(1, long.MaxValue / 4);
        for (int i = 0; i < 3; i++)
        {
            TestSilo caller = cluster.Silos[i];
            Assert.Equal(caller.Address.ToString(), await caller.GrainFactory.GetGrain<ILocalPlacedGrain>(key + i).WhereAmI(0));
        }

        var directory = cluster.Silos[0].Services.GetRequiredService<Directory.GrainDirectory>();
        for (long k = key; k < key + 12; k++)
        {
            SiloAddress owner = directory.GetOwner(new GrainId("hash-placed", k.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
            Assert.Equal(owner.ToString(), await cluster.Silos[(int)(k % 3)].GrainFactory.GetGrain<IHashPlacedGrain>(k).WhereAmI(0));
        }
    }

    [Fact]
    public async Task A_placement_pin_decides_where_a_new_activation_goes_but_never_moves_a_live_one()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(3);
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>(TestKeys.Unique("pinned"));
        cluster.PinGrain(grain, cluster.Silos[1]);
        Assert.Equal(cluster.Silos[1].Address.ToString(), await grain.WhereAmI(""));

        cluster.PinGrain(grain, cluster.Silos[2]);
        Assert.Equal(cluster.Silos[1].Address.ToString(), await grain.WhereAmI(""));
        Assert.Equal(cluster.Silos[1].Address, await cluster.GetSiloHostingAsync(grain));
    }

    [Fact]
    public void The_runtime_and_the_generator_agree_on_ReceiveReminder()
    {
        // The generated request for the inherited method lives under the grain interface's own name...
        Invocation.GrainInterfaceMetadata generated = Invocation.GeneratedCodeRegistry.FindInterface(typeof(IReminderGrain).FullName!)!;
        Invocation.GrainRequest inherited = Assert.Single(generated.Methods, m => m.MethodName == nameof(IRemindable.ReceiveReminder));
        Assert.Equal(typeof(IReminderGrain).FullName, inherited.InterfaceName);
        Assert.Equal(global::OrleansML.Runtime.Reminders.ReceiveReminderRequest.Id, inherited.MethodId);

        // ...while the reminder service's call is addressed to IRemindable, found only among the runtime's own requests.
        Assert.Null(Invocation.GeneratedCodeRegistry.FindInterface(typeof(IRemindable).FullName!));
        var prototypes = new Messaging.RequestPrototypes([new global::OrleansML.Runtime.Reminders.ReceiveReminderRequest()]);
        Assert.IsType<global::OrleansML.Runtime.Reminders.ReceiveReminderRequest>(prototypes.CreateEmpty(typeof(IRemindable).FullName!, global::OrleansML.Runtime.Reminders.ReceiveReminderRequest.Id));
        Assert.Equal(generated.Methods.Count, generated.Methods.Select(m => m.MethodId).Distinct().Count());
    }
}
