using System.Net;
using System.Text.Json;
using OrleansML.Training.Tests.Client.Support;

namespace OrleansML.Training.Tests.Dashboard;

/// <summary>
/// The training page as operators start it: from the silo host (<c>OrleansML:Dashboard:Port</c>) and from
/// <c>orleansml dashboard</c> against that silo's gateway, both real processes; and the settings the host refuses.
/// </summary>
public sealed class DashboardHostTests : IDisposable
{
    private const string ShortToken = "hunter2-dash";
    private static readonly TimeSpan s_start = TimeSpan.FromSeconds(120);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_silo_host_and_the_cli_both_serve_the_page_and_its_json()
    {
        int gateway = ClosedPort.Find(), siloDashboard = ClosedPort.Find(), cliDashboard = ClosedPort.Find();
        await using ChildProcess silo = await ChildProcess.StartSiloAsync(
            ["--Orleans:Endpoints:SiloPort", Port(ClosedPort.Find()), "--Orleans:Endpoints:GatewayPort", Port(gateway), "--OrleansML:Dashboard:Port", Port(siloDashboard)],
            new Dictionary<string, string?> { ["HOME"] = _directory.Path });
        await silo.WaitForLineAsync("silo ready", s_start);
        await AssertServesAsync(siloDashboard);

        await using ChildProcess cli = ChildProcess.StartCli(["dashboard", "--gateway", Port(gateway), "--port", Port(cliDashboard)],
            new Dictionary<string, string?> { ["HOME"] = _directory.Path });
        string line = await cli.WaitForLineAsync("training dashboard for", s_start);
        Assert.Contains($"at http://127.0.0.1:{cliDashboard}/", line, StringComparison.Ordinal);
        await AssertServesAsync(cliDashboard);

        cli.Terminate();
        Assert.Equal(0, await cli.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Theory]
    [InlineData(null, "OrleansML:Dashboard:Address is 0.0.0.0, beyond loopback: the dashboard then requires a token")]
    [InlineData(ShortToken, "OrleansML:Dashboard:Token must be at least 16 characters")]
    public async Task The_silo_host_refuses_a_public_dashboard_without_a_proper_token(string? token, string message)
    {
        var environment = new Dictionary<string, string?> { ["HOME"] = _directory.Path };
        if (token is not null)
        {
            environment["OrleansML__Dashboard__Token"] = token;
        }

        await using ChildProcess silo = await ChildProcess.StartSiloAsync(
            ["--Orleans:Endpoints:SiloPort", Port(ClosedPort.Find()), "--Orleans:Endpoints:GatewayPort", Port(ClosedPort.Find()),
             "--OrleansML:Dashboard:Port", Port(ClosedPort.Find()), "--OrleansML:Dashboard:Address", "0.0.0.0"], environment);
        int code = await silo.WaitForExitAsync(s_start);

        Assert.True(code == 2, $"exit {code}: {silo.Error}");
        Assert.StartsWith("orleansml-silo: configuration error: " + message, silo.Error.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain(ShortToken, silo.Output + silo.Error, StringComparison.Ordinal);
    }

    private static async Task AssertServesAsync(int port)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        HttpResponseMessage jobs = await http.GetAsync(new Uri("api/jobs", UriKind.Relative));
        string body = await jobs.Content.ReadAsStringAsync();
        Assert.True(jobs.StatusCode == HttpStatusCode.OK, $"{jobs.StatusCode}: {body}");
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(body).RootElement.ValueKind);
        Assert.Contains("data-epoch", await http.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
