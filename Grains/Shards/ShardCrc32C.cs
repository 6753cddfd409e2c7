namespace OrleansML.Grains.Shards;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) over checkpoint records, table-driven. Checkpoints
/// are written once per epoch or every few steps, so the table loop is fast enough; the Learning layer's
/// hardware version is internal to it.
/// </summary>
internal static class ShardCrc32C
{
    private const uint ReflectedPolynomial = 0x82F63B78u;
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint state = uint.MaxValue;
        foreach (byte b in data)
        {
            state = Table[(byte)(state ^ b)] ^ (state >> 8);
        }

        return ~state;
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
