using System.Buffers.Binary;
using System.Runtime.Intrinsics.X86;

namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of iSCSI, ext4 and most storage
/// formats. Uses the SSE4.2 CRC32 instruction when the CPU has it and a lookup table otherwise.
/// Written here because System.IO.Hashing does not restore on these machines.
/// </summary>
internal static class Crc32C
{
    private const uint ReflectedPolynomial = 0x82F63B78u;
    private static readonly uint[] Table = BuildTable();

    /// <summary>Extends <paramref name="crc"/> (the CRC of earlier data, 0 for none) over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) =>
        Sse42.X64.IsSupported ? AppendHardware(crc, data) : AppendTable(crc, data);

    /// <summary>The CRC of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    internal static uint AppendTable(uint crc, ReadOnlySpan<byte> data)
    {
        uint state = ~crc;
        foreach (byte b in data)
        {
            state = Table[(byte)(state ^ b)] ^ (state >> 8);
        }

        return ~state;
    }

    internal static uint AppendHardware(uint crc, ReadOnlySpan<byte> data)
    {
        ulong state = ~crc;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            state = Sse42.X64.Crc32(state, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        uint narrow = (uint)state;
        for (; i < data.Length; i++)
        {
            narrow = Sse42.Crc32(narrow, data[i]);
        }

        return ~narrow;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint value = i;
            for (int bit = 0; bit < 8; bit++)
            {
                value = (value & 1) != 0 ? (value >> 1) ^ ReflectedPolynomial : value >> 1;
            }

            table[i] = value;
        }

        return table;
    }
}
