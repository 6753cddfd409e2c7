using OrleansML.Providers.Tests.Cluster;

namespace OrleansML.Providers.Tests.Contracts;

/// <summary>
/// Orleans' own ADO.NET reminder table (the silo's IReminderTable) against OrleansML's schema, one operation at a
/// time, including the hash-range reads a silo makes for the part of the ring it owns.
/// </summary>
[Collection(ProviderClusterDefinition.Name)]
public sealed class ReminderTableContractTests(ProviderCluster cluster)
{
    [Fact]
    public async Task Reminder_rows_are_versioned_and_found_by_grain_and_by_hash_range()
    {
        var table = cluster.Silos[0].Services.GetRequiredService<IReminderTable>();
        var (grainId, hash) = GrainAwayFromTheHashEnds();
        // Due in an hour: the silos' reminder services share this table and must not start firing it.
        var entry = new ReminderEntry { GrainId = grainId, ReminderName = "checkpoint", StartAt = DateTime.UtcNow.AddHours(1), Period = TimeSpan.FromMinutes(5) };
        var created = await table.UpsertRow(entry);
        var updated = await table.UpsertRow(entry);
        Assert.NotEqual(created, updated);

        Assert.False(await table.RemoveRow(grainId, "checkpoint", created!));
        var row = await table.ReadRow(grainId, "checkpoint");
        Assert.NotNull(row);
        Assert.Equal(updated, row.ETag);
        Assert.Equal(entry.Period, row.Period);
        Assert.Equal(entry.StartAt, row.StartAt, TimeSpan.FromMilliseconds(1));
        Assert.Single((await table.ReadRows(grainId)).Reminders);

        // Ranges are (begin, end]; when begin >= end the range wraps around the end of the hash ring. Other tests'
        // reminders share the table, so look for this grain only.
        Assert.True(await InRangeAsync(table, grainId, hash - 1, hash));
        Assert.False(await InRangeAsync(table, grainId, hash, hash + 1));
        Assert.True(await InRangeAsync(table, grainId, hash + 1, hash));
        Assert.False(await InRangeAsync(table, grainId, hash, hash - 1));

        Assert.True(await table.RemoveRow(grainId, "checkpoint", updated!));
        Assert.Null(await table.ReadRow(grainId, "checkpoint"));

        // Registered again, the reminder gets an ETag the removed one never had: a stale holder cannot remove it.
        var again = await table.UpsertRow(entry);
        Assert.NotEqual(created, again);
        Assert.NotEqual(updated, again);
        Assert.False(await table.RemoveRow(grainId, "checkpoint", updated!));
        Assert.NotNull(await table.ReadRow(grainId, "checkpoint"));
    }

    private static async Task<bool> InRangeAsync(IReminderTable table, GrainId grainId, uint begin, uint end) =>
        (await table.ReadRows(begin, end)).Reminders.Any(reminder => reminder.GrainId == grainId);

    private static (GrainId GrainId, uint Hash) GrainAwayFromTheHashEnds()
    {
        while (true)
        {
            var grainId = GrainId.Create("reminderprobe", Guid.NewGuid().ToString("N"));
            var hash = grainId.GetUniformHashCode();
            // hash ± 1 must not wrap, as unsigned or as the signed int Orleans stores.
            if (hash is > 1 and < uint.MaxValue - 1 and not (0x7FFFFFFF or 0x80000000))
            {
                return (grainId, hash);
            }
        }
    }
}
