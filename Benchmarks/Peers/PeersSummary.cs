using System.Globalization;

namespace OrleansML.Benchmarks.Peers;

/// <summary>Medians per peer and task, the table, the COST and peer ratios, and the benchmark's last line.</summary>
internal sealed class PeersSummary(string localPeer, string clusterPeer, string otherClusterPeer)
{
    private readonly List<(string Peer, PeerTask Task, double? Seconds, int Reached, int Runs, double FinalAccuracy)> _rows = [];

    /// <summary><paramref name="cluster"/> is the cluster set-up the last line reports; <paramref name="otherCluster"/>
    /// is OrleansML too, so it is neither a peer nor the figure.</summary>
    public static PeersSummary From(IEnumerable<PeerRun> runs, string local, string cluster, string otherCluster)
    {
        var summary = new PeersSummary(local, cluster, otherCluster);
        foreach (var group in runs.GroupBy(r => (r.Peer, r.Task)))
        {
            double[] reached = [.. group.Where(r => r.SecondsToTarget is not null).Select(r => r.SecondsToTarget!.Value)];
            double[] finals = [.. group.Select(r => r.FinalAccuracy).Where(a => !double.IsNaN(a))];
            // A peer that misses the target in any round has no time to target: a median over the lucky rounds would flatter it.
            double? seconds = reached.Length == group.Count() && reached.Length > 0 ? Measurement.Median(reached) : null;
            summary._rows.Add((group.Key.Peer, group.Key.Task, seconds, reached.Length, group.Count(), finals.Length > 0 ? Measurement.Median(finals) : double.NaN));
        }

        return summary;
    }

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"{"task",-8} {"peer",-34} {"s to target",12} {"reached",8} {"final acc",10}");
        foreach (var row in _rows.OrderBy(r => r.Task).ThenBy(r => r.Seconds ?? double.MaxValue))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{row.Task.Label(),-8} {row.Peer,-34} {(row.Seconds is double s ? s.ToString("F2", CultureInfo.InvariantCulture) : "-"),12} {$"{row.Reached}/{row.Runs}",8} {row.FinalAccuracy,10:F4}"));
        }

        var parts = new List<string>();
        foreach (PeerTask task in Enum.GetValues<PeerTask>())
        {
            double? cluster = Seconds(clusterPeer, task);
            double? local = Seconds(localPeer, task);
            var candidates = _rows.Where(r => r.Task == task && r.Peer != clusterPeer && r.Peer != otherClusterPeer && r.Peer != localPeer && r.Seconds is not null).ToList();
            var best = candidates.Count == 0 ? default : candidates.MinBy(r => r.Seconds);
            if (cluster is double c && local is double l)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{task.Label()}: COST {clusterPeer}/local = {c / l:F2} (target <= 1.00)"));
            }

            if (cluster is double c2 && best.Seconds is double b)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{task.Label()}: best peer {best.Peer} / cluster = {b / c2:F2} (target >= 2.00)"));
            }

            parts.Add($"{task.Label()}_cluster_s={Format(cluster)}");
            parts.Add($"{task.Label()}_local_s={Format(local)}");
            parts.Add($"{task.Label()}_best_peer={(best.Peer is null ? "none" : best.Peer)}:{Format(best.Seconds)}");
        }

        output.WriteLine("peers " + string.Join(' ', parts));
    }

    private double? Seconds(string peer, PeerTask task) => _rows.FirstOrDefault(r => r.Peer == peer && r.Task == task).Seconds;

    private static string Format(double? seconds) => seconds is double s ? s.ToString("F2", CultureInfo.InvariantCulture) : "nan";
}
