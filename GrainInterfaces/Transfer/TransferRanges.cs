using System.Diagnostics;

namespace OrleansML.Transfer;

/// <summary>
/// Splits a transfer of many elements (floats of a slice, bytes of a model file) into ranges that each fit one
/// message. Orleans does not fail fast on a message over <c>MaxMessageBodySize</c>: the caller waits for its whole
/// response timeout and the connection is dropped. So every transfer that can be large goes in ranges of at most
/// <c>OrleansML:Transfer:MaxMessageBytes</c>, well below that limit.
/// </summary>
public static class TransferRanges
{
    /// <summary>How many elements of <paramref name="elementBytes"/> bytes fit in one message of
    /// <paramref name="maxMessageBytes"/> payload bytes (at least 1).</summary>
    public static int ElementsPerMessage(int maxMessageBytes, int elementBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(elementBytes, 1);
        return Math.Max(1, maxMessageBytes / elementBytes);
    }

    /// <summary>
    /// The ranges <c>(Offset, Count)</c> that cover <c>[0, <paramref name="total"/>)</c> in order, each of
    /// <paramref name="perRange"/> elements except the last, which holds the rest. Empty when <paramref name="total"/>
    /// is 0.
    /// </summary>
    public static IEnumerable<(long Offset, int Count)> Split(long total, int perRange)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        ArgumentOutOfRangeException.ThrowIfLessThan(perRange, 1);
        return Iterate(total, perRange);

        static IEnumerable<(long Offset, int Count)> Iterate(long total, int perRange)
        {
            for (long offset = 0; offset < total; offset += perRange)
            {
                int count = (int)Math.Min(perRange, total - offset);
                Debug.Assert(count > 0, "every range holds at least one element");
                yield return (offset, count);
            }
        }
    }

    public static long Count(long total, int perRange)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        ArgumentOutOfRangeException.ThrowIfLessThan(perRange, 1);
        return (total + perRange - 1) / perRange;
    }

    /// <summary>Throws when <c>[<paramref name="offset"/>, +<paramref name="count"/>)</c> is not inside
    /// <c>[0, <paramref name="total"/>)</c> or is longer than <paramref name="maxCount"/>; the message names
    /// <paramref name="what"/> and, for the length, the option that sets it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty, outside, or too long.</exception>
    public static void CheckRange(string what, long offset, int count, long total, int maxCount)
    {
        if (offset < 0 || count < 1 || offset > total - count)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"{what}: the range [{offset}, +{count}) is not a non-empty range inside [0, {total}).");
        }

        if (count > maxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"{what}: the range [{offset}, +{count}) is longer than {maxCount} elements, the most one message carries (OrleansML:Transfer:MaxMessageBytes).");
        }
    }
}
