using System.Globalization;

namespace OrleansML.Benchmarks.Peers;

/// <summary>
/// Time to a held-out accuracy target on Fashion-MNIST (softmax regression to 0.840, MLP 784-128-10 to 0.870) for
/// OrleansML's LocalTrainer, the demo's embedded 2-silo cluster, ML.NET, and where installed PyTorch, scikit-learn and
/// liblinear. Rounds alternate the peers' order so a slow spell of a shared machine does not land on one peer; each
/// figure is the median over rounds of training seconds to the first epoch at the target (evaluation excluded).
/// Last line: <c>peers softmax_cluster_s=.. softmax_local_s=.. softmax_best_peer=name:s mlp_cluster_s=.. mlp_local_s=.. mlp_best_peer=name:s</c>.
/// </summary>
internal static class PeersBenchmark
{
    public static async Task<int> RunAsync(TextWriter output, PeersBenchmarkSettings settings, CancellationToken cancellationToken = default)
    {
        if (await FashionMnistSource.FindAsync(output, "run Benchmarks/Peers/install-peers.sh") is not { } source)
        {
            return 2;
        }

        using PeerData data = PeerData.Load(source, OrleansMLSettings.TrainPartitions);
        await using var cluster = new SharedEmbeddedCluster();
        var local = new LocalTrainerPeer();
        var bsp = new EmbeddedClusterPeer(cluster, Jobs.ConsistencyMode.Bsp, 1, null);
        var averaging = new EmbeddedClusterPeer(cluster, Jobs.ConsistencyMode.ModelAveraging, settings.AveragingInterval, settings.AveragingMomentum);
        List<IPeer> peers = [local, bsp, averaging, .. MlNetPeer.All(), new PythonPeer("torch", "torch"), new PythonPeer("sklearn", "sklearn"), new LiblinearPeer()];
        List<IPeer> chosen = [.. peers.Where(p => settings.Peers is null || settings.Peers.Any(name => p.Name.StartsWith(name, StringComparison.Ordinal)))];
        if (chosen.Count == 0)
        {
            await output.WriteLineAsync($"peers: --peers {string.Join(',', settings.Peers!)} matches no peer; the names are {string.Join(", ", peers.Select(p => p.Name))}.");
            return 2;
        }

        peers = chosen;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Fashion-MNIST {data.Train.RowCount}/{data.Test.RowCount} rows; {settings.Rounds} rounds; {Environment.ProcessorCount} cores, load average {Measurement.LoadAverage()}"));
        foreach (IPeer peer in peers.Where(p => p.Unavailable is not null))
        {
            await output.WriteLineAsync($"{peer.Name}: {peer.Unavailable}");
        }

        peers = [.. peers.Where(p => p.Unavailable is null)];
        if (settings.WarmUp)
        {
            // In-process peers run JIT-compiled code: one untimed softmax run each brings them to steady state, as the
            // other processes' native code already is.
            foreach (IPeer peer in peers.Where(p => p is LocalTrainerPeer or EmbeddedClusterPeer))
            {
                await peer.RunAsync(PeerTask.Softmax, data, cancellationToken);
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"warmed up; the embedded cluster started in {cluster.StartSeconds:F2} s (not counted below)"));
        }

        var runs = new List<PeerRun>();
        for (int round = 0; round < settings.Rounds; round++)
        {
            IPeer[] order = [.. peers.Skip(round % peers.Count), .. peers.Take(round % peers.Count)];
            foreach (PeerTask task in settings.Tasks)
            {
                foreach (IPeer peer in order.Where(p => p.Supports(task)))
                {
                    PeerRun run;
                    try
                    {
                        run = await peer.RunAsync(task, data, cancellationToken);
                    }
                    catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or IOException)
                    {
                        run = new PeerRun(peer.Name, task, [], $"failed: {exception.Message}");
                    }

                    runs.Add(run);
                    await output.WriteLineAsync($"round {round + 1}: {run}{(run.Note is null ? "" : $" ({run.Note})")}");
                }
            }
        }

        foreach (PythonPeer python in peers.OfType<PythonPeer>().Where(p => p.Details is not null))
        {
            await output.WriteLineAsync(python.Details);
        }

        // The last line's cluster figure is model averaging's: the settings docs/training.md documents for speed.
        var summary = PeersSummary.From(runs, local.Name, averaging.Name, bsp.Name);
        summary.Print(output);
        return 0;
    }
}
