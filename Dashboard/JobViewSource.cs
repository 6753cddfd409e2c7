using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Orleans;
using Orleans.Runtime;
using OrleansML.Client;
using OrleansML.Jobs;
using OrleansML.Shards;

namespace OrleansML.Dashboard;

/// <summary>
/// Gathers <see cref="JobView"/>s from the cluster. Jobs are found from the coordinators active now (Orleans'
/// management grain) and remembered once seen, so a job whose coordinator was deactivated after it ended stays on
/// the page. One refresh serves every request that arrives within half the page's refresh interval, so several open
/// pages cost the cluster no more than one.
/// </summary>
internal sealed class JobViewSource(OrleansMLClient client, TimeSpan refreshInterval, int finishedJobs, TimeProvider time) : IDisposable
{
    private const string CoordinatorType = ".TrainingJobGrain";
    private const string WorkerType = ".PartitionWorkerGrain";
    private readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);
    // A final status never changes: its view is kept, and its coordinator is not asked again (asking would keep the
    // activation alive, or reactivate it, every refresh).
    private readonly ConcurrentDictionary<string, JobView> _final = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _forgotten = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private IReadOnlyList<JobView> _last = [];
    private DateTimeOffset _lastAt = DateTimeOffset.MinValue;

    public async Task<IReadOnlyList<JobView>> GetJobsAsync(CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (time.GetUtcNow() - _lastAt < refreshInterval / 2)
            {
                return _last;
            }

            DetailedGrainStatistic[] activations = await Management().GetDetailedGrainStatistics(null, null, cancellationToken);
            foreach (DetailedGrainStatistic activation in activations)
            {
                // A coordinator is also activated by a question about an id that was never started; that is no job.
                if (TypeName(activation.GrainType).EndsWith(CoordinatorType, StringComparison.Ordinal)
                    && activation.GrainId.Key.ToString() is string id && !_known.ContainsKey(id) && !_forgotten.ContainsKey(id)
                    && await client.GetJob(id).GetSpecAsync(cancellationToken) is not null)
                {
                    _known.TryAdd(id, true);
                }
            }

            JobView?[] views = await Task.WhenAll(_known.Keys.Select(id => ViewAsync(id, activations, cancellationToken)));
            _last = [.. views.OfType<JobView>().OrderByDescending(v => v.Status.StartedUtc).ThenBy(v => v.Status.JobId, StringComparer.Ordinal)];
            ForgetOldFinishedJobs();
            _lastAt = time.GetUtcNow();
            return _last;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>One job, or null when no job of that id was started.</summary>
    public async Task<JobView?> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        if (!_known.ContainsKey(jobId))
        {
            // The coordinator of an id never started has no spec; remembering only real jobs keeps the page clean.
            if (await client.GetJob(jobId).GetSpecAsync(cancellationToken) is null)
            {
                return null;
            }

            _known.TryAdd(jobId, true);
            _forgotten.TryRemove(jobId, out _);
        }

        DetailedGrainStatistic[] activations = await Management().GetDetailedGrainStatistics(null, null, cancellationToken);
        return await ViewAsync(jobId, activations, cancellationToken);
    }

    private async Task<JobView?> ViewAsync(string jobId, DetailedGrainStatistic[] activations, CancellationToken cancellationToken)
    {
        if (_final.TryGetValue(jobId, out JobView? final))
        {
            return final;
        }

        JobStatus status = await client.GetJob(jobId).GetStatusAsync(cancellationToken);
        if (status.StartedUtc == default && status.State == JobState.Pending)
        {
            return null;
        }

        var view = new JobView(status, Workers(status, activations), await ShardsAsync(status, cancellationToken));
        if (status.IsFinal)
        {
            _final[jobId] = view;
        }

        return view;
    }

    // Beyond the newest finishedJobs final jobs, the oldest leave the page for good (only asking for one by id brings
    // it back).
    private void ForgetOldFinishedJobs()
    {
        if (_final.Count <= finishedJobs)
        {
            return;
        }

        foreach (JobView old in _final.Values.OrderByDescending(v => v.Status.FinishedUtc ?? v.Status.StartedUtc).Skip(finishedJobs).ToArray())
        {
            _final.TryRemove(old.Status.JobId, out _);
            _known.TryRemove(old.Status.JobId, out _);
            _forgotten.TryAdd(old.Status.JobId, true);
        }

        _last = [.. _last.Where(v => _known.ContainsKey(v.Status.JobId))];
    }

    private static WorkerPlacement[] Workers(JobStatus status, DetailedGrainStatistic[] activations)
    {
        string prefix = status.WorkerGeneration == 0 ? $"{status.JobId}/workers/" : $"{status.JobId}/g{status.WorkerGeneration}/workers/";
        var workers = new List<WorkerPlacement>();
        foreach (DetailedGrainStatistic activation in activations)
        {
            if (!TypeName(activation.GrainType).EndsWith(WorkerType, StringComparison.Ordinal))
            {
                continue;
            }

            string key = activation.GrainId.Key.ToString()!;
            if (key.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(key.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                workers.Add(new WorkerPlacement(index, key, Endpoint(activation.SiloAddress)));
            }
        }

        return [.. workers.OrderBy(w => w.Index).ThenBy(w => w.Silo, StringComparer.Ordinal)];
    }

    private async Task<IReadOnlyList<ShardView>> ShardsAsync(JobStatus status, CancellationToken cancellationToken)
    {
        // Shards are configured when the first epoch starts; asking earlier would activate unconfigured ones.
        // A job that ended long before this page first saw it is shown without them rather than reactivating its shards.
        bool started = status.EpochsCompleted > 0 || status.EpochProgress > 0;
        if (!started || status.Shards == 0 || (status.IsFinal && status.FinishedUtc < time.GetUtcNow() - TimeSpan.FromMinutes(1)))
        {
            return [];
        }

        ShardStats[] stats = await Task.WhenAll(Enumerable.Range(0, status.Shards).Select(i =>
            client.GrainFactory.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(status.JobId, i, status.ShardGeneration)).GetStatsAsync().WaitAsync(cancellationToken)));
        return [.. stats.Select(s => new ShardView(s.ShardIndex, SiloEndpoint(s.Silo), s.Pushes, s.Pulls, s.BytesIn, s.BytesOut, s.MaximumStaleness, s.LatePushes, s.DuplicatePushes))];
    }

    public void Dispose() => _refresh.Dispose();

    private IManagementGrain Management() => client.GrainFactory.GetGrain<IManagementGrain>(0);

    private static string TypeName(string grainType) => grainType.Split(',', 2)[0];

    // A shard reports its silo as SiloAddress.ToString(), "S<ip>:<port>:<generation>"; the page shows ip:port as
    // it does for workers.
    private static string? SiloEndpoint(string? silo)
    {
        int last = silo?.LastIndexOf(':') ?? -1;
        return silo is not null && silo.StartsWith('S') && last > silo.IndexOf(':') ? silo[1..last] : silo;
    }

    private static string Endpoint(SiloAddress silo) => silo.Endpoint is IPEndPoint endpoint ? endpoint.ToString() : silo.ToString();
}
