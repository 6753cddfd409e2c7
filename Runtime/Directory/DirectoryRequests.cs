using OrleansML.Runtime.Messaging;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Directory;

/// <summary>The directory operations one silo asks of the silo that owns a grain's partition.</summary>
internal interface IRemoteGrainDirectory
{
    GrainAddress RegisterLocal(GrainAddress address);

    GrainAddress? LookupLocal(GrainId grainId);

    bool UnregisterLocal(GrainAddress address);
}

internal static class DirectoryCodec
{
    public const string TargetType = "sys.directory";
    public const string InterfaceName = "OrleansML.Runtime.Directory.IRemoteGrainDirectory";

    public static void Write(ref BodyWriter writer, GrainAddress? address)
    {
        if (address is null)
        {
            writer.WriteString(null);
            return;
        }

        writer.WriteString(address.GrainId.ToString());
        writer.WriteString(address.Silo.ToString());
        writer.Write(address.ActivationId);
    }

    public static GrainAddress? Read(ref BodyReader reader)
    {
        string? id = reader.ReadString();
        if (id is null)
        {
            return null;
        }

        var silo = SiloAddress.Parse(reader.ReadString() ?? throw new MessageFormatException("directory entry without a silo."));
        return new GrainAddress(GrainId.Parse(id), silo, reader.Read<Guid>());
    }
}

internal sealed class RegisterActivationRequest : SystemRequest
{
    public GrainAddress? Address { get; set; }

    public override string SystemTargetType => DirectoryCodec.TargetType;

    public override string InterfaceName => DirectoryCodec.InterfaceName;

    public override string MethodName => "Register";

    public override void WriteArguments(ref BodyWriter writer) => DirectoryCodec.Write(ref writer, Address);

    public override void ReadArguments(ref BodyReader reader) => Address = DirectoryCodec.Read(ref reader);

    public override ValueTask<object?> InvokeAsync(object grain, CancellationToken callCancellation) =>
        ValueTask.FromResult<object?>(((IRemoteGrainDirectory)grain).RegisterLocal(Address ?? throw new MessageFormatException("register without an address.")));

    public override void WriteResult(ref BodyWriter writer, object? result) => DirectoryCodec.Write(ref writer, (GrainAddress?)result);

    public override object? ReadResult(ref BodyReader reader) => DirectoryCodec.Read(ref reader);

    public override Invocation.GrainRequest CreateEmpty() => new RegisterActivationRequest();
}

internal sealed class LookupActivationRequest : SystemRequest
{
    public GrainId GrainId { get; set; }

    public override string SystemTargetType => DirectoryCodec.TargetType;

    public override string InterfaceName => DirectoryCodec.InterfaceName;

    public override string MethodName => "Lookup";

    public override void WriteArguments(ref BodyWriter writer) => writer.WriteString(GrainId.ToString());

    public override void ReadArguments(ref BodyReader reader) => GrainId = GrainId.Parse(reader.ReadString() ?? throw new MessageFormatException("lookup without a grain id."));

    public override ValueTask<object?> InvokeAsync(object grain, CancellationToken callCancellation) =>
        ValueTask.FromResult<object?>(((IRemoteGrainDirectory)grain).LookupLocal(GrainId));

    public override void WriteResult(ref BodyWriter writer, object? result) => DirectoryCodec.Write(ref writer, (GrainAddress?)result);

    public override object? ReadResult(ref BodyReader reader) => DirectoryCodec.Read(ref reader);

    public override Invocation.GrainRequest CreateEmpty() => new LookupActivationRequest();
}

internal sealed class UnregisterActivationRequest : SystemRequest
{
    public GrainAddress? Address { get; set; }

    public override string SystemTargetType => DirectoryCodec.TargetType;

    public override string InterfaceName => DirectoryCodec.InterfaceName;

    public override string MethodName => "Unregister";

    public override void WriteArguments(ref BodyWriter writer) => DirectoryCodec.Write(ref writer, Address);

    public override void ReadArguments(ref BodyReader reader) => Address = DirectoryCodec.Read(ref reader);

    public override ValueTask<object?> InvokeAsync(object grain, CancellationToken callCancellation) =>
        ValueTask.FromResult<object?>(((IRemoteGrainDirectory)grain).UnregisterLocal(Address ?? throw new MessageFormatException("unregister without an address.")));

    public override void WriteResult(ref BodyWriter writer, object? result) => writer.Write((bool)result!);

    public override object? ReadResult(ref BodyReader reader) => reader.Read<bool>();

    public override Invocation.GrainRequest CreateEmpty() => new UnregisterActivationRequest();
}
