using System.Diagnostics;
using System.Net;

namespace OrleansML.Deploy.Tests.TestSupport;

/// <summary>GETs a silo's health paths as a prober would.</summary>
internal static class HealthProbe
{
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<(HttpStatusCode Status, string Body)> GetAsync(int port, string path, string? host = null, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri($"http://127.0.0.1:{port}{path}"));
        if (host is not null)
        {
            request.Headers.Host = host; // as a prober that knows the silo by a name, or a Kubernetes kubelet by pod IP
        }

        using HttpResponseMessage response = await s_http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls <paramref name="path"/> until it answers <paramref name="expected"/>; returns that answer's body.</summary>
    public static async Task<string> WaitForAsync(int port, string path, HttpStatusCode expected, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        string last = "(no answer)";
        while (clock.Elapsed < limit)
        {
            try
            {
                (HttpStatusCode status, string body) = await GetAsync(port, path);
                if (status == expected)
                {
                    return body;
                }

                last = $"{(int)status} {body}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{path} on port {port} did not answer {(int)expected} within {limit.TotalSeconds:F0} s; last answer: {last}");
    }
}
