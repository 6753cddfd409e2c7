namespace OrleansML.Runtime.Reminders;

/// <summary>The ring-range rule of <see cref="IReminderTable.ReadRangeAsync"/>: begin &lt; h &lt;= end, wrapping when begin &gt;= end.</summary>
internal static class ReminderRange
{
    /// <summary>True when <paramref name="hash"/> is in the range; begin == end is the whole ring.</summary>
    public static bool Contains(uint beginExclusive, uint endInclusive, uint hash) =>
        beginExclusive < endInclusive
            ? hash > beginExclusive && hash <= endInclusive
            : hash > beginExclusive || hash <= endInclusive;
}
