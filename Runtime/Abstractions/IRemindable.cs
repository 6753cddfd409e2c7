namespace OrleansML.Runtime;

/// <summary>A grain that receives durable reminders.</summary>
public interface IRemindable : IGrain
{
    /// <summary>Called when the reminder <paramref name="reminderName"/> is due. <paramref name="firedAt"/>
    /// is the scheduled time (UTC) of this tick.</summary>
    Task ReceiveReminder(string reminderName, DateTimeOffset firedAt);
}
