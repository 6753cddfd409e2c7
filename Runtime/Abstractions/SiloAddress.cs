using System.Globalization;
using System.Net;

namespace OrleansML.Runtime;

/// <summary>
/// The identity of one silo incarnation: host, port and generation. A restarted silo on the same
/// endpoint gets a new generation, so it is a new member; a dead incarnation never comes back.
/// </summary>
public sealed record SiloAddress(string Host, int Port, int Generation)
{
    /// <summary>A generation for a silo starting now: seconds since 2022-01-01 UTC, as Orleans does.</summary>
    public static int NewGeneration(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var epoch = new DateTimeOffset(2022, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return checked((int)(time.GetUtcNow() - epoch).TotalSeconds);
    }

    /// <summary>A hash of the address that is stable across processes (used on the ring).</summary>
    public uint StableHash => StableHashing.Combine(StableHashing.Hash($"{Host}:{Port}"), (uint)Generation);

    /// <summary>The network endpoint (host must be an IP address literal).</summary>
    public IPEndPoint ToEndPoint() => new(IPAddress.Parse(Host), Port);

    /// <summary>"host:port:generation".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}:{Generation}");

    /// <summary>Parses "host:port:generation".</summary>
    public static SiloAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(':');
        if (parts.Length != 3
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            || !int.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int generation))
        {
            throw new FormatException($"'{text}' is not a silo address of the form host:port:generation.");
        }

        return new SiloAddress(parts[0], port, generation);
    }

    /// <summary>Orders addresses by host, port, then generation (a stable order for spread placement).</summary>
    public static int Compare(SiloAddress left, SiloAddress right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        int c = string.CompareOrdinal(left.Host, right.Host);
        if (c == 0)
        {
            c = left.Port.CompareTo(right.Port);
        }

        return c != 0 ? c : left.Generation.CompareTo(right.Generation);
    }
}
