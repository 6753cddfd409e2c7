using OrleansML.Cli;
using Spectre.Console;

namespace OrleansML.Training.Tests.Dashboard;

public sealed class LossSparklineTests
{
    [Fact]
    public void A_falling_loss_runs_from_the_top_block_to_the_bottom_one()
    {
        string? line = LossSparkline.Render(History(0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0));

        Assert.Equal("loss 0.7000 █▇▆▅▄▃▂▁ 0.0000 (epochs 1-8, min 0.0000)", line);
    }

    [Fact]
    public void Each_block_is_scaled_between_the_lowest_and_highest_loss()
    {
        (string blocks, double low) = LossSparkline.Curve(History(2.0, 1.0, 1.5, 1.0))!.Value;

        // 1.5 is halfway: (1.5 - 1) / (2 - 1) * 7 = 3.5, rounded to even: block 4.
        Assert.Equal("█▁▅▁", blocks);
        Assert.Equal(1.0, low);
    }

    [Fact]
    public void A_diverged_epoch_is_marked_and_a_flat_curve_sits_in_the_middle()
    {
        Assert.Equal("▁!█", LossSparkline.Curve(History(0.5, double.NaN, 0.9))!.Value.Blocks);
        Assert.Equal("▅▅▅", LossSparkline.Curve(History(0.3, 0.3, 0.3))!.Value.Blocks);
    }

    [Fact]
    public void More_epochs_than_the_width_are_averaged_per_character()
    {
        // 8 epochs in 4 characters: the means of (4, 4), (3, 3), (2, 2) and (1, 1); 3 is at 2/3 of the range, block
        // round(2/3 * 7) = 5, and 2 at 1/3, block 2.
        Assert.Equal("█▆▃▁", LossSparkline.Curve(History(4, 4, 3, 3, 2, 2, 1, 1), width: 4)!.Value.Blocks);
    }

    [Fact]
    public void One_epoch_is_not_a_curve()
    {
        Assert.Null(LossSparkline.Render(History(0.5)));
    }

    [Fact]
    public void The_watch_summary_draws_the_curve_under_the_table()
    {
        var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(output) });
        var status = new JobStatus { JobId = "j", State = JobState.Completed, EpochsCompleted = 3, EpochsPlanned = 3, History = History(0.9, 0.5, 0.1) };

        new JobProgressView(console, output, interactive: false).RenderSummary(status);

        string[] lines = output.ToString().Split('\n');
        Assert.Contains("loss 0.9000 █▅▁ 0.1000 (epochs 1-3, min 0.1000)", lines.Select(l => l.TrimEnd()));
    }

    private static EpochMetrics[] History(params double[] losses) =>
        [.. losses.Select((loss, i) => new EpochMetrics { Epoch = i + 1, TrainLoss = loss, Seconds = 1, Examples = 100, Workers = 1 })];
}
