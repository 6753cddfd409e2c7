using Microsoft.Extensions.DependencyInjection;

namespace OrleansML.Runtime.CodeGen.Tests.EndToEnd;

/// <summary>Calls through generated proxies and requests, with arguments and results crossing a byte buffer.</summary>
public sealed class RoundTripTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(10);

    private static LoopbackInvoker NewInvoker() =>
        new(new ServiceCollection().AddSingleton<ITestClock>(new FixedClock(424242)).BuildServiceProvider());

    [Fact]
    public async Task Tensor_arguments_and_results_round_trip_by_value()
    {
        var invoker = NewInvoker();
        IAccumulatorGrain grain = invoker.GetGrain<IAccumulatorGrain>("a");
        float[] values = [1.5f, -2f, 4.25f];

        await grain.Add(values);
        values[0] = 1000f; // the grain got a copy through the buffer, not this array
        await grain.Add([0.25f]);

        float[] snapshot = await grain.Snapshot();
        Assert.Equal([1.5f, -2f, 4.25f, 0.25f], snapshot);
        Assert.Equal(4.0, await grain.Sum(), 12);
        await grain.Reset();
        Assert.Empty(await grain.Snapshot());
    }

    [Fact]
    public async Task Dto_arguments_and_results_round_trip_through_json()
    {
        var invoker = NewInvoker();
        IAccumulatorGrain grain = invoker.GetGrain<IAccumulatorGrain>("dto");

        TrainingReport report = await grain.Describe(new TrainingRequest("mnist", 7, [0.5f, 0.25f]));

        Assert.Equal(new TrainingReport("mnist", 7, 0.75, "accumulator/dto"), report);
        Assert.Equal(9, await grain.Distance(new GridPoint(-4, 5)));
    }

    [Fact]
    public async Task Nullable_string_and_cancellation_token_parameters_work()
    {
        IAccumulatorGrain grain = NewInvoker().GetGrain<IAccumulatorGrain>("echo");

        Assert.Equal("hi!", await grain.Echo("hi", CancellationToken.None));
        Assert.Null(await grain.Echo(null, CancellationToken.None));
    }

    [Fact]
    public async Task Streams_of_value_and_reference_items_arrive_in_order()
    {
        IAccumulatorGrain grain = NewInvoker().GetGrain<IAccumulatorGrain>("stream");

        var squares = new List<int>();
        await foreach (int square in grain.CountTo(5, CancellationToken.None))
        {
            squares.Add(square);
        }

        var names = new List<string>();
        await foreach (string name in grain.Names())
        {
            names.Add(name);
        }

        Assert.Equal([0, 1, 4, 9, 16], squares);
        Assert.Equal(["alpha", "beta", "stream"], names);
    }

    [Fact]
    public async Task Cancelling_the_callers_token_stops_a_stream()
    {
        IAccumulatorGrain grain = NewInvoker().GetGrain<IAccumulatorGrain>("stream-cancel");
        using var cancellation = new CancellationTokenSource();
        var received = new List<int>();

        async Task Enumerate()
        {
            await foreach (int square in grain.CountTo(1_000_000, cancellation.Token))
            {
                received.Add(square);
                if (received.Count == 3)
                {
                    await cancellation.CancelAsync();
                }
            }
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Enumerate().WaitAsync(s_bound));
        Assert.Equal([0, 1, 4], received);
    }

    [Fact]
    public async Task The_callers_cancellation_token_reaches_the_grain()
    {
        IAccumulatorGrain grain = NewInvoker().GetGrain<IAccumulatorGrain>("cancel");
        using var cancellation = new CancellationTokenSource();

        Task<bool> call = grain.WaitForCancellation(cancellation.Token);
        Assert.False(call.IsCompleted);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(s_bound));
    }

    [Fact]
    public async Task Exceptions_thrown_by_the_grain_surface_to_the_caller()
    {
        IAccumulatorGrain grain = NewInvoker().GetGrain<IAccumulatorGrain>("fail");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Fail("shard 3 diverged"));

        Assert.Equal("shard 3 diverged", error.Message);
    }

    [Fact]
    public async Task Integer_keyed_grain_with_inherited_method_state_and_services()
    {
        var invoker = NewInvoker();
        IShardGrain shard = invoker.GetGrain<IShardGrain>(42);

        Assert.Equal(42, await shard.Key());
        Assert.Equal(3, await shard.Increment(3));
        Assert.Equal(8, await shard.Increment(5));
        Assert.Equal(ShardMode.Idle, await shard.SwitchMode(ShardMode.Draining));
        Assert.Equal(ShardMode.Draining, await shard.SwitchMode(ShardMode.Training));
        Assert.Equal("424242", await shard.ClockReading());
        Assert.False(await shard.HasTracer());

        TestGrainContext context = invoker.Activation(new GrainId("shard", "42")).Context;
        Assert.Equal([("shard", "memory")], context.StatesRequested);
        Assert.True(invoker.Store.TryRead("memory/shard/42/shard", out object? stored, out int version));
        Assert.Equal(8, ((ShardState)stored!).Count);
        Assert.Equal(4, version);
    }

    [Fact]
    public async Task Received_requests_carry_their_interface_method_and_flags()
    {
        var invoker = NewInvoker();
        IAccumulatorGrain grain = invoker.GetGrain<IAccumulatorGrain>("flags");

        await grain.Sum();
        await grain.Echo("x", CancellationToken.None);

        Assert.Collection(
            invoker.Received,
            r =>
            {
                Assert.Equal("Sum", r.MethodName);
                Assert.Equal(typeof(IAccumulatorGrain).FullName, r.InterfaceName);
                Assert.Equal(StableHashing.Hash("Sum()"), r.MethodId);
            },
            r =>
            {
                Assert.Equal("Echo", r.MethodName);
                Assert.Equal(StableHashing.Hash("Echo(string,System.Threading.CancellationToken)"), r.MethodId);
            });
    }
}
