namespace OrleansML.Runtime.Threading;

/// <summary>An execution context with no async-locals, for work run on a thread that is not its caller's: a local
/// request run inline, or a hand-off taken by a receive thread, must not see the async-locals of whatever ran there.</summary>
internal static class CleanContext
{
    public static readonly ExecutionContext Instance = Capture();

    private static ExecutionContext Capture()
    {
        // A new thread starts with the default context when flow is suppressed; capture that.
        ExecutionContext? clean = null;
        using (ExecutionContext.SuppressFlow())
        {
            var thread = new Thread(() => clean = ExecutionContext.Capture());
            thread.Start();
            thread.Join();
        }

        return clean ?? throw new InvalidOperationException("Could not capture a clean execution context.");
    }
}
