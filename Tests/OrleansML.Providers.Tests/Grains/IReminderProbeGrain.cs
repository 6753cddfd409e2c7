namespace OrleansML.Providers.Tests.Grains;

/// <summary>A grain that registers one reminder and counts its ticks.</summary>
[Alias("OrleansML.Providers.Tests.IReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithGuidKey
{
    [Alias("Start")]
    Task StartAsync(TimeSpan period);

    [Alias("Stop")]
    Task StopAsync();

    [Alias("GetTicks")]
    Task<int> GetTicksAsync();
}
