namespace OrleansML.Training.Tests.Wire;

/// <summary>A test grain that returns the tensor it was given.</summary>
public interface ITensorEchoGrain : IGrainWithStringKey
{
    /// <summary>Returns <paramref name="tensor"/> as it arrived.</summary>
    Task<FloatTensor> EchoAsync(FloatTensor tensor);

    /// <summary>Returns <paramref name="values"/> as they arrived (for comparison: Orleans copies arrays).</summary>
    Task<float[]> EchoArrayAsync(float[] values);
}

/// <inheritdoc cref="ITensorEchoGrain"/>
public sealed class TensorEchoGrain : Grain, ITensorEchoGrain
{
    public Task<FloatTensor> EchoAsync(FloatTensor tensor) => Task.FromResult(tensor);

    public Task<float[]> EchoArrayAsync(float[] values) => Task.FromResult(values);
}

/// <summary>Tensors are immutable once sent, so a call that stays inside a silo passes the instance itself; a call
/// from the client crosses the (in-memory) wire and gets a copy.</summary>
public sealed class TensorSharingTests
{
    [Fact]
    public async Task A_same_silo_call_passes_the_same_tensor_instance_and_a_remote_call_a_copy()
    {
        await using InProcessTestCluster cluster = await TrainingClusters.DeployAsync(1);
        var tensor = new FloatTensor([.. Enumerable.Range(0, 1000).Select(i => i * 0.25f)]);
        float[] array = [1f, 2f, 3f];
        IGrainFactory local = cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();
        ITensorEchoGrain inSilo = local.GetGrain<ITensorEchoGrain>("echo");

        FloatTensor same = await inSilo.EchoAsync(tensor);
        float[] copied = await inSilo.EchoArrayAsync(array);
        FloatTensor remote = await cluster.Client.GetGrain<ITensorEchoGrain>("echo").EchoAsync(tensor);

        Assert.Same(tensor, same);
        // The same call with a plain array copies it: what sharing saves.
        Assert.NotSame(array, copied);
        Assert.Equal(array, copied);
        Assert.NotSame(tensor, remote);
        Assert.Equal(tensor.Values, remote.Values);
    }
}
