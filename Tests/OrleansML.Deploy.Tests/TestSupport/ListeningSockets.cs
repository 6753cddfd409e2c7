using System.Globalization;
using System.Net;

namespace OrleansML.Deploy.Tests.TestSupport;

/// <summary>
/// The TCP sockets a process listens on, read as <c>ss -ltnp</c> reads them: the socket inodes among the process's
/// file descriptors (<c>/proc/PID/fd</c>), matched with the LISTEN rows (state 0A) of <c>/proc/net/tcp</c> and
/// <c>/proc/net/tcp6</c>.
/// </summary>
internal static class ListeningSockets
{
    /// <summary>Every address and port process <paramref name="processId"/> listens on.</summary>
    public static List<IPEndPoint> Of(int processId)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (string fd in Directory.EnumerateFileSystemEntries($"/proc/{processId}/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(target["socket:[".Length..^1]);
                }
            }
            catch (IOException)
            {
                // The descriptor closed while we read the directory.
            }
        }

        var listening = new List<IPEndPoint>();
        foreach (string table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (string line in File.ReadLines(table).Skip(1))
            {
                string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[3] == "0A" && inodes.Contains(fields[9]))
                {
                    listening.Add(Parse(fields[1]));
                }
            }
        }

        return listening;
    }

    /// <summary>Whether <paramref name="endpoint"/> accepts connections from loopback only (127.0.0.0/8, ::1, or
    /// an IPv4-mapped loopback address).</summary>
    public static bool IsLoopbackOnly(IPEndPoint endpoint) =>
        IPAddress.IsLoopback(endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address);

    /// <summary>Parses "0100007F:2B67" (IPv4) or 32 hex digits and a port (IPv6): the kernel prints each 32-bit word
    /// of the address in host (little-endian) order.</summary>
    private static IPEndPoint Parse(string text)
    {
        string[] parts = text.Split(':');
        byte[] bytes = Convert.FromHexString(parts[0]);
        for (int word = 0; word < bytes.Length; word += 4)
        {
            Array.Reverse(bytes, word, 4);
        }

        return new IPEndPoint(new IPAddress(bytes), int.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }
}
