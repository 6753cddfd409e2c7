using System.CommandLine;
using OrleansML.Client;
using OrleansML.Jobs;

namespace OrleansML.Cli;

/// <summary><c>status</c>, <c>watch</c>, <c>pause</c>, <c>resume</c> and <c>cancel</c>: one job on the
/// configured cluster.</summary>
internal static class JobCommands
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        yield return Simple(context, "status", "Print a job's status and its epochs.", (job, ct) => job.GetStatusAsync(ct));
        yield return Simple(context, "pause", "Pause a job at the next epoch boundary.", (job, ct) => job.PauseAsync(ct));
        yield return Simple(context, "resume", "Resume a paused job.", (job, ct) => job.ResumeAsync(ct));
        yield return Simple(context, "cancel", "Cancel a job.", (job, ct) => job.CancelAsync(ct));

        var jobId = new Argument<string>("job") { Description = "The job id." };
        var watch = new Command("watch", "Follow a job's progress until it ends.") { jobId };
        watch.SetAction(async (parse, cancellationToken) =>
        {
            await using OrleansMLClient client = await context.ConnectAsync(parse, cancellationToken);
            JobStatus final = await context.ProgressView().FollowAsync(client.GetJob(parse.GetValue(jobId)!), cancellationToken);
            return final.State == JobState.Completed ? ExitCodes.Success : ExitCodes.JobFailed;
        });
        yield return watch;
    }

    private static Command Simple(CliContext context, string name, string description, Func<TrainingJob, CancellationToken, Task<JobStatus>> call)
    {
        var jobId = new Argument<string>("job") { Description = "The job id." };
        var command = new Command(name, description) { jobId };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using OrleansMLClient client = await context.ConnectAsync(parse, cancellationToken);
            JobStatus status = await call(client.GetJob(parse.GetValue(jobId)!), cancellationToken);
            context.ProgressView().RenderSummary(status);
            return status.State is JobState.Failed or JobState.Cancelled ? ExitCodes.JobFailed : ExitCodes.Success;
        });
        return command;
    }
}
