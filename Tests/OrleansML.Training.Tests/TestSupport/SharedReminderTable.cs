namespace OrleansML.Training.Tests.TestSupport;

/// <summary>
/// Test-only reminder table for every silo of one in-process cluster: rows live in this object, so a grain's
/// reminder outlives the silo that registered it, and the silos that own its ring range after a kill fire it.
/// (Orleans' in-memory reminder table lives in one grain, which dies with its silo.) Rows are copied in and out, so
/// no silo holds another's entry object. ETags are checked on removal, as a database table checks them.
/// </summary>
public sealed class SharedReminderTable : IReminderTable
{
    private readonly Dictionary<(GrainId Grain, string Name), ReminderEntry> _rows = [];
    private readonly Lock _gate = new();
    private long _nextETag;

    public Task<ReminderTableData> ReadRows(GrainId grainId)
    {
        lock (_gate)
        {
            return Task.FromResult(new ReminderTableData(_rows.Values.Where(r => r.GrainId == grainId).Select(Copy).ToList()));
        }
    }

    public Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        lock (_gate)
        {
            return Task.FromResult(new ReminderTableData(_rows.Values.Where(r => InRange(r.GrainId.GetUniformHashCode(), begin, end)).Select(Copy).ToList()));
        }
    }

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        lock (_gate)
        {
            return Task.FromResult(_rows.TryGetValue((grainId, reminderName), out ReminderEntry? row) ? Copy(row) : null);
        }
    }

    public Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            ReminderEntry row = Copy(entry);
            row.ETag = (++_nextETag).ToString(CultureInfo.InvariantCulture);
            _rows[(row.GrainId, row.ReminderName)] = row;
            return Task.FromResult<string?>(row.ETag);
        }
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        lock (_gate)
        {
            bool removed = _rows.TryGetValue((grainId, reminderName), out ReminderEntry? row)
                && string.Equals(row.ETag, eTag, StringComparison.Ordinal)
                && _rows.Remove((grainId, reminderName));
            return Task.FromResult(removed);
        }
    }

    public Task TestOnlyClearTable()
    {
        lock (_gate)
        {
            _rows.Clear();
        }

        return Task.CompletedTask;
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return $"{_rows.Count} reminder(s): [{string.Join("; ", _rows.Values.Select(r => $"{r.GrainId} '{r.ReminderName}' every {r.Period}"))}]";
        }
    }

    /// <summary>Whether <paramref name="hash"/> lies in the ring range (<paramref name="begin"/>, <paramref name="end"/>],
    /// which wraps around when begin is not below end (begin == end is the whole ring).</summary>
    private static bool InRange(uint hash, uint begin, uint end) => begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private static ReminderEntry Copy(ReminderEntry entry) => new()
    {
        GrainId = entry.GrainId,
        ReminderName = entry.ReminderName,
        StartAt = entry.StartAt,
        Period = entry.Period,
        ETag = entry.ETag,
    };
}
