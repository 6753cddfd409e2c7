using System.Runtime.InteropServices;
using System.Text;

namespace OrleansML.Runtime;

/// <summary>
/// A 32-bit hash that is identical in every process: FNV-1a over UTF-8 bytes followed by a murmur3-style
/// finaliser so that nearby keys ("shard/1", "shard/2") spread over the whole ring.
/// </summary>
public static class StableHashing
{
    /// <summary>Hashes a string's UTF-8 bytes.</summary>
    public static uint Hash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<byte> small = stackalloc byte[256];
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = max > small.Length ? new byte[max] : null;
        Span<byte> buffer = rented ?? small;
        int length = Encoding.UTF8.GetBytes(text, buffer);
        return Hash(buffer[..length]);
    }

    /// <summary>Hashes bytes.</summary>
    public static uint Hash(ReadOnlySpan<byte> bytes)
    {
        uint hash = 2166136261;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 16777619;
        }

        return Finalise(hash);
    }

    /// <summary>Combines two hashes, order-sensitively.</summary>
    public static uint Combine(uint first, uint second) => Finalise(first * 31 + second + 0x9E3779B9);

    /// <summary>Hashes a 64-bit value.</summary>
    public static uint Hash(long value) => Hash(MemoryMarshal.AsBytes(new ReadOnlySpan<long>(in value)));

    private static uint Finalise(uint hash)
    {
        hash ^= hash >> 16;
        hash *= 0x85EBCA6B;
        hash ^= hash >> 13;
        hash *= 0xC2B2AE35;
        hash ^= hash >> 16;
        return hash;
    }
}
