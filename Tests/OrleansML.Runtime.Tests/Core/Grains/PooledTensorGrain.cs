using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Tests.Core.Grains;

/// <summary>Takes and returns <see cref="PooledArray{T}"/> tensors, to check their copies and ownership.</summary>
public interface IPooledTensorGrain : IGrainWithStringKey
{
    /// <summary>Returns a new pooled tensor of <paramref name="values"/> times <paramref name="factor"/> (null for null),
    /// after overwriting and disposing its own argument.</summary>
    Task<PooledArray<float>?> Scale(PooledArray<float>? values, float factor);

    /// <summary>Whether the tensor the last <see cref="Scale"/> returned has been disposed (by the runtime, once sent).</summary>
    Task<bool> LastResultReleased();
}

public sealed class PooledTensorGrain : Grain, IPooledTensorGrain
{
    private PooledArray<float>? _lastResult;

    public Task<PooledArray<float>?> Scale(PooledArray<float>? values, float factor)
    {
        if (values is null)
        {
            return Task.FromResult<PooledArray<float>?>(null);
        }

        PooledArray<float> result = PooledArray.Rent<float>(values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            result.Span[i] = values.Span[i] * factor;
        }

        // The argument is this grain's own copy: writing to it must never reach the caller's instance.
        values.Span.Fill(float.NaN);
        values.Dispose();
        _lastResult = result;
        return Task.FromResult<PooledArray<float>?>(result);
    }

    public Task<bool> LastResultReleased()
    {
        try
        {
            _ = _lastResult!.Span;
            return Task.FromResult(false);
        }
        catch (ObjectDisposedException)
        {
            return Task.FromResult(true);
        }
    }
}
