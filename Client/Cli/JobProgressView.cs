using Spectre.Console;

namespace OrleansML.Cli;

/// <summary>
/// Shows a job's progress: on a terminal a live Spectre progress bar over the epochs (loss and accuracy in
/// its description, with the loss curve so far); otherwise one plain line per finished epoch. Either way it ends with
/// a table of the epochs' metrics and the loss curve (<see cref="LossSparkline"/>), and returns the final status.
/// </summary>
internal sealed class JobProgressView(IAnsiConsole console, TextWriter output, bool interactive)
{
    public async Task<JobStatus> FollowAsync(TrainingJob job, CancellationToken cancellationToken)
    {
        JobStatus last = interactive
            ? await FollowLiveAsync(job, cancellationToken)
            : await FollowPlainAsync(job, cancellationToken);
        RenderSummary(last);
        return last;
    }

    public void RenderSummary(JobStatus status)
    {
        var table = new Table().Border(interactive ? TableBorder.Rounded : TableBorder.Ascii)
            .AddColumn("epoch").AddColumn("train loss").AddColumn("test accuracy").AddColumn("test log-loss").AddColumn("seconds").AddColumn("workers");
        foreach (EpochMetrics epoch in status.History)
        {
            table.AddRow(
                epoch.Epoch.ToString(CultureInfo.InvariantCulture),
                epoch.TrainLoss.ToString("F4", CultureInfo.InvariantCulture),
                Optional(epoch.TestAccuracy ?? epoch.TestAuc ?? epoch.TestRmse),
                Optional(epoch.TestLogLoss),
                epoch.Seconds.ToString("F1", CultureInfo.InvariantCulture),
                epoch.Workers.ToString(CultureInfo.InvariantCulture));
        }

        if (status.History.Count > 0)
        {
            console.Write(table);
        }

        if (LossSparkline.Render(status.History) is string curve)
        {
            output.WriteLine(curve);
        }

        output.WriteLine(Describe(status));
    }

    /// <summary>One line: the job's state, epochs, model and failure reason.</summary>
    public static string Describe(JobStatus status)
    {
        string model = status.ModelName is null ? "" : $" model={status.ModelName}:{status.ModelVersion}";
        string reason = status.FailureReason is null ? "" : $" reason=\"{status.FailureReason}\"";
        reason += status.StopReason is null ? "" : $" stopped=\"{status.StopReason}\"";
        // Shown once an elastic rebalance happened: which generation of workers and shards now serves the job.
        string generations = status.WorkerGeneration == 0 && status.ShardGeneration == 0
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $" worker_generation={status.WorkerGeneration} shard_generation={status.ShardGeneration}");
        return string.Create(CultureInfo.InvariantCulture,
            $"job {status.JobId} {status.State.ToString().ToLowerInvariant()} epochs={status.EpochsCompleted}/{status.EpochsPlanned} workers={status.Workers} shards={status.Shards}{generations} retries={status.Retries}{model}{reason}");
    }

    public static string EpochLine(EpochMetrics epoch, int planned)
    {
        string accuracy = epoch.TestAccuracy is double a ? string.Create(CultureInfo.InvariantCulture, $" test_accuracy={a:F4}") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch.Epoch}/{planned} train_loss={epoch.TrainLoss:F4}{accuracy} seconds={epoch.Seconds:F1}");
    }

    private async Task<JobStatus> FollowPlainAsync(TrainingJob job, CancellationToken cancellationToken)
    {
        JobStatus? last = null;
        int printed = 0;
        await foreach (JobStatus status in job.WatchAsync(cancellationToken))
        {
            for (; printed < status.History.Count; printed++)
            {
                output.WriteLine(EpochLine(status.History[printed], status.EpochsPlanned));
            }

            if (last is null || last.State != status.State)
            {
                output.WriteLine($"job {status.JobId} {status.State.ToString().ToLowerInvariant()}{(status.FailureReason is null ? "" : ": " + status.FailureReason)}{(status.IsFinal && status.StopReason is not null ? ": " + status.StopReason : "")}");
            }

            last = status;
        }

        return last ?? await job.GetStatusAsync(cancellationToken);
    }

    private async Task<JobStatus> FollowLiveAsync(TrainingJob job, CancellationToken cancellationToken)
    {
        JobStatus? last = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask bar = context.AddTask($"job {job.JobId}", maxValue: 1);
                await foreach (JobStatus status in job.WatchAsync(cancellationToken))
                {
                    bar.MaxValue = Math.Max(1, status.EpochsPlanned);
                    bar.Value = status.EpochsCompleted;
                    EpochMetrics? epoch = status.History.Count > 0 ? status.History[^1] : null;
                    string metrics = epoch is null ? "" : string.Create(CultureInfo.InvariantCulture, $" loss {epoch.TrainLoss:F4}{(epoch.TestAccuracy is double a ? $" acc {a:F4}" : "")}");
                    // The loss curve so far, live, beside the bar (the full curve follows the table at the end).
                    metrics += LossSparkline.Curve(status.History, width: 24) is (string curve, _) ? " " + curve : "";
                    bar.Description = Markup.Escape($"epoch {status.EpochsCompleted}/{status.EpochsPlanned} {status.State.ToString().ToLowerInvariant()}{metrics}");
                    last = status;
                }

                bar.StopTask();
            });
        return last ?? await job.GetStatusAsync(cancellationToken);
    }

    private static string Optional(double? value) => value is double v ? v.ToString("F4", CultureInfo.InvariantCulture) : "-";
}
