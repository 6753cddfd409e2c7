using OrleansML.Runtime.Serialization;
namespace OrleansML.Runtime.TestGrains;

/// <summary>A counter kept in grain storage ("Default"): it survives the silo that hosted it.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds <paramref name="delta"/>, writes the state, and returns the new value.</summary>
    Task<long> AddAsync(long delta);

    /// <summary>The value as last written (read when the grain activated).</summary>
    Task<long> GetAsync();

    /// <summary>The hosting silo, as <see cref="IWhereAmIGrain.WhereAsync"/>.</summary>
    Task<string> WhereAsync();
}

/// <summary>Echoes: small calls for round trips, <c>float[]</c> for bulk transfer.</summary>
public interface IEchoGrain : IGrainWithStringKey
{
    /// <summary>Returns <paramref name="value"/> (a small round trip).</summary>
    Task<int> PingAsync(int value);

    /// <summary>Returns the sum of <paramref name="values"/> (the argument travels, the result is small).</summary>
    Task<double> SumAsync(float[] values);

    /// <summary>Takes <paramref name="values"/> and returns their count: the argument travels, the grain does no work
    /// with it (the bulk benchmark, comparable to raw TCP's sink).</summary>
    Task<int> SinkAsync(float[] values);

    /// <summary>Returns <paramref name="values"/> unchanged (both directions carry the array).</summary>
    Task<float[]> EchoAsync(float[] values);

    /// <summary>As <see cref="SinkAsync"/> for a pooled tensor: returns its count and disposes it (the array goes back
    /// to the silo's pool for the next message).</summary>
    Task<int> SinkPooledAsync(PooledArray<float>? values);

    /// <summary>Returns a pooled copy of <paramref name="values"/> scaled by <paramref name="factor"/> (a pooled result).</summary>
    Task<PooledArray<float>?> ScalePooledAsync(PooledArray<float>? values, float factor);

    /// <summary>The hosting silo, as <see cref="IWhereAmIGrain.WhereAsync"/>.</summary>
    Task<string> WhereAsync();
}

/// <summary>Says which silo runs it.</summary>
public interface IWhereAmIGrain : IGrainWithStringKey
{
    /// <summary>The hosting silo's address and name, "host:port:generation name".</summary>
    Task<string> WhereAsync();

    /// <summary>Answers as <see cref="WhereAsync"/> after <paramref name="delayMilliseconds"/> (a call kept in flight).</summary>
    Task<string> SlowWhereAsync(int delayMilliseconds);
}

/// <summary>Drives calls from inside the cluster (the transport benchmark: silo A's driver calls echo grains on silo B).</summary>
public interface IDriverGrain : IGrainWithStringKey
{
    /// <summary>Makes <paramref name="calls"/> <see cref="IEchoGrain.PingAsync"/> calls to <paramref name="echoKey"/>, one at a
    /// time, and returns each round trip in microseconds.</summary>
    Task<double[]> PingSequentialAsync(string echoKey, int calls);

    /// <summary>Makes <paramref name="calls"/> ping calls with <paramref name="inFlight"/> outstanding at a time, spread
    /// over the echo grains named in <paramref name="echoKeys"/> (comma-separated); returns the elapsed seconds.</summary>
    Task<double> PingConcurrentAsync(string echoKeys, int calls, int inFlight);

    /// <summary>Sends <paramref name="count"/> arrays of <paramref name="floats"/> floats to <paramref name="echoKey"/>
    /// (<see cref="IEchoGrain.SinkAsync"/>), <paramref name="inFlight"/> at a time; returns the elapsed seconds.</summary>
    Task<double> SendBulkAsync(string echoKey, int floats, int count, int inFlight);

    /// <summary>As <see cref="SendBulkAsync"/> with a <see cref="PooledArray{T}"/> argument (<see cref="IEchoGrain.SinkPooledAsync"/>).</summary>
    Task<double> SendPooledBulkAsync(string echoKey, int floats, int count, int inFlight);

    /// <summary>Where the driver runs (as <see cref="IWhereAmIGrain.WhereAsync"/>).</summary>
    Task<string> WhereAsync();
}
