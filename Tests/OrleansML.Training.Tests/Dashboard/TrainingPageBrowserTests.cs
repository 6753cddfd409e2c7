using Microsoft.Playwright;
using OrleansML.Dashboard;
using OrleansML.Training.Tests.Client;

namespace OrleansML.Training.Tests.Dashboard;

/// <summary>The training page in a real browser: opened before a job starts on a two-silo cluster, it must pick the
/// job up by polling and end showing exactly the job's per-epoch metrics.</summary>
public sealed class TrainingPageBrowserTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>, IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_page_follows_a_job_live_and_its_curves_equal_the_jobs_metrics()
    {
        (string train, string test) = TestDatasets.Write(_directory.Path);
        var client = new OrleansMLClient(fixture.Cluster.Client);
        await using var server = new DashboardServer(client, new DashboardOptions { RefreshInterval = TimeSpan.FromMilliseconds(250) });
        await server.StartAsync(CancellationToken.None);

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await Chromium.LaunchAsync(playwright);
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add($"{message.Text} ({message.Location})");
            }
        };
        await page.GotoAsync(server.Address.ToString());

        // The page is open before the job exists, so everything it shows of the job arrived by polling during it.
        string jobId = JobRuns.NewJobId("dashboard");
        TrainingJob job = await client.StartTrainingAsync(TestDatasets.ValidSpec(train, test) with { JobId = jobId, Epochs = 5, Shards = 2 });
        string section = $"section.job[data-job-id='{jobId}']";
        await page.WaitForSelectorAsync(section, new PageWaitForSelectorOptions { Timeout = 60_000 });
        JobStatus final = await job.WaitForCompletionAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(final.State == JobState.Completed, $"the job ended {final.State}: {final.FailureReason}");
        await page.WaitForSelectorAsync($"{section}[data-state='Completed'][data-epochs='{final.History.Count}']", new PageWaitForSelectorOptions { Timeout = 60_000 });

        string screenshot = Path.Combine(Chromium.ResultsDirectory(), "training-page.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 1000, $"the screenshot {screenshot} is empty");

        Assert.Equal(5, final.History.Count);
        Assert.Equal(final.History.Select(e => (e.Epoch, e.TrainLoss)), await PointsAsync(page, section, "loss"));
        Assert.Equal(
            final.History.Where(e => e.TestAccuracy is not null).Select(e => (e.Epoch, e.TestAccuracy!.Value)),
            await PointsAsync(page, section, "accuracy"));
        Assert.NotEmpty(await PointsAsync(page, section, "accuracy"));
        Assert.Equal(
            final.History.Where(e => e.Seconds > 0).Select(e => e.Epoch),
            (await PointsAsync(page, section, "examples-per-second")).Select(p => p.Epoch));

        // Each shard with its silo and traffic; both silos of the cluster are the only places anything may run.
        string[] silos = [.. fixture.Cluster.Silos.Select(s => s.SiloAddress.Endpoint.ToString())];
        IReadOnlyList<string[]> shards = await RowsAsync(page, $"{section} table.shards");
        Assert.Equal(2, shards.Count);
        Assert.All(shards, row => Assert.Contains(row[1], silos));
        Assert.All(shards, row => Assert.True(long.Parse(row[2], CultureInfo.InvariantCulture) > 0, $"shard {row[0]} shows no pushes"));
        // Workers are listed while they are active; whichever are listed run on the cluster's silos.
        Assert.All(await RowsAsync(page, $"{section} table.workers"), row => Assert.Contains(row[1], silos));
        Assert.Empty(consoleErrors);
    }

    /// <summary>The (epoch, value) pairs of one chart's points, parsed from their data attributes.</summary>
    private static async Task<List<(int Epoch, double Value)>> PointsAsync(IPage page, string section, string metric)
    {
        string[][] points = await page.Locator($"{section} svg[data-metric='{metric}'] circle.point")
            .EvaluateAllAsync<string[][]>("points => points.map(p => [p.dataset.epoch, p.dataset.value])");
        return [.. points.Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))];
    }

    private static async Task<IReadOnlyList<string[]>> RowsAsync(IPage page, string table) =>
        await page.Locator($"{table} tr:not(:first-child)")
            .EvaluateAllAsync<string[][]>("rows => rows.map(r => Array.from(r.cells).map(c => c.textContent))");
}
