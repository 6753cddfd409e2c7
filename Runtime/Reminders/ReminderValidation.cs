namespace OrleansML.Runtime.Reminders;

/// <summary>Checks a reminder before any table stores it, so every provider rejects the same bad input.</summary>
internal static class ReminderValidation
{
    public static void ThrowIfInvalid(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.GrainId.IsDefault)
        {
            throw new ArgumentException("A reminder needs a grain id; the default value names no grain.", nameof(entry));
        }

        if (string.IsNullOrEmpty(entry.ReminderName))
        {
            throw new ArgumentException($"A reminder of grain {entry.GrainId} needs a non-empty name.", nameof(entry));
        }

        if (entry.Period <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Reminder '{entry.ReminderName}' of grain {entry.GrainId} needs a positive period, but has {entry.Period}.", nameof(entry));
        }
    }
}
