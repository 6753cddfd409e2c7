using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrleansML.Benchmarks.Peers;

/// <summary>Runs a peer's own program and gives back what it printed; a peer that fails or overruns is an error
/// with its stderr, never a silent gap in the table.</summary>
internal static class PeerProcess
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} ran longer than {Timeout.TotalMinutes} minutes");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}: {(await error).Trim()}");
        }

        return await output;
    }

    public static string? Probe(string file, params string[] arguments)
    {
        if (!File.Exists(file))
        {
            return $"{file} not found";
        }

        try
        {
            RunAsync(file, arguments, CancellationToken.None).GetAwaiter().GetResult();
            return null;
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            return exception.Message.Split('\n')[^1].Trim();
        }
    }
}

/// <summary>PyTorch or scikit-learn through <c>peers.py</c>, with Debian's <c>/usr/bin/python3</c>
/// (install with <c>Benchmarks/Peers/install-peers.sh</c>).</summary>
internal sealed class PythonPeer(string tool, string module) : IPeer
{
    private const string Python = "/usr/bin/python3";
    private readonly string _tool = tool;
    private readonly Lazy<string?> _unavailable = new(() => PeerProcess.Probe(Python, "-c", $"import {module}") is { } reason
        ? $"not installed ({reason}); run Benchmarks/Peers/install-peers.sh" : null);

    public string Name { get; private set; } = tool;

    public string? Unavailable => _unavailable.Value;

    /// <summary>What the peer reported about itself (sklearn: the BLAS it used).</summary>
    public string? Details { get; private set; }

    public async Task<PeerRun> RunAsync(PeerTask task, PeerData data, CancellationToken cancellationToken)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "Peers", "peers.py");
        string output = await PeerProcess.RunAsync(Python, [script, _tool, task.Label(), data.Directory, OrleansMLSettings.Epochs.ToString(CultureInfo.InvariantCulture), "7"], cancellationToken);
        using JsonDocument report = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
        JsonElement root = report.RootElement;
        Name = root.GetProperty("peer").GetString() ?? _tool;
        if (root.TryGetProperty("blas", out JsonElement blas))
        {
            Details = $"{Name} BLAS: {blas.GetString()}";
        }

        CurvePoint[] curve = [.. root.GetProperty("epochs").EnumerateArray().Select(e =>
            new CurvePoint(e.GetProperty("epoch").GetInt32(), e.GetProperty("seconds").GetDouble(), e.GetProperty("accuracy").GetDouble()))];
        bool freshFits = root.GetProperty("epochs").EnumerateArray().Any(e => e.TryGetProperty("fresh_fit", out _));
        return new PeerRun(Name, task, curve, freshFits ? "each point a fresh lbfgs fit (25/50/100/200 iterations)" : null);
    }
}

/// <summary>liblinear's <c>-s 0</c> (L2-regularised logistic regression, primal, one-vs-rest) from the Debian
/// package liblinear-tools: one fit with its defaults, timed as a whole process (it reads its LIBSVM input inside).</summary>
internal sealed partial class LiblinearPeer : IPeer
{
    private const string Train = "/usr/bin/liblinear-train";
    private const string Predict = "/usr/bin/liblinear-predict";

    public string Name => "liblinear-s0";

    public string? Unavailable => File.Exists(Train) && File.Exists(Predict) ? null : "not installed (liblinear-tools); run Benchmarks/Peers/install-peers.sh";

    public bool Supports(PeerTask task) => task == PeerTask.Softmax;

    public async Task<PeerRun> RunAsync(PeerTask task, PeerData data, CancellationToken cancellationToken)
    {
        (string train, string test) = data.LibSvmFiles();
        string model = Path.Combine(data.Directory, "liblinear.model");
        long started = Stopwatch.GetTimestamp();
        await PeerProcess.RunAsync(Train, ["-s", "0", "-q", train, model], cancellationToken);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        string printed = await PeerProcess.RunAsync(Predict, [test, model, Path.Combine(data.Directory, "liblinear.predictions")], cancellationToken);
        Match accuracy = AccuracyLine().Match(printed);
        if (!accuracy.Success)
        {
            throw new InvalidOperationException($"liblinear-predict printed no accuracy: {printed.Trim()}");
        }

        double value = double.Parse(accuracy.Groups[1].Value, CultureInfo.InvariantCulture) / 100;
        return new PeerRun(Name, task, [new CurvePoint(1, seconds, value)], "one fit, defaults");
    }

    [GeneratedRegex(@"Accuracy = ([0-9.]+)%")]
    private static partial Regex AccuracyLine();
}
