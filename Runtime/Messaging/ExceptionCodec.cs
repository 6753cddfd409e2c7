using System.Collections.Frozen;
using OrleansML.Runtime.Persistence;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Messaging;

/// <summary>
/// Turns an exception thrown by a grain into (type name, message, stack trace) and back. Common BCL and
/// runtime exception types are recreated as themselves so callers can catch them as usual; any other type
/// arrives as <see cref="RemoteGrainException"/> naming the original type. Exception objects themselves are
/// never serialised: arbitrary types cannot be trusted to round-trip, and the receiver may not have them.
/// </summary>
internal static class ExceptionCodec
{
    private static readonly FrozenDictionary<string, Func<string, Exception>> s_known = new Dictionary<string, Func<string, Exception>>(StringComparer.Ordinal)
    {
        [typeof(ArgumentException).FullName!] = m => new ArgumentException(m),
        [typeof(ArgumentNullException).FullName!] = m => new ArgumentNullException(null, m),
        [typeof(ArgumentOutOfRangeException).FullName!] = m => new ArgumentOutOfRangeException(null, m),
        [typeof(InvalidOperationException).FullName!] = m => new InvalidOperationException(m),
        [typeof(NotSupportedException).FullName!] = m => new NotSupportedException(m),
        [typeof(KeyNotFoundException).FullName!] = m => new KeyNotFoundException(m),
        [typeof(FormatException).FullName!] = m => new FormatException(m),
        [typeof(TimeoutException).FullName!] = m => new TimeoutException(m),
        [typeof(OperationCanceledException).FullName!] = m => new OperationCanceledException(m),
        [typeof(TaskCanceledException).FullName!] = m => new OperationCanceledException(m),
        [typeof(InvalidCastException).FullName!] = m => new InvalidCastException(m),
        [typeof(DivideByZeroException).FullName!] = m => new DivideByZeroException(m),
        [typeof(OverflowException).FullName!] = m => new OverflowException(m),
        [typeof(ObjectDisposedException).FullName!] = m => new ObjectDisposedException(null, m),
        [typeof(UnauthorizedAccessException).FullName!] = m => new UnauthorizedAccessException(m),
        [typeof(IOException).FullName!] = m => new IOException(m),
        [typeof(InconsistentStateException).FullName!] = m => new InconsistentStateException(m),
        [typeof(GrainCallTimeoutException).FullName!] = m => new GrainCallTimeoutException(m),
        [typeof(MessageFormatException).FullName!] = m => new MessageFormatException(m),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static void Write(ref BodyWriter writer, Exception exception, bool includeStackTrace)
    {
        string type = exception is RemoteGrainException remote ? remote.ExceptionType : exception.GetType().FullName ?? exception.GetType().Name;
        string message = exception.Message;
        if (exception is RemoteGrainException && message.StartsWith(type + ": ", StringComparison.Ordinal))
        {
            message = message[(type.Length + 2)..];
        }

        writer.WriteString(type);
        writer.WriteString(message);
        writer.WriteString(includeStackTrace ? exception.StackTrace : null);
    }

    public static Exception Read(ref BodyReader reader)
    {
        string type = reader.ReadString() ?? "System.Exception";
        string message = reader.ReadString() ?? "";
        string? stackTrace = reader.ReadString();
        return s_known.TryGetValue(type, out Func<string, Exception>? create)
            ? create(message)
            : new RemoteGrainException(type, message, stackTrace);
    }

    /// <summary>Writes a rejection's body: its message.</summary>
    public static void WriteRejection(ref BodyWriter writer, string message) => writer.WriteString(message);

    /// <summary>Recreates a rejection as the matching exception.</summary>
    public static Exception ReadRejection(RejectionKind kind, ref BodyReader reader)
    {
        string message = reader.ReadString() ?? kind.ToString();
        return kind == RejectionKind.SiloUnavailable
            ? new SiloUnavailableException(message)
            : new GrainCallRejectedException(kind, message);
    }
}
