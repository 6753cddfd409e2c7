using System.Net;
using System.Net.Sockets;

namespace OrleansML.Training.Tests.Client.Support;

/// <summary>Ports for tests that need nothing to answer, or something to hold a port.</summary>
internal static class ClosedPort
{
    /// <summary>A loopback port nothing listens on (it was free a moment ago).</summary>
    public static int Find()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Listens on a free loopback port until disposed.</summary>
    public static TcpListener Occupy()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }
}
