namespace OrleansML.Runtime.TestGrains;

/// <summary>See <see cref="IEchoGrain"/>. Reentrant: echoes share no state, so calls need not queue.</summary>
[Reentrant]
public sealed class EchoGrain(Hosting.ILocalSiloDetails silo) : Grain, IEchoGrain
{
    /// <inheritdoc/>
    public Task<int> PingAsync(int value) => Task.FromResult(value);

    /// <inheritdoc/>
    public Task<double> SumAsync(float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double sum = 0;
        foreach (float v in values)
        {
            sum += v;
        }

        return Task.FromResult(sum);
    }

    /// <inheritdoc/>
    public Task<int> SinkAsync(float[] values) => Task.FromResult(values?.Length ?? -1);

    /// <inheritdoc/>
    public Task<float[]> EchoAsync(float[] values) => Task.FromResult(values);

    /// <inheritdoc/>
    public Task<string> WhereAsync() => Task.FromResult($"{silo.SiloAddress} {silo.SiloName}");
}
