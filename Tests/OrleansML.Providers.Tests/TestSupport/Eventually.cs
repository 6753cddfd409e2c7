namespace OrleansML.Providers.Tests.TestSupport;

/// <summary>Polls for a condition that becomes true asynchronously (membership convergence, reminder ticks).</summary>
internal static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        Exception? lastError = null;
        while (true)
        {
            try
            {
                last = await probe();
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception exception) when (DateTime.UtcNow < deadline)
            {
                // A service just restarted, or the cluster is still forming: try again until the deadline.
                lastError = exception;
                last = default!;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; last value: {last}.", lastError);
            }

            await Task.Delay(200);
        }
    }
}
