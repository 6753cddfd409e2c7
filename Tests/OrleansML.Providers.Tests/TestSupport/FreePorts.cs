using System.Net;
using System.Net.Sockets;

namespace OrleansML.Providers.Tests.TestSupport;

/// <summary>Loopback TCP ports nothing listens on at the moment of asking.</summary>
internal static class FreePorts
{
    /// <summary>
    /// <paramref name="count"/> distinct ports: all are held open together until chosen, so the kernel cannot hand
    /// out the same one twice.
    /// </summary>
    public static int[] Take(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
