using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace OrleansML.Deploy.Tests.Dashboard;

/// <summary>
/// The Orleans Dashboard served by a real <c>OrleansML.Silo</c> process (<c>OrleansML:OrleansDashboard</c>): on
/// loopback it answers with the silo's own data; beyond loopback it requires its token (401 without, 200 with) and
/// the host refuses to start without one. A silo host with every listener turned on and no address configured
/// listens on loopback only.
/// </summary>
public sealed class OrleansDashboardTests
{
    private const string Token = "orleans-dashboard-test-token-5f1c";

    [Fact]
    public async Task A_default_host_listens_on_loopback_only_and_its_dashboard_shows_the_silo()
    {
        int[] ports = FreePorts.Take(6);
        Dictionary<string, string> environment = Standalone("loopback-silo", ports[0], ports[1]);
        environment["OrleansML__Health__Port"] = Text(ports[2]);
        environment["OrleansML__Telemetry__PrometheusPort"] = Text(ports[3]);
        environment["OrleansML__Dashboard__Port"] = Text(ports[4]);
        environment["OrleansML__OrleansDashboard__Port"] = Text(ports[5]);
        await using SiloProcess silo = await StartAsync("loopback-silo", ports, environment);

        List<IPEndPoint> listening = ListeningSockets.Of(silo.ProcessId);
        foreach (int port in ports)
        {
            Assert.True(listening.Any(e => e.Port == port), $"nothing listens on port {port}; the silo listens on {string.Join(", ", listening)}");
        }

        Assert.All(listening, endpoint => Assert.True(ListeningSockets.IsLoopbackOnly(endpoint), $"the silo listens beyond loopback on {endpoint}"));

        using HttpClient http = Http(ports[5]);
        using HttpResponseMessage page = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        // The package's API reports this silo, by name and address, as Active in the cluster's membership.
        JsonElement host = await WaitForHostAsync(http, "loopback-silo", silo);
        string address = host.GetProperty("siloAddress").GetString()!;
        Assert.StartsWith($"127.0.0.1:{ports[0]}@", address, StringComparison.Ordinal);
        Assert.Equal(ports[1], host.GetProperty("proxyPort").GetInt32());
        using HttpResponseMessage stats = await http.GetAsync($"/HistoricalStats/{Uri.EscapeDataString(address)}");
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        using JsonDocument history = JsonDocument.Parse(await stats.Content.ReadAsStringAsync());
        Assert.Contains(history.RootElement.EnumerateArray(), s => s.ValueKind == JsonValueKind.Object && s.GetProperty("activationCount").GetInt32() > 0);
        Assert.False(silo.HasExited, silo.Tail());
    }

    [Fact]
    public async Task Beyond_loopback_every_request_must_present_the_token()
    {
        int[] ports = FreePorts.Take(3);
        Dictionary<string, string> environment = Standalone("token-silo", ports[0], ports[1]);
        environment["OrleansML__OrleansDashboard__Port"] = Text(ports[2]);
        environment["OrleansML__OrleansDashboard__Address"] = "0.0.0.0";
        environment["OrleansML__OrleansDashboard__Token"] = Token;
        await using SiloProcess silo = await StartAsync("token-silo", ports, environment);
        using HttpClient http = Http(ports[2]);

        foreach (string path in new[] { "/", "/DashboardCounters", "/index.min.js", "/Trace" })
        {
            using HttpResponseMessage refused = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
            Assert.DoesNotContain(Token, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/DashboardCounters"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        }

        // With the token the API answers, and (once its grain has gathered, every second) lists this silo.
        using (HttpClient bearer = Http(ports[2]))
        {
            bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            await WaitForHostAsync(bearer, "token-silo", silo);
        }

        // A browser is given the address with the token once; the page's own requests then carry the cookie.
        using HttpResponseMessage opened = await http.GetAsync($"/?token={Token}");
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        string cookie = opened.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        using (var script = new HttpRequestMessage(HttpMethod.Get, "/index.min.js"))
        {
            script.Headers.Add("Cookie", cookie.Split(';')[0]);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(script)).StatusCode);
        }

        Assert.False(silo.HasExited, silo.Tail());
        Assert.DoesNotContain(Token, await File.ReadAllTextAsync(silo.LogPath), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--OrleansML:OrleansDashboard:Address", "0.0.0.0", "OrleansML:OrleansDashboard:Address is 0.0.0.0, beyond loopback: the Orleans Dashboard then requires a token (OrleansML:OrleansDashboard:Token")]
    [InlineData("--OrleansML:OrleansDashboard:Token", "short", "OrleansML:OrleansDashboard:Token must be at least 16 characters")]
    [InlineData("--OrleansML:OrleansDashboard:Port", "web", "OrleansML:OrleansDashboard:Port must be a port in 0..65535")]
    [InlineData("--OrleansML:OrleansDashboard:Adress", "127.0.0.1", "OrleansML:OrleansDashboard:Adress is not an Orleans Dashboard setting")]
    [InlineData("--OrleansML:OrleansDashboard:Port", "30000", "OrleansML:OrleansDashboard:Port is 30000, which Orleans:Endpoints:GatewayPort already uses")]
    public async Task Invalid_settings_are_refused_naming_the_key(string key, string value, string message)
    {
        string[] arguments = key.EndsWith(":Port", StringComparison.Ordinal)
            ? [key, value]
            : ["--OrleansML:OrleansDashboard:Port", "18088", key, value];
        await SiloRun.AssertRefusedAsync(message, arguments);
    }

    /// <summary>The silo host as shipped, one silo on its own: only its name, ports and data directory set.</summary>
    private static Dictionary<string, string> Standalone(string name, int siloPort, int gatewayPort) => new(StringComparer.Ordinal)
    {
        ["Orleans__Name"] = name,
        ["Orleans__Endpoints__SiloPort"] = Text(siloPort),
        ["Orleans__Endpoints__GatewayPort"] = Text(gatewayPort),
        ["OrleansML__DataDirectory"] = Directory.CreateTempSubdirectory("orleansml-deploy-dashboard-data-").FullName,
    };

    private static Task<SiloProcess> StartAsync(string name, int[] ports, Dictionary<string, string> environment) =>
        SiloProcess.StartAsync(name, ports[0], ports[1], environment, Directory.CreateTempSubdirectory("orleansml-deploy-dashboard-").FullName, TimeSpan.FromSeconds(90));

    private static HttpClient Http(int port) =>
        new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Polls <c>/DashboardCounters</c> until the dashboard grain has collected the silo (it gathers every
    /// second) and returns its host entry.</summary>
    private static async Task<JsonElement> WaitForHostAsync(HttpClient http, string name, SiloProcess silo)
    {
        string last = "(no answer)";
        for (int attempt = 0; attempt < 240; attempt++)
        {
            using HttpResponseMessage response = await http.GetAsync("/DashboardCounters");
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using JsonDocument counters = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                foreach (JsonElement host in counters.RootElement.GetProperty("hosts").EnumerateArray())
                {
                    if (host.GetProperty("siloName").GetString() == name && host.GetProperty("status").GetString() == "Active")
                    {
                        return host.Clone();
                    }
                }
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"the Orleans Dashboard never listed silo {name} as Active; last answer: {last}{Environment.NewLine}{silo.Tail()}");
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
