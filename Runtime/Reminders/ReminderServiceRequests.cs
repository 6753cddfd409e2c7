using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Messaging;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Reminders;

/// <summary>
/// The call the reminder service makes on a grain: <see cref="IRemindable.ReceiveReminder"/>, addressed to
/// the interface <see cref="IRemindable"/> (which no generated code registers, so this is the only request
/// under that name). Its method id uses the generator's signature form, so the id the generator gives the
/// inherited method on a grain interface (registered under that interface's own name) is the same number.
/// </summary>
internal sealed class ReceiveReminderRequest : GrainRequest
{
    public static readonly uint Id = StableHashing.Hash("ReceiveReminder(string,System.DateTimeOffset)");

    public string ReminderName { get; set; } = "";

    public DateTimeOffset FiredAt { get; set; }

    public override string InterfaceName => typeof(IRemindable).FullName!;

    public override string MethodName => nameof(IRemindable.ReceiveReminder);

    public override uint MethodId => Id;

    public override InvokeMethodOptions Flags => InvokeMethodOptions.ImmutableArguments;

    public override void WriteArguments(ref BodyWriter writer)
    {
        writer.WriteString(ReminderName);
        writer.Write(FiredAt);
    }

    public override void ReadArguments(ref BodyReader reader)
    {
        ReminderName = reader.ReadString() ?? throw new MessageFormatException("a reminder tick without a name.");
        FiredAt = reader.Read<DateTimeOffset>();
    }

    public override async ValueTask<object?> InvokeAsync(object grain, CancellationToken callCancellation)
    {
        var remindable = grain as IRemindable
            ?? throw new InvalidOperationException($"{grain.GetType().Name} has a reminder but does not implement IRemindable.");
        await remindable.ReceiveReminder(ReminderName, FiredAt);
        return null;
    }

    public override void WriteResult(ref BodyWriter writer, object? result)
    {
    }

    public override object? ReadResult(ref BodyReader reader) => null;

    public override GrainRequest CreateEmpty() => new ReceiveReminderRequest();
}

/// <summary>Tells the silo owning a grain's reminders that they changed in the table.</summary>
internal sealed class RemindersChangedRequest : SystemRequest
{
    public const string TargetType = "sys.reminders";

    public GrainId GrainId { get; set; }

    public override string SystemTargetType => TargetType;

    public override string InterfaceName => "OrleansML.Runtime.Reminders.IReminderService";

    public override string MethodName => "RemindersChanged";

    public override void WriteArguments(ref BodyWriter writer) => writer.WriteString(GrainId.ToString());

    public override void ReadArguments(ref BodyReader reader) => GrainId = GrainId.Parse(reader.ReadString() ?? throw new MessageFormatException("no grain id."));

    public override async ValueTask<object?> InvokeAsync(object grain, CancellationToken callCancellation)
    {
        await ((ReminderService)grain).RefreshGrainAsync(GrainId, callCancellation);
        return null;
    }

    public override GrainRequest CreateEmpty() => new RemindersChangedRequest();
}
