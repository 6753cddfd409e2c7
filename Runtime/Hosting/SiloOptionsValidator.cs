using Microsoft.Extensions.Options;

namespace OrleansML.Runtime.Hosting;

/// <summary>Checks <see cref="SiloOptions"/> and names the option that is wrong.</summary>
public sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add("SiloOptions.ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.SiloName))
        {
            failures.Add("SiloOptions.SiloName must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.AdvertisedHost) || !System.Net.IPAddress.TryParse(options.AdvertisedHost, out _))
        {
            failures.Add($"SiloOptions.AdvertisedHost must be an IP address literal, not '{options.AdvertisedHost}'.");
        }

        Positive(failures, nameof(options.ResponseTimeout), options.ResponseTimeout);
        Positive(failures, nameof(options.ActivationTimeout), options.ActivationTimeout);
        Positive(failures, nameof(options.DeactivationTimeout), options.DeactivationTimeout);
        Positive(failures, nameof(options.CollectionAge), options.CollectionAge);
        Positive(failures, nameof(options.CollectionQuantum), options.CollectionQuantum);
        Positive(failures, nameof(options.ShutdownTimeout), options.ShutdownTimeout);
        Positive(failures, nameof(options.ReminderRefreshPeriod), options.ReminderRefreshPeriod);
        Positive(failures, nameof(options.MinimumReminderPeriod), options.MinimumReminderPeriod);
        Range(failures, nameof(options.MaxForwardCount), options.MaxForwardCount, 0, 16);
        Range(failures, nameof(options.MaxQueuedRequestsPerActivation), options.MaxQueuedRequestsPerActivation, 1, int.MaxValue);
        Range(failures, nameof(options.VirtualNodesPerSilo), options.VirtualNodesPerSilo, 1, 1000);
        Range(failures, nameof(options.MaxLocationCacheSize), options.MaxLocationCacheSize, 1, int.MaxValue);
        Range(failures, nameof(options.DirectoryOperationAttempts), options.DirectoryOperationAttempts, 1, 10);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string option, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(24))
        {
            failures.Add($"SiloOptions.{option} must be positive and at most 24 days, not {value}.");
        }
    }

    private static void Range(List<string> failures, string option, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"SiloOptions.{option} must be between {min} and {max}, not {value}.");
        }
    }
}
