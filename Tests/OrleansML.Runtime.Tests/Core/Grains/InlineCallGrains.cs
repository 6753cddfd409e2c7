namespace OrleansML.Runtime.Tests.Core.Grains;

/// <summary>What a callee saw when its turn began.</summary>
public sealed record CalleeView(int ThreadId, bool CallerStillCalling, string? CallerLocal);

/// <summary>The caller's thread and what its callee saw.</summary>
public sealed record CallView(int CallerThread, CalleeView Callee);

/// <summary>One level of a call chain: its thread, and whether its caller was still inside the call.</summary>
public sealed record ChainLevel(int Thread, bool CallerStillCalling);

/// <summary>Calls <see cref="IInlineCalleeGrain"/> from inside its own turn and reports how the call ran.</summary>
public interface IInlineCallerGrain : IGrainWithStringKey
{
    /// <summary>Calls the callee <paramref name="calleeKey"/>; returns this turn's thread and what the callee saw.</summary>
    Task<CallView> CallAsync(string calleeKey);

    /// <summary>Calls a chain of <paramref name="length"/> callers ending at a callee; returns each level's thread
    /// and whether its caller was still inside the call.</summary>
    Task<List<ChainLevel>> ChainAsync(string key, int length);
}

public interface IInlineCalleeGrain : IGrainWithStringKey
{
    Task<CalleeView> LookAsync();
}

/// <summary>Per caller: set while the caller is inside the outgoing call's synchronous part.</summary>
internal static class InlineCallProbe
{
    public static readonly AsyncLocal<string?> Local = new();

    [ThreadStatic]
    public static bool Calling;
}

public sealed class InlineCallerGrain : Grain, IInlineCallerGrain
{
    public async Task<CallView> CallAsync(string calleeKey)
    {
        InlineCallProbe.Local.Value = "caller's value";
        int thread = Environment.CurrentManagedThreadId;
        Task<CalleeView> call = Begin(() => GrainFactory.GetGrain<IInlineCalleeGrain>(calleeKey).LookAsync());
        return new CallView(thread, await call);
    }

    public async Task<List<ChainLevel>> ChainAsync(string key, int length)
    {
        int thread = Environment.CurrentManagedThreadId;
        bool callerCalling = InlineCallProbe.Calling;
        if (length == 0)
        {
            return [new ChainLevel(thread, callerCalling)];
        }

        var rest = await Begin(() => GrainFactory.GetGrain<IInlineCallerGrain>($"{key}/{length - 1}").ChainAsync(key, length - 1));
        rest.Insert(0, new ChainLevel(thread, callerCalling));
        return rest;
    }

    /// <summary>Starts a call with the thread flag set, so that a callee run inline sees it.</summary>
    private static Task<T> Begin<T>(Func<Task<T>> call)
    {
        InlineCallProbe.Calling = true;
        try
        {
            return call();
        }
        finally
        {
            InlineCallProbe.Calling = false;
        }
    }
}

public sealed class InlineCalleeGrain : Grain, IInlineCalleeGrain
{
    public Task<CalleeView> LookAsync() =>
        Task.FromResult(new CalleeView(Environment.CurrentManagedThreadId, InlineCallProbe.Calling, InlineCallProbe.Local.Value));
}
