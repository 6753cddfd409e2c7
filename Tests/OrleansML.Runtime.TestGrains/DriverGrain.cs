using OrleansML.Runtime.Serialization;
using System.Diagnostics;

namespace OrleansML.Runtime.TestGrains;

/// <summary>See <see cref="IDriverGrain"/>. Pinned to the silo that first calls it (prefer-local), so the
/// benchmark's calls run from that silo to the echo grains on the other.</summary>
[Reentrant]
[PreferLocalPlacement]
public sealed class DriverGrain(Hosting.ILocalSiloDetails silo) : Grain, IDriverGrain
{
    /// <inheritdoc/>
    public async Task<double[]> PingSequentialAsync(string echoKey, int calls)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(calls);
        IEchoGrain echo = GrainFactory.GetGrain<IEchoGrain>(echoKey);
        var micros = new double[calls];
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            int answer = await echo.PingAsync(i);
            micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (answer != i)
            {
                throw new InvalidOperationException($"ping {i} answered {answer}");
            }
        }

        return micros;
    }

    /// <inheritdoc/>
    public async Task<double> PingConcurrentAsync(string echoKeys, int calls, int inFlight)
    {
        ArgumentException.ThrowIfNullOrEmpty(echoKeys);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(calls);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFlight);
        string[] keys = echoKeys.Split(',');
        IEchoGrain[] echoes = [.. Enumerable.Range(0, inFlight).Select(i => GrainFactory.GetGrain<IEchoGrain>(keys[i % keys.Length]))];
        int next = -1;
        long start = Stopwatch.GetTimestamp();
        await Task.WhenAll(echoes.Select(async echo =>
        {
            for (int i = Interlocked.Increment(ref next); i < calls; i = Interlocked.Increment(ref next))
            {
                await echo.PingAsync(i);
            }
        }));
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <inheritdoc/>
    public async Task<double> SendBulkAsync(string echoKey, int floats, int count, int inFlight)
    {
        IEchoGrain echo = GrainFactory.GetGrain<IEchoGrain>(echoKey);
        float[] payload = Payload(floats, count, inFlight);
        double expected = payload.Sum(v => (double)v);
        if (await echo.SumAsync(payload) != expected)
        {
            throw new InvalidOperationException("the bulk payload arrived changed");
        }

        return await TimeCallsAsync(count, inFlight, async () =>
        {
            int received = await echo.SinkAsync(payload);
            return received == floats ? null : $"the echo grain received {received} floats, expected {floats}";
        });
    }

    /// <inheritdoc/>
    public async Task<double> SendPooledBulkAsync(string echoKey, int floats, int count, int inFlight)
    {
        IEchoGrain echo = GrainFactory.GetGrain<IEchoGrain>(echoKey);
        float[] values = Payload(floats, count, inFlight);
        using PooledArray<float> payload = PooledArray.CopyOf<float>(values);
        using (PooledArray<float>? echoed = await echo.ScalePooledAsync(payload, 1))
        {
            if (echoed is null || !echoed.Span.SequenceEqual(values))
            {
                throw new InvalidOperationException("the pooled bulk payload arrived changed");
            }
        }

        return await TimeCallsAsync(count, inFlight, async () =>
        {
            int received = await echo.SinkPooledAsync(payload);
            return received == floats ? null : $"the echo grain received {received} floats, expected {floats}";
        });
    }

    private static float[] Payload(int floats, int count, int inFlight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(floats);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFlight);
        return [.. Enumerable.Range(0, floats).Select(i => (float)(i % 7))];
    }

    /// <summary>Runs <paramref name="count"/> calls, <paramref name="inFlight"/> at a time; each returns null or what
    /// was wrong. Returns the elapsed seconds.</summary>
    private static async Task<double> TimeCallsAsync(int count, int inFlight, Func<Task<string?>> call)
    {
        int next = -1;
        long start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                if (await call() is string wrong)
                {
                    throw new InvalidOperationException(wrong);
                }
            }
        }));
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <inheritdoc/>
    public Task<string> WhereAsync() => Task.FromResult($"{silo.SiloAddress} {silo.SiloName}");
}
