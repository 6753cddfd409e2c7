using System.Net;
using System.Net.Sockets;

namespace OrleansML.Tests.Shared;

/// <summary>Loopback ports nothing listens on now, none handed out twice by this test run.</summary>
internal static class FreePorts
{
    private static readonly HashSet<int> s_given = [];

    public static int[] Take(int count)
    {
        var ports = new int[count];
        lock (s_given)
        {
            for (int i = 0; i < count; i++)
            {
                int port;
                do
                {
                    // The kernel's choice: free now, and from the ephemeral range, away from fixed service ports.
                    using var listener = new TcpListener(IPAddress.Loopback, 0);
                    listener.Start();
                    port = ((IPEndPoint)listener.LocalEndpoint).Port;
                }
                while (!s_given.Add(port));
                ports[i] = port;
            }
        }

        return ports;
    }
}
