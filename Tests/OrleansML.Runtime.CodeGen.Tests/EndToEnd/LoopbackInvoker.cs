using System.Buffers;
using System.Runtime.CompilerServices;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.CodeGen.Tests.EndToEnd;

/// <summary>
/// A test-only invoker that does what a silo does with a call, in process: it serialises the request's
/// arguments, reads them into a fresh request made by <see cref="GrainRequest.CreateEmpty"/>, runs it on an
/// activation created by the registered activator, and serialises the result (or each stream item) and
/// reads it back. Everything crosses a byte buffer, so nothing reaches the grain or the caller by reference.
/// </summary>
internal sealed class LoopbackInvoker : IGrainCallInvoker, IGrainFactory
{
    private readonly IServiceProvider _services;
    private readonly Dictionary<GrainId, (Grain Grain, TestGrainContext Context)> _activations = [];

    static LoopbackInvoker() => JsonSerializationRegistry.Add(CodeGenTestJsonContext.Default);

    public LoopbackInvoker(IServiceProvider services)
    {
        _services = services;
    }

    public TestStateStore Store { get; } = new();

    /// <summary>Every request received, as read from its bytes.</summary>
    public List<GrainRequest> Received { get; } = [];

    public IGrainFactory GrainFactory => this;

    /// <summary>The activation of <paramref name="grainId"/>, created on first use as the runtime would.</summary>
    public (Grain Grain, TestGrainContext Context) Activation(GrainId grainId)
    {
        lock (_activations)
        {
            if (!_activations.TryGetValue(grainId, out (Grain, TestGrainContext) activation))
            {
                GrainClassMetadata grainClass = GeneratedCodeRegistry.FindGrainClass(grainId.Type)
                    ?? throw new GrainCallRejectedException(RejectionKind.UnknownGrain, $"no grain class is registered for {grainId.Type}.");
                var context = new TestGrainContext(grainId, _services, this, Store);
                activation = (grainClass.Activator(_services, context), context);
                _activations.Add(grainId, activation);
            }

            return activation;
        }
    }

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey => Reference<TGrainInterface>(key);

    public TGrainInterface GetGrain<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey =>
        Reference<TGrainInterface>(key.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A reference to a grain of a named grain type (for interfaces with several implementations).</summary>
    public TGrainInterface GetGrain<TGrainInterface>(string grainType, string key)
    {
        GrainInterfaceMetadata metadata = GeneratedCodeRegistry.FindInterface(typeof(TGrainInterface))
            ?? throw new InvalidOperationException($"{typeof(TGrainInterface)} has no generated proxy.");
        return (TGrainInterface)(object)metadata.CreateReference(this, new GrainId(grainType, key));
    }

    public async ValueTask<object?> InvokeAsync(GrainReference target, GrainRequest request, CancellationToken cancellationToken)
    {
        GrainRequest received = Transfer(target, request);
        Grain grain = Activation(target.GrainId).Grain;
        object? result = await received.InvokeAsync(grain, cancellationToken);
        return TransferResult(received, result);
    }

    public async IAsyncEnumerable<object?> InvokeStreamAsync(GrainReference target, GrainRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        GrainRequest received = Transfer(target, request);
        Grain grain = Activation(target.GrainId).Grain;
        object? stream = await received.InvokeAsync(grain, cancellationToken);
        var items = Assert.IsAssignableFrom<IAsyncEnumerable<object?>>(stream);
        await foreach (object? item in items.WithCancellation(cancellationToken))
        {
            yield return TransferResult(received, item);
        }
    }

    private TGrainInterface Reference<TGrainInterface>(string key)
    {
        GrainClassMetadata grainClass = Assert.Single(GeneratedCodeRegistry.FindImplementations(typeof(TGrainInterface)));
        return GetGrain<TGrainInterface>(grainClass.GrainType, key);
    }

    private GrainRequest Transfer(GrainReference target, GrainRequest request)
    {
        Assert.Equal(target.InterfaceName, request.InterfaceName);
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new BodyWriter(buffer);
        request.WriteArguments(ref writer);

        GrainRequest received = request.CreateEmpty();
        Assert.NotSame(request, received);
        Assert.IsType(request.GetType(), received);
        var reader = new BodyReader(buffer.WrittenSpan);
        received.ReadArguments(ref reader);
        Assert.Equal(0, reader.Remaining);
        lock (Received)
        {
            Received.Add(received);
        }

        return received;
    }

    private static object? TransferResult(GrainRequest request, object? result)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new BodyWriter(buffer);
        request.WriteResult(ref writer, result);
        var reader = new BodyReader(buffer.WrittenSpan);
        object? copy = request.ReadResult(ref reader);
        Assert.Equal(0, reader.Remaining);
        return copy;
    }
}
