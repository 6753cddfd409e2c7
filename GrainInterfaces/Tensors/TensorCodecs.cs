using System.Buffers;
using Orleans.Serialization;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.WireProtocol;

namespace OrleansML.Tensors;

/// <summary>Writes a <see cref="FloatTensor"/> as one raw block (<see cref="TensorBlock"/>).</summary>
[RegisterSerializer]
internal sealed class FloatTensorCodec : IFieldCodec<FloatTensor>
{
    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, FloatTensor? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (ReferenceCodec.TryWriteReferenceField(ref writer, fieldIdDelta, expectedType, value))
        {
            return;
        }

        writer.WriteFieldHeader(fieldIdDelta, expectedType, typeof(FloatTensor), WireType.LengthPrefixed);
        TensorBlock.WriteFloats(ref writer, value!.Values, value.Compression);
    }

    public FloatTensor ReadValue<TInput>(ref Reader<TInput> reader, Field field)
    {
        if (field.WireType == WireType.Reference)
        {
            return ReferenceCodec.ReadReference<FloatTensor, TInput>(ref reader, field)!;
        }

        field.EnsureWireType(WireType.LengthPrefixed);
        float[] values = TensorBlock.ReadFloats(ref reader, out var compression);
        var result = new FloatTensor(values, compression);
        ReferenceCodec.RecordObject(reader.Session, result);
        return result;
    }
}

/// <summary>Writes an <see cref="IndexTensor"/> as one raw block (<see cref="TensorBlock"/>).</summary>
[RegisterSerializer]
internal sealed class IndexTensorCodec : IFieldCodec<IndexTensor>
{
    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, IndexTensor? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (ReferenceCodec.TryWriteReferenceField(ref writer, fieldIdDelta, expectedType, value))
        {
            return;
        }

        writer.WriteFieldHeader(fieldIdDelta, expectedType, typeof(IndexTensor), WireType.LengthPrefixed);
        TensorBlock.WriteInts(ref writer, value!.Values);
    }

    public IndexTensor ReadValue<TInput>(ref Reader<TInput> reader, Field field)
    {
        if (field.WireType == WireType.Reference)
        {
            return ReferenceCodec.ReadReference<IndexTensor, TInput>(ref reader, field)!;
        }

        field.EnsureWireType(WireType.LengthPrefixed);
        var result = new IndexTensor(TensorBlock.ReadInts(ref reader));
        ReferenceCodec.RecordObject(reader.Session, result);
        return result;
    }
}

/// <summary>A float tensor is immutable once sent, so a call inside one silo passes the instance itself.</summary>
[RegisterCopier]
internal sealed class FloatTensorCopier : IDeepCopier<FloatTensor>
{
    public FloatTensor? DeepCopy(FloatTensor? input, CopyContext context) => input;
}

/// <summary>An index tensor is immutable once sent, so a call inside one silo passes the instance itself.</summary>
[RegisterCopier]
internal sealed class IndexTensorCopier : IDeepCopier<IndexTensor>
{
    public IndexTensor? DeepCopy(IndexTensor? input, CopyContext context) => input;
}
