using OrleansML.Runtime.Tests.TestSupport;
using OrleansML.Runtime.Activation;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Tests.Core.Doubles;
using OrleansML.Runtime.Tests.Core.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansML.Runtime.Tests.Core;

[Collection(CoreTestGroup.Name)]
public sealed class ActivationTests
{
    [Fact]
    public async Task A_thousand_concurrent_first_calls_from_three_silos_make_exactly_one_activation()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(3);
        string key = TestKeys.Unique("hot");

        // Every silo sends a third of the calls, all before any has completed.
        Task<string>[] calls = [.. Enumerable.Range(0, 1000).Select(i =>
            cluster.Silos[i % 3].GrainFactory.GetGrain<IProbeGrain>(key).Echo(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))];
        string[] results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, ProbeGrain.Constructions[key]);
        Assert.Equal(1000, results.Distinct().Count());
        Assert.All(results, r => Assert.StartsWith(key + ":", r, StringComparison.Ordinal));
        int activations = cluster.Silos.Sum(s => s.Services.GetRequiredService<Catalog>().Activations.Count(a => a.GrainId.Key == key));
        Assert.Equal(1, activations);
    }

    [Fact]
    public async Task An_InconsistentStateException_deactivates_the_grain_and_the_next_call_reloads_state()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        string key = TestKeys.Unique("stale");
        ICounterGrain counter = cluster.Client.GetGrain<ICounterGrain>(key);
        Assert.Equal(5, await counter.Increment(5));

        // Another writer changes the record: this activation's ETag is now stale.
        var id = new GrainId("counter", key);
        global::OrleansML.Runtime.Persistence.StoredRecord record = (await cluster.Storage.ReadAsync("counter", id, default))!;
        await cluster.Storage.WriteAsync("counter", id, record.Data, record.Etag, default);
        await Assert.ThrowsAsync<global::OrleansML.Runtime.Persistence.InconsistentStateException>(() => counter.Increment(1));

        // The runtime deactivated the stale activation; the next call activates a new one from storage.
        Assert.Equal(6, await WaitForAsync(() => counter.Increment(1), v => v == 6));
        Assert.Equal(2, CounterGrain.Constructions[key]);
    }

    [Fact]
    public async Task Idle_activations_are_collected_after_the_collection_age_on_the_injected_clock()
    {
        var time = new ManualTimeProvider();
        await using TestCluster cluster = new CoreClusterFactory { Time = time }.Create(1, o => o.CollectionQuantum = TimeSpan.FromMinutes(1));
        await cluster.DeployAsync();
        string key = TestKeys.Unique("idle");
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>(key);
        await grain.Echo("wake");
        Catalog catalog = cluster.Silos[0].Services.GetRequiredService<Catalog>();

        // The response can arrive before the turn has fully ended; idle time counts from the turn's end.
        await WaitUntilAsync(() => catalog.Find(new GrainId("probe", key))?.IsIdle == true);

        // Minute by minute (one collection quantum per step), so the deactivation's own timeout timer,
        // created by the last scan, is not fired by the same Advance.
        for (int minute = 1; minute <= 14; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
        }

        await Task.Delay(50);
        Assert.NotNull(catalog.Find(new GrainId("probe", key)));
        Assert.False(ProbeGrain.Deactivations.ContainsKey(key));

        time.Advance(TimeSpan.FromMinutes(1));
        await WaitUntilAsync(() => catalog.Find(new GrainId("probe", key)) is null);
        Assert.Equal([DeactivationReason.Idle], ProbeGrain.Deactivations[key]);

        await grain.Echo("again");
        Assert.Equal(2, ProbeGrain.Constructions[key]);
    }

    [Fact]
    public async Task DeactivateOnIdle_deactivates_after_the_turn_and_the_grain_reactivates_on_the_next_call()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        string key = TestKeys.Unique("bye");
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>(key);
        Assert.Equal(0, await grain.DeactivateSoon(0));
        await WaitUntilAsync(() => ProbeGrain.Deactivations.ContainsKey(key));
        Assert.Equal([DeactivationReason.Requested], ProbeGrain.Deactivations[key]);

        Assert.Equal($"{key}:x", await grain.Echo("x"));
        Assert.Equal(2, ProbeGrain.Constructions[key]);
    }

    [Fact]
    public async Task A_failed_activation_rejects_its_calls_and_the_next_call_activates_afresh()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        string key = TestKeys.Unique("broken");
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>(key);

        var rejected = await Assert.ThrowsAsync<GrainCallRejectedException>(() => grain.Echo("first"));
        Assert.Equal(RejectionKind.ActivationFailed, rejected.Kind);
        Assert.Contains("OnActivateAsync refused", rejected.Message, StringComparison.Ordinal);

        Assert.Equal($"{key}:second", await WaitForAsync(async () =>
        {
            try
            {
                return await grain.Echo("second");
            }
            catch (GrainCallRejectedException)
            {
                return "";
            }
        }, r => r.Length > 0));
        Assert.Equal(2, ProbeGrain.Constructions[key]);
    }

    [Fact]
    public async Task Timers_tick_as_grain_turns_and_stop_with_the_activation()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(1);
        string key = TestKeys.Unique("timer");
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>(key);
        await grain.StartTimer(20);
        await WaitUntilAsync(() => ProbeGrain.TimerTicks.GetValueOrDefault(key) >= 3);

        await grain.DeactivateSoon(0);
        await WaitUntilAsync(() => ProbeGrain.Deactivations.ContainsKey(key));
        int ticks = ProbeGrain.TimerTicks[key];
        await Task.Delay(200);
        Assert.Equal(ticks, ProbeGrain.TimerTicks[key]);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, int timeoutMilliseconds = 10_000)
    {
        using var timeout = new CancellationTokenSource(timeoutMilliseconds);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    internal static async Task<T> WaitForAsync<T>(Func<Task<T>> call, Func<T, bool> done, int attempts = 50)
    {
        T last = default!;
        for (int i = 0; i < attempts; i++)
        {
            last = await call();
            if (done(last))
            {
                return last;
            }

            await Task.Delay(20);
        }

        return last;
    }
}
