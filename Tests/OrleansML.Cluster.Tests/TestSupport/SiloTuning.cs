namespace OrleansML.Cluster.Tests.TestSupport;

/// <summary>How a test cluster's silos are tuned.</summary>
internal enum SiloTuning
{
    /// <summary>Nothing but what the cluster needs to exist (its id, services and ports): every membership and
    /// OrleansML option keeps the default the product ships with.</summary>
    ShippedDefaults,

    /// <summary>Failure detection in a few seconds instead of tens, and job retries, reminders and worker slices
    /// short enough that a recovery fits a test. For tests about failures, not about the defaults.</summary>
    FastRecovery,
}
