namespace OrleansML.Learning.Data.Partitioning;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of iSCSI, ext4 and most storage
/// formats. Uses the SSE4.2 CRC32 instruction when the CPU has it and a lookup table otherwise.
/// Written here because System.IO.Hashing does not restore on these machines.
/// </summary>
public static class Crc32C
{
    private const uint ReflectedPolynomial = 0x82F63B78u;

    /// <summary>Bytes per lane in the three-lane hardware loop.</summary>
    private const int LaneBytes = 4096;

    private static readonly uint[] Table = BuildTable();

    /// <summary>x^(8 * LaneBytes) mod P: multiplying a CRC state by it appends LaneBytes zero bytes.</summary>
    private static readonly uint LaneShift = ShiftConstant(LaneBytes);

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
        // The CRC32 instruction has a latency of three cycles but a throughput of one per cycle: three independent
        // lanes keep it busy. The CRC is linear, so the lanes are joined by shifting the earlier lanes' states
        // past the later lanes' bytes (a multiplication by x^(8 * LaneBytes) mod P) and adding (xor).
        for (; i + (3 * LaneBytes) <= data.Length; i += 3 * LaneBytes)
        {
            ReadOnlySpan<byte> first = data.Slice(i, LaneBytes);
            ReadOnlySpan<byte> second = data.Slice(i + LaneBytes, LaneBytes);
            ReadOnlySpan<byte> third = data.Slice(i + (2 * LaneBytes), LaneBytes);
            ulong stateSecond = 0, stateThird = 0;
            for (int k = 0; k < LaneBytes; k += 8)
            {
                state = Sse42.X64.Crc32(state, BinaryPrimitives.ReadUInt64LittleEndian(first[k..]));
                stateSecond = Sse42.X64.Crc32(stateSecond, BinaryPrimitives.ReadUInt64LittleEndian(second[k..]));
                stateThird = Sse42.X64.Crc32(stateThird, BinaryPrimitives.ReadUInt64LittleEndian(third[k..]));
            }

            uint joined = MultiplyModPolynomial((uint)state, LaneShift) ^ (uint)stateSecond;
            state = MultiplyModPolynomial(joined, LaneShift) ^ (uint)stateThird;
        }

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

    /// <summary>
    /// a * b mod P over GF(2), both in the reflected bit order of the CRC (bit 31 is x^0, bit 0 is x^31).
    /// </summary>
    internal static uint MultiplyModPolynomial(uint a, uint b)
    {
        uint product = 0;
        for (uint bit = 1u << 31; bit != 0; bit >>= 1)
        {
            if ((a & bit) != 0)
            {
                product ^= b;
            }

            // b *= x: in reflected order a right shift, reducing by P when x^31 overflows.
            b = (b & 1) != 0 ? (b >> 1) ^ ReflectedPolynomial : b >> 1;
        }

        return product;
    }

    /// <summary>x^(8 * byteCount) mod P: the polynomial 1 (bit 31) run through byteCount zero bytes, each a multiplication by x^8.</summary>
    private static uint ShiftConstant(int byteCount)
    {
        uint state = 1u << 31;
        for (int i = 0; i < byteCount; i++)
        {
            state = Table[(byte)state] ^ (state >> 8);
        }

        return state;
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
