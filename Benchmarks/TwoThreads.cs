using OrleansML.Learning.Data;

namespace OrleansML.Benchmarks;

/// <summary>The machine's parallel ceiling for two workers: the same work on two plain threads, no messages, no barrier.</summary>
internal static class TwoThreads
{
    /// <summary>Runs <paramref name="seconds"/> on the first and second half of <paramref name="train"/>'s rows (as
    /// two workers' partitions split them), each on its own thread at once, and returns the slower thread's figure:
    /// as with a distributed job's epochs, the pair is done when the slower thread is.</summary>
    public static double HalvesSeconds(DenseDataset train, Func<DenseDataset, double> seconds)
    {
        int half = train.RowCount / 2;
        DenseDataset Slice(int start, int count) => new(train.Rows(start, count).ToArray(), train.Labels.Slice(start, count).ToArray(), train.ColumnCount);
        DenseDataset[] halves = [Slice(0, half), Slice(half, train.RowCount - half)];
        var results = new double[2];
        Thread[] threads = [.. halves.Select((part, i) => new Thread(() => results[i] = seconds(part)))];
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        return results.Max();
    }
}
