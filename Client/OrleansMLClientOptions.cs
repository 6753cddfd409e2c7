namespace OrleansML.Client;

/// <summary>
/// How <see cref="OrleansMLClient"/> follows jobs. How it reaches the cluster is not here: that is the Orleans
/// client's configuration (<c>UseOrleansClient</c>), or the silo it runs in. <see cref="Validate"/> names the
/// option at fault.
/// </summary>
public sealed class OrleansMLClientOptions
{
    /// <summary>The longest one long-poll of a job's status waits for a change. Default 10 s. It must stay below the
    /// Orleans client's <c>ResponseTimeout</c> (30 s by default), or every quiet poll would time out.</summary>
    public TimeSpan WatchPollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest pause between two retries of a failed status poll (the backoff starts at 200 ms and
    /// doubles). Default 5 s.</summary>
    public TimeSpan WatchRetryMaximumDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive failed polls after which watching gives up and throws the last error. Default 30
    /// (about two minutes with the default backoff: far longer than a silo's death detection and reactivation).</summary>
    public int WatchMaximumRetries { get; set; } = 30;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        RequireTime(WatchPollInterval, nameof(WatchPollInterval), TimeSpan.FromMinutes(10));
        RequireTime(WatchRetryMaximumDelay, nameof(WatchRetryMaximumDelay), TimeSpan.FromHours(1));
        Require(WatchMaximumRetries is >= 0 and <= 10_000, nameof(WatchMaximumRetries), $"must be in 0..10000, was {WatchMaximumRetries}");
    }

    private static void RequireTime(TimeSpan value, string option, TimeSpan maximum) =>
        Require(value > TimeSpan.Zero && value <= maximum, option, $"must be positive and at most {maximum}, was {value}");

    private static void Require(bool condition, string option, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"OrleansMLClientOptions.{option} {message}.", option);
        }
    }
}
