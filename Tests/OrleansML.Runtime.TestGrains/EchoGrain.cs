using OrleansML.Runtime.Serialization;

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
    public Task<int> SinkPooledAsync(PooledArray<float>? values)
    {
        using (values)
        {
            return Task.FromResult(values?.Length ?? -1);
        }
    }

    /// <inheritdoc/>
    public Task<PooledArray<float>?> ScalePooledAsync(PooledArray<float>? values, float factor)
    {
        if (values is null)
        {
            return Task.FromResult<PooledArray<float>?>(null);
        }

        using (values)
        {
            PooledArray<float> scaled = PooledArray.CopyOf<float>(values.Span);
            foreach (ref float value in scaled.Span)
            {
                value *= factor;
            }

            return Task.FromResult<PooledArray<float>?>(scaled);
        }
    }

    /// <inheritdoc/>
    public Task<string> WhereAsync() => Task.FromResult($"{silo.SiloAddress} {silo.SiloName}");
}
