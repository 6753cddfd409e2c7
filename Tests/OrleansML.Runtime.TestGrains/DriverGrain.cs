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
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(floats);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFlight);
        IEchoGrain echo = GrainFactory.GetGrain<IEchoGrain>(echoKey);
        float[] payload = [.. Enumerable.Range(0, floats).Select(i => (float)(i % 7))];
        double expected = payload.Sum(v => (double)v);
        if (await echo.SumAsync(payload) != expected)
        {
            throw new InvalidOperationException("the bulk payload arrived changed");
        }

        int next = -1;
        long start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                int received = await echo.SinkAsync(payload);
                if (received != floats)
                {
                    throw new InvalidOperationException($"the echo grain received {received} floats, expected {floats}");
                }
            }
        }));
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <inheritdoc/>
    public Task<string> WhereAsync() => Task.FromResult($"{silo.SiloAddress} {silo.SiloName}");
}
