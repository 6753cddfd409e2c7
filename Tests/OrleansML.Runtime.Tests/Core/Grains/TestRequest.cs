using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Tests.Core.Grains;

/// <summary>
/// What the source generator emits per method, written by hand: argument and result codecs and a typed
/// call of the method. One sealed subclass per grain-interface method.
/// </summary>
public abstract class TestRequest<TGrain, TArg, TResult> : GrainRequest
{
    public TArg Arg { get; set; } = default!;

    public override uint MethodId => StableHashing.Hash(MethodName + "(" + typeof(TArg).FullName + ")");

    public override InvokeMethodOptions Flags => InvokeMethodOptions.None;

    public override void WriteArguments(ref BodyWriter writer) => writer.Write(Arg);

    public override void ReadArguments(ref BodyReader reader) => Arg = reader.Read<TArg>();

    public override async ValueTask<object?> InvokeAsync(object grain, CancellationToken callCancellation) =>
        await Invoke((TGrain)grain, Arg, callCancellation);

    protected abstract Task<TResult> Invoke(TGrain grain, TArg arg, CancellationToken cancellationToken);

    public override void WriteResult(ref BodyWriter writer, object? result) => writer.Write((TResult)result!);

    public override object? ReadResult(ref BodyReader reader) => reader.Read<TResult>();

    public override GrainRequest CreateEmpty() => (GrainRequest)Activator.CreateInstance(GetType())!;
}
