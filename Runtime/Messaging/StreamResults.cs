using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Messaging;

/// <summary>
/// Stream methods (<see cref="InvokeMethodOptions.Stream"/>): the silo enumerates the grain's sequence
/// inside the call's turn and returns its items in one response (count, then each item as the request's
/// <see cref="GrainRequest.WriteResult"/> writes it). The caller enumerates them as they are read.
/// </summary>
internal static class StreamResults
{
    public static async Task<object?> CollectAsync(object? result, GrainRequest request)
    {
        if (result is null)
        {
            return new List<object?>();
        }

        if (result is not IAsyncEnumerable<object?> sequence)
        {
            throw new NotSupportedException($"{request.InterfaceName}.{request.MethodName} streams value-type items, which OrleansML does not support yet; stream a reference type (for example float[]).");
        }

        var items = new List<object?>();
        await foreach (object? item in sequence)
        {
            items.Add(item);
        }

        return items;
    }

    public static void Write(ref BodyWriter writer, GrainRequest request, object? result)
    {
        var items = (List<object?>)result!;
        writer.WriteInt32(items.Count);
        foreach (object? item in items)
        {
            request.WriteResult(ref writer, item);
        }
    }

    public static List<object?> Read(ref BodyReader reader, GrainRequest request)
    {
        int count = reader.ReadInt32();
        if (count < 0 || count > reader.Remaining)
        {
            throw new MessageFormatException($"a stream response claims {count} items in {reader.Remaining} bytes.");
        }

        var items = new List<object?>(count);
        for (int i = 0; i < count; i++)
        {
            items.Add(request.ReadResult(ref reader));
        }

        return items;
    }
}
