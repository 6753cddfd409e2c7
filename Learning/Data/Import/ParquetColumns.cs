using Parquet;
using Parquet.Schema;

namespace OrleansML.Learning.Data.Import;

/// <summary>
/// Reads one numeric Parquet column of a row group as doubles (exact for every integer and float type the importer
/// accepts up to 2^53), with its definition levels (null when the column cannot hold nulls) and repetition levels
/// (empty unless it is a list).
/// </summary>
internal static class ParquetColumns
{
    public static async Task<(double[] Values, int[]? Definitions)> ReadAsync(ParquetRowGroupReader group, DataField field, CancellationToken cancellationToken)
    {
        (double[] values, int[]? definitions, _) = await ReadWithRepetitionAsync(group, field, cancellationToken);
        return (values, definitions);
    }

    public static Task<(double[] Values, int[]? Definitions, int[] Repetitions)> ReadWithRepetitionAsync(ParquetRowGroupReader group, DataField field,
        CancellationToken cancellationToken)
    {
        Type type = field.ClrType;
        return type == typeof(float) ? Read<float>(group, field, cancellationToken)
            : type == typeof(double) ? Read<double>(group, field, cancellationToken)
            : type == typeof(int) ? Read<int>(group, field, cancellationToken)
            : type == typeof(long) ? Read<long>(group, field, cancellationToken)
            : type == typeof(short) ? Read<short>(group, field, cancellationToken)
            : type == typeof(byte) ? Read<byte>(group, field, cancellationToken)
            : type == typeof(sbyte) ? Read<sbyte>(group, field, cancellationToken)
            : type == typeof(ushort) ? Read<ushort>(group, field, cancellationToken)
            : type == typeof(uint) ? Read<uint>(group, field, cancellationToken)
            : Read<ulong>(group, field, cancellationToken);
    }

    private static async Task<(double[] Values, int[]? Definitions, int[] Repetitions)> Read<T>(ParquetRowGroupReader group, DataField field,
        CancellationToken cancellationToken)
        where T : struct, INumberBase<T>
    {
        int slots = checked((int)group.GetMetadata(field)!.MetaData!.NumValues);
        T[] raw = new T[slots];
        int[]? definitions = field.MaxDefinitionLevel > 0 ? new int[slots] : null;
        int[] repetitions = field.MaxRepetitionLevel > 0 ? new int[slots] : [];
        await group.ReadRawAsync<T>(field, raw.AsMemory(), definitions?.AsMemory(), field.MaxRepetitionLevel > 0 ? repetitions.AsMemory() : (Memory<int>?)null, cancellationToken);
        // Raw values are packed: only slots defined down to the leaf hold one.
        int valueCount = definitions is null ? slots : definitions.Count(level => level == field.MaxDefinitionLevel);
        double[] values = new double[valueCount];
        for (int i = 0; i < valueCount; i++)
        {
            values[i] = double.CreateSaturating(raw[i]);
        }

        return (values, definitions, repetitions);
    }

    public static bool IsText(Type type) => type == typeof(string) || type == typeof(ReadOnlyMemory<char>);

    public static bool IsNumeric(Type type) =>
        type == typeof(float) || type == typeof(double) || type == typeof(int) || type == typeof(long) || type == typeof(short)
        || type == typeof(byte) || type == typeof(sbyte) || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong);

    /// <summary>A scalar column with one value per row; a null is an error at its row (0-based within the group).</summary>
    public static async Task<double[]> ReadScalarAsync(ParquetRowGroupReader group, DataField field, int rows, Func<int, string, DataFormatException> error,
        CancellationToken cancellationToken)
    {
        (double[] values, int[]? definitions) = await ReadAsync(group, field, cancellationToken);
        if (definitions is not null)
        {
            int missing = Array.FindIndex(definitions, level => level < field.MaxDefinitionLevel);
            if (missing >= 0)
            {
                throw error(missing, "missing value (null)");
            }
        }

        return values.Length == rows ? values : throw error(0, $"the row group holds {values.Length} values for {rows} rows");
    }

    public static float[] ToFloats(double[] values, Func<int, string, DataFormatException> error)
    {
        var floats = new float[values.Length];
        for (int r = 0; r < values.Length; r++)
        {
            floats[r] = (float)values[r];
            if (!float.IsFinite(floats[r]))
            {
                throw error(r, $"value {values[r]} is not a finite float32 value");
            }
        }

        return floats;
    }

    /// <summary>
    /// A list column: every row's values, back to back, and where each row starts (<c>Starts[rows]</c> is the total).
    /// An empty or null list is a row without values; a null element is an error at its row.
    /// </summary>
    public static async Task<(float[] Values, int[] Starts)> ReadListAsync(ParquetRowGroupReader group, DataField field, int rows,
        Func<int, string, DataFormatException> error, CancellationToken cancellationToken)
    {
        (double[] values, int[]? definitions, int[] repetitions) = await ReadWithRepetitionAsync(group, field, cancellationToken);
        var starts = new int[rows + 1];
        int row = -1;
        for (int slot = 0, next = 0; slot < repetitions.Length; slot++)
        {
            if (repetitions[slot] == 0)
            {
                row++;
                if (row >= rows)
                {
                    throw error(rows - 1, "the list column holds more rows than the row group");
                }

                starts[row] = next;
            }

            if (definitions is not null && definitions[slot] < field.MaxDefinitionLevel)
            {
                // An empty or null list has one slot without a value; a null inside a list is a missing feature.
                if (repetitions[slot] != 0 || (slot + 1 < repetitions.Length && repetitions[slot + 1] != 0))
                {
                    throw error(row, "a list element is missing (null)");
                }

                continue;
            }

            next++;
            starts[row + 1] = next;
        }

        for (int r = Math.Max(row, 0) + 1; r <= rows; r++)
        {
            starts[r] = Math.Max(starts[r], starts[r - 1]);
        }

        // starts never decreases, so the last row starting at or before a value's index holds it.
        float[] floats = ToFloats(values, (index, reason) => error(Math.Max(0, Array.FindLastIndex(starts, rows, s => s <= index)), reason));
        return (floats, starts);
    }
}
