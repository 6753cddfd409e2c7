using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OrleansML.Runtime.Invocation;

namespace OrleansML.Runtime.Serialization;

/// <summary>Writes one value of type <typeparamref name="T"/>.</summary>
public delegate void ValueWriter<in T>(ref BodyWriter writer, T value);

/// <summary>Reads one value of type <typeparamref name="T"/>.</summary>
public delegate T ValueReader<out T>(ref BodyReader reader);

/// <summary>
/// The codec for one type, chosen once per type when it is first used (not per call):
/// <list type="bullet">
/// <item>primitives, enums, string, Guid, TimeSpan, DateTime(Offset): fixed little-endian layouts;</item>
/// <item>arrays of unmanaged elements and <see cref="ReadOnlyMemory{T}"/>/<see cref="Memory{T}"/> of them
/// (tensors): a count and raw little-endian bytes;</item>
/// <item>grain references: interface name and grain id;</item>
/// <item>everything else (DTOs): UTF-8 JSON from a System.Text.Json source-generated context registered
/// with <see cref="JsonSerializationRegistry.Add"/>. JSON is versionable: added fields are ignored by old
/// readers and missing ones take defaults.</item>
/// </list>
/// </summary>
#pragma warning disable CA1000 // a static generic class is the point: one codec per type, found once, no dictionary lookup per call.
public static class ValueSerializer<T>
{
    private static readonly ValueWriter<T> s_write;
    private static readonly ValueReader<T> s_read;

#pragma warning disable CA1810 // the codec choice needs several branches; a static constructor keeps them together.
    static ValueSerializer()
#pragma warning restore CA1810
    {
        (Delegate write, Delegate read) = BuiltInCodecs.Find(typeof(T)) ?? ForType();
        s_write = (ValueWriter<T>)write;
        s_read = (ValueReader<T>)read;
    }

    /// <summary>Writes a value.</summary>
    public static void Write(ref BodyWriter writer, T value) => s_write(ref writer, value);

    /// <summary>Reads a value.</summary>
    public static T Read(ref BodyReader reader) => s_read(ref reader);

    private static (Delegate, Delegate) ForType()
    {
        Type type = typeof(T);
        if (type.IsEnum)
        {
            return ((ValueWriter<T>)WriteEnum, (ValueReader<T>)ReadEnum);
        }

        if (type.IsInterface && typeof(IAddressable).IsAssignableFrom(type))
        {
            return ((ValueWriter<T>)WriteReference, (ValueReader<T>)ReadReference);
        }

        if (type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IBinarySerializable<>) && i.GetGenericArguments()[0] == type))
        {
            // Once per type: bind the static Write/Read of the type's own implementation.
            Type codec = typeof(BinarySerializableCodec<>).MakeGenericType(type);
            return ((Delegate)codec.GetField("Writer")!.GetValue(null)!, (Delegate)codec.GetField("Reader")!.GetValue(null)!);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Nullable<>))
        {
            return ((ValueWriter<T>)WriteJson, (ValueReader<T>)ReadJson);
        }

        return ((ValueWriter<T>)WriteJson, (ValueReader<T>)ReadJson);
    }

    private static void WriteEnum(ref BodyWriter writer, T value) => writer.WriteInt64(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));

    private static T ReadEnum(ref BodyReader reader) => (T)Enum.ToObject(typeof(T), reader.ReadInt64());

    private static void WriteReference(ref BodyWriter writer, T value)
    {
        if (value is null)
        {
            writer.WriteString(null);
            return;
        }

        var reference = value as GrainReference
            ?? throw new NotSupportedException($"{typeof(T).Name} argument is a grain object, not a reference; pass references from IGrainFactory.GetGrain.");
        writer.WriteString(reference.InterfaceName);
        writer.WriteString(reference.GrainId.ToString());
    }

    private static T ReadReference(ref BodyReader reader)
    {
        string? interfaceName = reader.ReadString();
        if (interfaceName is null)
        {
            return default!;
        }

        GrainId id = GrainId.Parse(reader.ReadString() ?? throw new MessageFormatException("grain reference without an id."));
        ISerializationContext context = reader.Context
            ?? throw new MessageFormatException("a grain reference was read without a runtime context.");
        return (T)context.CreateGrainReference(interfaceName, id);
    }

    private static void WriteJson(ref BodyWriter writer, T value)
    {
        JsonTypeInfo<T> info = JsonTypeInfoCache.Info;
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(json, value, info);
        }

        writer.WriteInt32(buffer.WrittenCount);
        writer.WriteBytes(buffer.WrittenSpan);
    }

    private static T ReadJson(ref BodyReader reader)
    {
        int length = reader.ReadInt32();
        ReadOnlySpan<byte> bytes = reader.ReadBytes(length);
        try
        {
            return JsonSerializer.Deserialize(bytes, JsonTypeInfoCache.Info)!;
        }
        catch (JsonException e)
        {
            throw new MessageFormatException($"a {typeof(T).Name} value could not be read: {e.Message}", e);
        }
    }

    private static class JsonTypeInfoCache
    {
        public static readonly JsonTypeInfo<T> Info = JsonSerializationRegistry.GetTypeInfo<T>();
    }
}
#pragma warning restore CA1000

/// <summary>
/// Source-generated System.Text.Json contexts that describe the DTOs passed to and from grains.
/// Register each context once at start-up (for example from a module initialiser in the assembly that
/// declares the DTOs); the runtime never falls back to reflection-based JSON.
/// </summary>
public static class JsonSerializationRegistry
{
    private static readonly object s_gate = new();
    private static readonly List<IJsonTypeInfoResolver> s_resolvers = [];
    private static JsonSerializerOptions? s_options;

    /// <summary>Adds a resolver (usually a <c>JsonSerializerContext</c>'s <c>Default</c> instance).</summary>
    public static void Add(IJsonTypeInfoResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        lock (s_gate)
        {
            if (!s_resolvers.Contains(resolver))
            {
                s_resolvers.Add(resolver);
                s_options = null;
            }
        }
    }

    internal static JsonTypeInfo<T> GetTypeInfo<T>()
    {
        JsonSerializerOptions options;
        lock (s_gate)
        {
            // Named literals: metrics and losses can be NaN or infinite, and a DTO must still travel.
            options = s_options ??= new JsonSerializerOptions
            {
                TypeInfoResolver = JsonTypeInfoResolver.Combine([.. s_resolvers]),
                NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
            };
        }

        if (options.TypeInfoResolver!.GetTypeInfo(typeof(T), options) is JsonTypeInfo<T> info)
        {
            return info;
        }

        throw new NotSupportedException(
            $"OrleansML cannot serialise {typeof(T).FullName}: add [JsonSerializable(typeof({typeof(T).Name}))] to a JsonSerializerContext and register it with JsonSerializationRegistry.Add.");
    }
}

/// <summary>Codecs for primitive and tensor types.</summary>
internal static class BuiltInCodecs
{
    public static (Delegate Write, Delegate Read)? Find(Type type)
    {
        if (type == typeof(int)) { return ((ValueWriter<int>)((ref BodyWriter w, int v) => w.WriteInt32(v)), (ValueReader<int>)((ref BodyReader r) => r.ReadInt32())); }
        if (type == typeof(long)) { return ((ValueWriter<long>)((ref BodyWriter w, long v) => w.WriteInt64(v)), (ValueReader<long>)((ref BodyReader r) => r.ReadInt64())); }
        if (type == typeof(bool)) { return Unmanaged<bool>(); }
        if (type == typeof(byte)) { return Unmanaged<byte>(); }
        if (type == typeof(short)) { return Unmanaged<short>(); }
        if (type == typeof(uint)) { return Unmanaged<uint>(); }
        if (type == typeof(ulong)) { return Unmanaged<ulong>(); }
        if (type == typeof(float)) { return Unmanaged<float>(); }
        if (type == typeof(double)) { return Unmanaged<double>(); }
        if (type == typeof(Half)) { return Unmanaged<Half>(); }
        if (type == typeof(char)) { return Unmanaged<char>(); }
        if (type == typeof(Guid)) { return Unmanaged<Guid>(); }
        if (type == typeof(TimeSpan)) { return ((ValueWriter<TimeSpan>)((ref BodyWriter w, TimeSpan v) => w.WriteInt64(v.Ticks)), (ValueReader<TimeSpan>)((ref BodyReader r) => new TimeSpan(r.ReadInt64()))); }
        if (type == typeof(DateTime)) { return ((ValueWriter<DateTime>)((ref BodyWriter w, DateTime v) => w.WriteInt64(v.ToBinary())), (ValueReader<DateTime>)((ref BodyReader r) => DateTime.FromBinary(r.ReadInt64()))); }
        if (type == typeof(DateTimeOffset))
        {
            return ((ValueWriter<DateTimeOffset>)((ref BodyWriter w, DateTimeOffset v) => { w.WriteInt64(v.UtcTicks); w.WriteInt64(v.Offset.Ticks); }),
                (ValueReader<DateTimeOffset>)((ref BodyReader r) => { long utc = r.ReadInt64(); var offset = new TimeSpan(r.ReadInt64()); return new DateTimeOffset(utc + offset.Ticks, offset); }));
        }

        if (type == typeof(string)) { return ((ValueWriter<string?>)((ref BodyWriter w, string? v) => w.WriteString(v)), (ValueReader<string?>)((ref BodyReader r) => r.ReadString())); }
        if (type == typeof(float[])) { return Block<float>(); }
        if (type == typeof(double[])) { return Block<double>(); }
        if (type == typeof(int[])) { return Block<int>(); }
        if (type == typeof(long[])) { return Block<long>(); }
        if (type == typeof(byte[])) { return Block<byte>(); }
        if (type == typeof(Half[])) { return Block<Half>(); }
        if (type == typeof(ReadOnlyMemory<float>)) { return ReadOnlyMemoryBlock<float>(); }
        if (type == typeof(ReadOnlyMemory<byte>)) { return ReadOnlyMemoryBlock<byte>(); }
        if (type == typeof(ReadOnlyMemory<int>)) { return ReadOnlyMemoryBlock<int>(); }
        if (type == typeof(ReadOnlyMemory<long>)) { return ReadOnlyMemoryBlock<long>(); }
        if (type == typeof(Memory<float>))
        {
            return ((ValueWriter<Memory<float>>)((ref BodyWriter w, Memory<float> v) => w.WriteBlock<float>(v.Span)),
                (ValueReader<Memory<float>>)((ref BodyReader r) => r.ReadBlock<float>() ?? Memory<float>.Empty));
        }

        return null;
    }

    private static (Delegate, Delegate) Unmanaged<T>() where T : unmanaged =>
        ((ValueWriter<T>)((ref BodyWriter w, T v) =>
        {
            Span<byte> bytes = stackalloc byte[Unsafe.SizeOf<T>()];
            System.Runtime.InteropServices.MemoryMarshal.Write(bytes, in v);
            w.WriteBytes(bytes);
        }),
         (ValueReader<T>)((ref BodyReader r) => r.ReadUnmanaged<T>()));

    private static (Delegate, Delegate) Block<T>() where T : unmanaged =>
        ((ValueWriter<T[]?>)((ref BodyWriter w, T[]? v) => w.WriteBlock<T>(v, v is null)),
         (ValueReader<T[]?>)((ref BodyReader r) => r.ReadBlock<T>()));

    private static (Delegate, Delegate) ReadOnlyMemoryBlock<T>() where T : unmanaged =>
        ((ValueWriter<ReadOnlyMemory<T>>)((ref BodyWriter w, ReadOnlyMemory<T> v) => w.WriteBlock(v.Span)),
         (ValueReader<ReadOnlyMemory<T>>)((ref BodyReader r) => r.ReadBlock<T>() ?? ReadOnlyMemory<T>.Empty));
}

/// <summary>Binds the static members of an <see cref="IBinarySerializable{TSelf}"/> type as codec delegates.</summary>
internal static class BinarySerializableCodec<T> where T : IBinarySerializable<T>
{
#pragma warning disable CA2211, CA1823 // read by reflection once per type.
    public static readonly ValueWriter<T?> Writer = (ref BodyWriter writer, T? value) => T.Write(ref writer, value);
    public static readonly ValueReader<T?> Reader = (ref BodyReader reader) => T.Read(ref reader);
#pragma warning restore CA2211, CA1823
}
