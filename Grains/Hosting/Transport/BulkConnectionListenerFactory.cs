using System.Net;
using Microsoft.AspNetCore.Connections;

namespace OrleansML.Grains.Hosting.Transport;

/// <summary>Binds <see cref="BulkConnectionListener"/>s for Orleans' silo and gateway endpoints.</summary>
internal sealed class BulkConnectionListenerFactory(BulkTransport transport) : IConnectionListenerFactory
{
    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IConnectionListener>(BulkConnectionListener.Bind(transport, endpoint));
    }
}
