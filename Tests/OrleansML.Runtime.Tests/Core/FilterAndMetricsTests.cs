using OrleansML.Runtime.Tests.TestSupport;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Tests.Core.Doubles;
using OrleansML.Runtime.Tests.Core.Grains;

namespace OrleansML.Runtime.Tests.Core;

[Collection(CoreTestGroup.Name)]
public sealed class FilterAndMetricsTests
{
    private sealed class ExclaimFilter : IIncomingGrainCallFilter
    {
        public ConcurrentQueue<string> Seen { get; } = new();

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            Seen.Enqueue($"{context.TargetId.Type}.{context.MethodName}");
            await context.Invoke();
            if (context.MethodName == nameof(IProbeGrain.Echo))
            {
                context.Result = (string)context.Result! + "!";
            }
        }
    }

    private sealed class CountingOutgoingFilter : IOutgoingGrainCallFilter
    {
        public int Count;

        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            Interlocked.Increment(ref Count);
            await context.Invoke();
        }
    }

    [Fact]
    public async Task Incoming_and_outgoing_filters_wrap_every_call_and_may_change_the_result()
    {
        var incoming = new ExclaimFilter();
        var outgoing = new CountingOutgoingFilter();
        await using TestCluster cluster = new CoreClusterFactory().Create(2, services: s =>
        {
            s.AddSingleton<IIncomingGrainCallFilter>(incoming);
            s.AddSingleton<IOutgoingGrainCallFilter>(outgoing);
        });
        await cluster.DeployAsync();
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>(TestKeys.Unique("filtered"));
        cluster.PinGrain(grain, cluster.Silos[1]);

        Assert.EndsWith(":hi!", await grain.Echo("hi"), StringComparison.Ordinal);
        Assert.Equal(3, await grain.EchoBytes([1, 2, 3]));

        Assert.Equal(["probe.Echo", "probe.EchoBytes"], incoming.Seen);
        Assert.Equal(2, outgoing.Count);
    }

    [Fact]
    public async Task Local_calls_deep_copy_mutable_arguments()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(1);
        int[] values = [1, 2, 3];
        Assert.Equal(6, await cluster.Silos[0].GrainFactory.GetGrain<IProbeGrain>(TestKeys.Unique("copy")).Scribble(values));
        Assert.Equal([1, 2, 3], values);
    }

    [Fact]
    public async Task Local_callers_share_immutable_results_and_get_copies_of_mutable_ones()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        string key = TestKeys.Unique("sharing");
        ISharingGrain local = cluster.Silos[0].GrainFactory.GetGrain<ISharingGrain>(key);
        cluster.PinGrain(local, cluster.Silos[0]);
        ISharingGrain remote = cluster.Silos[1].GrainFactory.GetGrain<ISharingGrain>(key);

        // Same silo: the immutable result is the grain's own object; the array is a fresh copy each time.
        FrozenReading first = await local.Reading();
        Assert.Same(first, await local.Reading());
        Assert.Equal(("frozen", 42), (first.Name, first.Value));
        int[] values = await local.Values();
        Assert.NotSame(values, await local.Values());
        Assert.Equal([1, 2, 3], values);

        // Another silo: everything travels encoded.
        FrozenReading fromAfar = await remote.Reading();
        Assert.NotSame(first, fromAfar);
        Assert.Equal(("frozen", 42), (fromAfar.Name, fromAfar.Value));
        int[] remoteValues = await remote.Values();
        Assert.Equal([1, 2, 3], remoteValues);
    }

    [Fact]
    public async Task The_runtime_meter_counts_calls_activations_and_bytes()
    {
        var measurements = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RuntimeMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measurements.AddOrUpdate(instrument.Name, value, (_, v) => v + value));
        listener.Start();

        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>(TestKeys.Unique("metered"));
        cluster.PinGrain(grain, cluster.Silos[1]);
        for (int i = 0; i < 10; i++)
        {
            await grain.Echo("m");
        }

        Assert.True(measurements.GetValueOrDefault("orleansml.calls.sent") >= 10);
        Assert.True(measurements.GetValueOrDefault("orleansml.calls.received") >= 10);
        Assert.True(measurements.GetValueOrDefault("orleansml.activations.created") >= 1);
        Assert.True(measurements.GetValueOrDefault("orleansml.messaging.bytes.sent") > 0);
        Assert.True(measurements.GetValueOrDefault("orleansml.messaging.bytes.received") > 0);
    }
}
