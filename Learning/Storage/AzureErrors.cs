using System.Net.Sockets;
using Azure;

namespace OrleansML.Learning.Storage;

/// <summary>
/// Turns the Azure SDK's failures into <see cref="BlobStoreException"/>s that say where and why in one line.
/// The SDK's own messages are not copied: they carry whole response dumps. The originals stay as inner exceptions.
/// </summary>
internal static class AzureErrors
{
    public const string ContainerNotFound = "ContainerNotFound";

    /// <summary>
    /// Whether <paramref name="exception"/> is a failure of the service or the network (to be mapped), rather than
    /// the caller's own cancellation or a programming error (to pass through).
    /// </summary>
    public static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        RequestFailedException or AggregateException or HttpRequestException or IOException or SocketException => exception is not BlobStoreException,
        _ => false,
    };

    /// <summary>A <see cref="BlobStoreException"/> for <paramref name="action"/> (e.g. "writing blob 'x'") on the store at <paramref name="location"/>.</summary>
    public static BlobStoreException Map(Exception exception, string location, string action, string? blobName)
    {
        RequestFailedException? last = Last(exception) as RequestFailedException;
        int? status = last is { Status: > 0 } ? last.Status : null;
        return new BlobStoreException(location, blobName, $"{location}: {action} failed: {Describe(exception)}.", exception, status, last?.ErrorCode);
    }

    private static string Describe(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: > 0 } aggregate =>
            $"{Describe(aggregate.InnerExceptions[^1])} (after {aggregate.InnerExceptions.Count} attempts)",
        RequestFailedException { Status: 0 } failed => $"the service could not be reached ({Cause(failed)})",
        RequestFailedException failed => $"HTTP {failed.Status}{(failed.ErrorCode is { } code ? " " + code : "")}{Hint(failed)}",
        OperationCanceledException => "the service did not answer within the network timeout",
        _ => $"the service could not be reached ({Cause(exception)})",
    };

    private static string Hint(RequestFailedException failed) => (failed.Status, failed.ErrorCode) switch
    {
        (403, _) => ": the service refused the credentials (check the account key or SAS and the machine's clock)",
        (404, ContainerNotFound) => ": the container does not exist",
        (409, "ContainerBeingDeleted") => ": the container is being deleted; it can be created again in a minute or so",
        (_, "InvalidHeaderValue" or "UnsupportedHeader") => ": the service does not support this API version (for Azurite, start it with --skipApiVersionCheck)",
        _ => "",
    };

    /// <summary>The message of the most specific cause, e.g. "Connection refused (127.0.0.1:10000)".</summary>
    private static string Cause(Exception exception)
    {
        Exception cause = exception;
        while (cause is RequestFailedException or AggregateException && cause.InnerException is not null)
        {
            cause = cause.InnerException;
        }

        return cause is OperationCanceledException ? "no answer within the network timeout" : cause.Message;
    }

    private static Exception Last(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: > 0 } aggregate ? Last(aggregate.InnerExceptions[^1]) : exception;
}
