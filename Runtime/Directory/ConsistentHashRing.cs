using System.Diagnostics;

namespace OrleansML.Runtime.Directory;

/// <summary>
/// An immutable consistent-hash ring over a set of silos, each present at <c>virtualNodes</c> points. A hash
/// belongs to the first point at or after it (wrapping round). Virtual nodes even out the partitions, and a
/// silo joining or leaving moves only the ranges next to its own points.
/// </summary>
internal sealed class ConsistentHashRing
{
    private readonly uint[] _points;
    private readonly SiloAddress[] _owners;

    public ConsistentHashRing(IReadOnlyList<SiloAddress> silos, int virtualNodes)
    {
        ArgumentNullException.ThrowIfNull(silos);
        ArgumentOutOfRangeException.ThrowIfLessThan(virtualNodes, 1);
        Silos = [.. silos.Distinct().Order(Comparer<SiloAddress>.Create(SiloAddress.Compare))];
        var points = new List<(uint Point, SiloAddress Silo)>(Silos.Count * virtualNodes);
        foreach (SiloAddress silo in Silos)
        {
            uint baseHash = silo.StableHash;
            for (int i = 0; i < virtualNodes; i++)
            {
                points.Add((StableHashing.Combine(baseHash, (uint)i), silo));
            }
        }

        // Ties (astronomically rare) are broken by address so every silo builds the same ring.
        points.Sort((a, b) => a.Point != b.Point ? a.Point.CompareTo(b.Point) : SiloAddress.Compare(a.Silo, b.Silo));
        _points = [.. points.Select(p => p.Point)];
        _owners = [.. points.Select(p => p.Silo)];
        Debug.Assert(_points.Length == _owners.Length);
    }

    /// <summary>The silos on the ring, in <see cref="SiloAddress.Compare"/> order.</summary>
    public IReadOnlyList<SiloAddress> Silos { get; }

    public bool IsEmpty => _points.Length == 0;

    /// <summary>The silo owning <paramref name="hash"/>, or null on an empty ring.</summary>
    public SiloAddress? GetOwner(uint hash)
    {
        if (_points.Length == 0)
        {
            return null;
        }

        int index = Array.BinarySearch(_points, hash);
        if (index < 0)
        {
            index = ~index;
        }

        return _owners[index == _points.Length ? 0 : index];
    }

    /// <summary>The ranges (beginExclusive, endInclusive] owned by <paramref name="silo"/>, as the reminder
    /// table reads them (a range with begin ≥ end wraps round).</summary>
    public IReadOnlyList<(uint BeginExclusive, uint EndInclusive)> GetRanges(SiloAddress silo)
    {
        var ranges = new List<(uint, uint)>();
        if (_points.Length == 0)
        {
            return ranges;
        }

        if (Silos.Count == 1)
        {
            // The only silo owns everything: one full wrapping range.
            return Silos[0] == silo ? [(_points[0], _points[0])] : ranges;
        }

        for (int i = 0; i < _points.Length; i++)
        {
            if (_owners[i] == silo)
            {
                uint previous = _points[i == 0 ? _points.Length - 1 : i - 1];
                ranges.Add((previous, _points[i]));
            }
        }

        return ranges;
    }
}
