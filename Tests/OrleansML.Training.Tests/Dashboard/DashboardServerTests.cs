using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OrleansML.Dashboard;
using OrleansML.Training.Tests.Client;

namespace OrleansML.Training.Tests.Dashboard;

/// <summary>The training page's HTTP surface: the token rule and the JSON it polls.</summary>
public sealed class DashboardServerTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>, IDisposable
{
    private const string Token = "s3cret-dashboard-token-0123456789";
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task With_a_token_every_request_must_present_it_as_a_bearer_header_or_query()
    {
        await using var server = new DashboardServer(new OrleansMLClient(fixture.Cluster.Client), new DashboardOptions { Token = Token });
        await server.StartAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = server.Address };

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
        HttpResponseMessage anonymous = await http.GetAsync(new Uri("/api/jobs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/jobs"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        }

        using (var right = new HttpRequestMessage(HttpMethod.Get, "/api/jobs"))
        {
            right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            HttpResponseMessage response = await http.SendAsync(right);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.ValueKind);
        }

        HttpResponseMessage page = await http.GetAsync(new Uri($"/?token={Token}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("data-epoch", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script src", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task Jobs_are_served_by_id_with_their_history_the_oldest_finished_leave_the_list_and_an_unknown_id_is_404()
    {
        (string train, string test) = TestDatasets.Write(_directory.Path);
        var client = new OrleansMLClient(fixture.Cluster.Client);
        string older = JobRuns.NewJobId("dashboard-older"), newer = JobRuns.NewJobId("dashboard-newer");
        OrleansML.Jobs.JobStatus first = await (await client.StartTrainingAsync(TestDatasets.ValidSpec(train, test) with { JobId = older })).WaitForCompletionAsync().WaitAsync(TimeSpan.FromMinutes(3));
        OrleansML.Jobs.JobStatus second = await (await client.StartTrainingAsync(TestDatasets.ValidSpec(train, test) with { JobId = newer })).WaitForCompletionAsync().WaitAsync(TimeSpan.FromMinutes(3));
        await using var server = new DashboardServer(client, new DashboardOptions { FinishedJobs = 1 });
        await server.StartAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = server.Address };

        using JsonDocument all = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/jobs", UriKind.Relative)));
        string?[] listed = [.. all.RootElement.EnumerateArray().Select(j => j.GetProperty("status").GetProperty("jobId").GetString())];
        Assert.Contains(newer, listed);
        Assert.DoesNotContain(older, listed);

        foreach ((string id, OrleansML.Jobs.JobStatus final) in new[] { (older, first), (newer, second) })
        {
            using JsonDocument view = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/jobs/{id}", UriKind.Relative)));
            JsonElement status = view.RootElement.GetProperty("status");
            Assert.Equal("Completed", status.GetProperty("state").GetString());
            Assert.Equal(final.History.Select(e => e.TrainLoss), status.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("trainLoss").GetDouble()));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/api/jobs/no-such-job", UriKind.Relative))).StatusCode);
    }
}
