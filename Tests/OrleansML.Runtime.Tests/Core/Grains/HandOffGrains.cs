using OrleansML.Runtime.Threading;

namespace OrleansML.Runtime.Tests.Core.Grains;

/// <summary>Where a turn began: on a receive thread running a hand-off, or not.</summary>
public interface IHandOffProbeGrain : IGrainWithStringKey
{
    /// <summary>Blocks this turn's thread (synchronously) until <see cref="HandOffProbe.Release"/> is set; returns
    /// whether the turn began as a receive thread's hand-off.</summary>
    Task<bool> BlockAsync();

    /// <summary>Returns whether this turn began as a receive thread's hand-off.</summary>
    Task<bool> LookAsync();
}

/// <summary>Signals shared by the test and the probe grains (the test cluster runs in the test's process).</summary>
internal static class HandOffProbe
{
    public static readonly ManualResetEventSlim Blocked = new();

    public static readonly ManualResetEventSlim Release = new();
}

public sealed class HandOffProbeGrain : Grain, IHandOffProbeGrain
{
    public Task<bool> BlockAsync()
    {
        bool handOff = ReceiveThreadWork.IsRunningHandOff;
        HandOffProbe.Blocked.Set();

        // Deliberately synchronous: grain code that blocks its thread must not hold back its connection's frames.
        if (!HandOffProbe.Release.Wait(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("the test never released the blocked turn");
        }

        return Task.FromResult(handOff);
    }

    public Task<bool> LookAsync() => Task.FromResult(ReceiveThreadWork.IsRunningHandOff);
}
