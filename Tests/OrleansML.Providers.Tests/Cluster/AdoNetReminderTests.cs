using OrleansML.Providers.Tests.Grains;

namespace OrleansML.Providers.Tests.Cluster;

/// <summary>Orleans' ADO.NET reminder service on OrleansML's schema.</summary>
[Collection(ProviderClusterDefinition.Name)]
public sealed class AdoNetReminderTests(ProviderCluster cluster)
{
    [Fact]
    public async Task A_reminder_is_stored_fires_and_is_removed_when_unregistered()
    {
        var grain = cluster.Client.GetGrain<IReminderProbeGrain>(Guid.NewGuid());
        var rows = $"SELECT count(*) FROM OrleansRemindersTable WHERE ServiceId = '{cluster.ServiceId}' AND ReminderName = '{ReminderProbeGrain.ReminderName}'";

        await grain.StartAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(1L, await cluster.Database.ScalarAsync(rows));

        var ticks = await Eventually.ReturnsAsync(grain.GetTicksAsync, count => count >= 2, TimeSpan.FromSeconds(60), "two reminder ticks");
        Assert.True(ticks >= 2);

        await grain.StopAsync();
        Assert.Equal(0L, await cluster.Database.ScalarAsync(rows));
    }
}
