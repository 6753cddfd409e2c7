using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Messaging;

/// <summary>
/// Base of the runtime's own requests (directory, ping, reminders). They travel exactly like grain calls
/// (same header, same call manager, same timeouts) but target a system target on a named silo instead of
/// an activation, and run concurrently outside any activation's turn.
/// </summary>
internal abstract class SystemRequest : GrainRequest
{
    /// <summary>The grain type that names the system target (always starts with "sys.").</summary>
    public abstract string SystemTargetType { get; }

    public override uint MethodId => StableHashing.Hash(MethodName);

    public override InvokeMethodOptions Flags => InvokeMethodOptions.None;

    public override void WriteArguments(ref BodyWriter writer)
    {
    }

    public override void ReadArguments(ref BodyReader reader)
    {
    }

    public override void WriteResult(ref BodyWriter writer, object? result)
    {
    }

    public override object? ReadResult(ref BodyReader reader) => null;

    public GrainId SystemTargetId => new(SystemTargetType, "");

    public static bool IsSystemTarget(GrainId id) => !id.IsDefault && id.Type.StartsWith("sys.", StringComparison.Ordinal);
}
