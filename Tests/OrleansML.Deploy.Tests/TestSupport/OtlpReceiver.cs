using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace OrleansML.Deploy.Tests.TestSupport;

/// <summary>
/// A stand-in OTLP/HTTP collector on loopback: it accepts every POST, answers 200 with an empty protobuf message (a
/// valid empty export response) and keeps the bodies by path (<c>/v1/metrics</c>, <c>/v1/traces</c>). The bodies are
/// protobuf; instrument, span and attribute names appear in them as plain UTF-8, which is what the tests look for.
/// </summary>
internal sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<byte[]>> _bodies = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public OtlpReceiver(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>Whether some body POSTed to <paramref name="path"/> contains every one of <paramref name="names"/>.</summary>
    public bool Received(string path, params string[] names) =>
        _bodies.TryGetValue(path, out ConcurrentQueue<byte[]>? bodies)
        && bodies.Any(body => names.All(name => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(name)) >= 0));

    public string Describe() => string.Join(", ", _bodies.Select(p => $"{p.Key}: {p.Value.Count} bodies"));

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener's disposal.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _bodies.GetOrAdd(context.Request.Url!.AbsolutePath, _ => new ConcurrentQueue<byte[]>()).Enqueue(body.ToArray());
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
    }
}
