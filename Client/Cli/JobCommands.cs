namespace OrleansML.Cli;

/// <summary><c>status</c>, <c>watch</c>, <c>pause</c>, <c>resume</c> and <c>cancel</c>: one job on the
/// configured cluster.</summary>
internal static class JobCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        yield return Simple(context, "status", "Print a job's status and its epochs (exit 1 when it failed or was cancelled).", (job, ct) => job.GetStatusAsync(ct), NotFailed);
        yield return Simple(context, "pause", "Pause a job at the next epoch boundary.", (job, ct) => job.PauseAsync(ct), NotFailed);
        yield return Simple(context, "resume", "Resume a paused job.", (job, ct) => job.ResumeAsync(ct), NotFailed);

        // Cancelling succeeds when the job ends Cancelled; one that had already completed or failed exits 1.
        yield return Simple(context, "cancel", "Cancel a job.", (job, ct) => job.CancelAsync(ct), status => status.State == JobState.Cancelled);

        var jobId = new Argument<string>("job") { Description = "The job id." };
        var watch = new Command("watch", "Follow a job's progress until it ends.") { jobId };
        watch.SetAction(async (parse, cancellationToken) =>
        {
            await using ClusterSession session = await context.ConnectAsync(parse, cancellationToken);
            TrainingJob job = await ExistingJobAsync(session.Client, parse.GetValue(jobId)!, cancellationToken);
            JobStatus final = await context.ProgressView().FollowAsync(job, cancellationToken);
            return final.State == JobState.Completed ? ExitCodes.Success : ExitCodes.JobFailed;
        });
        yield return watch;
    }

    /// <summary>The job, once its coordinator confirms it was started: an unknown id is bad usage (exit 2), and
    /// watching one would otherwise wait forever on a job that never runs.</summary>
    private static async Task<TrainingJob> ExistingJobAsync(OrleansMLClient client, string jobId, CancellationToken cancellationToken)
    {
        TrainingJob job = client.GetJob(jobId);
        return await job.GetSpecAsync(cancellationToken) is null
            ? throw new CliException(ExitCodes.BadUsage, $"no job '{jobId}' was started on this cluster.")
            : job;
    }

    private static bool NotFailed(JobStatus status) => status.State is not (JobState.Failed or JobState.Cancelled);

    private static Command Simple(CliContext context, string name, string description, Func<TrainingJob, CancellationToken, Task<JobStatus>> call, Func<JobStatus, bool> succeeded)
    {
        var jobId = new Argument<string>("job") { Description = "The job id." };
        var command = new Command(name, description) { jobId };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using ClusterSession session = await context.ConnectAsync(parse, cancellationToken);
            JobStatus status = await call(await ExistingJobAsync(session.Client, parse.GetValue(jobId)!, cancellationToken), cancellationToken);
            context.ProgressView().RenderSummary(status);
            return succeeded(status) ? ExitCodes.Success : ExitCodes.JobFailed;
        });
        return command;
    }
}
