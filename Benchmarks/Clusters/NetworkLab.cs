using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace OrleansML.Benchmarks.Clusters;

/// <summary>
/// Hosts for silos on this one machine: each host a Linux network namespace with one veth pair into a bridge in the
/// root namespace (where the benchmark and its client run), addresses 10.231.&lt;subnet&gt;.&lt;10 + i&gt;/24, the
/// bridge .1. Optionally each host's link is shaped with <c>tc tbf</c> in both directions (the host side for its
/// sends, the bridge side for its receives), so bandwidth is a known, measured parameter instead of loopback's.
/// Names carry this process's id: <see cref="RemoveStale"/> removes what a killed run left behind, and disposal
/// (also on process exit and Ctrl+C) removes everything this lab created. Needs root (CAP_NET_ADMIN).
/// </summary>
internal sealed class NetworkLab : IDisposable
{
    private const string Prefix = "omls";
    private readonly List<string> _namespaces = [];
    private readonly string _bridge;
    private readonly int _subnet;
    private int _disposed;

    private NetworkLab(int hosts)
    {
        int id = Environment.ProcessId;
        _bridge = $"{Prefix}{id}br";
        _subnet = 1 + (id % 250);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
        Console.CancelKeyPress += (_, _) => Dispose();
        Run("ip", $"link add {_bridge} type bridge");
        Run("ip", $"addr add 10.231.{_subnet}.1/24 dev {_bridge}");
        Run("ip", $"link set {_bridge} up");
        for (int i = 0; i < hosts; i++)
        {
            string name = $"{Prefix}{id}h{i}";
            string outer = $"{Prefix}{id}v{i}";
            string inner = $"{Prefix}{id}p{i}";
            Run("ip", $"netns add {name}");
            _namespaces.Add(name);
            Run("ip", $"link add {outer} type veth peer name {inner}");
            Run("ip", $"link set {inner} netns {name}");
            Run("ip", $"link set {outer} master {_bridge} up");
            Run("ip", $"-n {name} addr add {Address(i)}/24 dev {inner}");
            Run("ip", $"-n {name} link set {inner} up");
            Run("ip", $"-n {name} link set lo up");
        }
    }

    /// <summary>Whether this process may create namespaces (root); otherwise the benchmark falls back to loopback.</summary>
    public static bool Available => File.Exists("/proc/self/status")
        && File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal)) is { } uid
        && uid.Split('\t', StringSplitOptions.RemoveEmptyEntries) is { Length: > 2 } fields && fields[2] == "0";

    public static NetworkLab Create(int hosts)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hosts);
        RemoveStale();
        return new NetworkLab(hosts);
    }

    /// <summary>Shapes every host's link, both directions, to <paramref name="rateBitsPerSecond"/>, or removes the
    /// shaping (null).</summary>
    public void Shape(long? rateBitsPerSecond)
    {
        int id = Environment.ProcessId;
        for (int i = 0; i < _namespaces.Count; i++)
        {
            string outer = $"{Prefix}{id}v{i}";
            string inner = $"{Prefix}{id}p{i}";
            if (rateBitsPerSecond is { } rate)
            {
                Run("tc", $"qdisc replace dev {outer} root {Tbf(rate)}");
                Run("ip", $"netns exec {_namespaces[i]} tc qdisc replace dev {inner} root {Tbf(rate)}");
            }
            else
            {
                TryRun("tc", $"qdisc del dev {outer} root");
                TryRun("ip", $"netns exec {_namespaces[i]} tc qdisc del dev {inner} root");
            }
        }
    }

    public string Namespace(int index) => _namespaces[index];

    public IPAddress Address(int index) => IPAddress.Parse($"10.231.{_subnet}.{10 + index}");

    /// <summary>Removes namespaces and bridges of earlier runs whose process is gone.</summary>
    public static void RemoveStale()
    {
        foreach (string line in Output("ip", "netns list").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = line.Split(' ')[0];
            if (OwnerIsGone(name))
            {
                TryRun("ip", $"netns delete {name}");
            }
        }

        foreach (string line in Output("ip", "-o link show type bridge").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = line.Split(':', 3)[1].Trim();
            if (OwnerIsGone(name))
            {
                TryRun("ip", $"link delete {name}");
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // Deleting a namespace deletes its veth end, and with it the pair's other end on the bridge.
        foreach (string name in _namespaces)
        {
            TryRun("ip", $"netns delete {name}");
        }

        TryRun("ip", $"link delete {_bridge}");
    }

    /// <summary>tbf with a bucket of 5 KB (three full frames), as a wire has no burst allowance: a step's message
    /// (16 KB for the softmax on two shards) is paced at the rate instead of leaving at once from a bucket that
    /// refilled between steps. tbf segments larger (GSO) packets to fit.</summary>
    private static string Tbf(long rate) => string.Create(CultureInfo.InvariantCulture, $"tbf rate {rate}bit burst 5120 latency 200ms");

    private static bool OwnerIsGone(string name)
    {
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        string digits = new([.. name[Prefix.Length..].TakeWhile(char.IsAsciiDigit)]);
        return int.TryParse(digits, CultureInfo.InvariantCulture, out int pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}");
    }

    private static void Run(string tool, string arguments)
    {
        (int code, string output) = Execute(tool, arguments);
        if (code != 0)
        {
            throw new InvalidOperationException($"'{tool} {arguments}' failed with exit code {code}: {output.Trim()}");
        }
    }

    private static void TryRun(string tool, string arguments) => Execute(tool, arguments);

    private static string Output(string tool, string arguments) => Execute(tool, arguments).Output;

    private static (int Code, string Output) Execute(string tool, string arguments)
    {
        var info = new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {tool}.");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
