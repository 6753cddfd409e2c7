using System.Diagnostics;

namespace OrleansML.Deploy.Tests.TestSupport;

/// <summary>
/// What systemd would execute for one instance of a unit: the <c>ExecStart</c> arguments, the environment
/// (<c>Environment=</c>, then every <c>EnvironmentFile=</c> in order, which override it, as systemd.exec(5) says), the
/// working directory and the state directory, after the install paths are mapped into the test's directories.
/// </summary>
internal sealed record UnitLaunch(IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment, string WorkingDirectory, string? StateDirectory)
{
    /// <param name="unit">The unit file.</param>
    /// <param name="instance">The instance name (<c>%i</c>).</param>
    /// <param name="paths">Install paths of the unit (e.g. <c>/etc/orleansml</c>) and where they are in this test.</param>
    public static UnitLaunch For(SystemdUnit unit, string instance, IReadOnlyDictionary<string, string> paths)
    {
        string host = System.Net.Dns.GetHostName();
        string Resolve(string value)
        {
            string expanded = SystemdUnit.ExpandSpecifiers(value, instance, host);
            foreach ((string from, string to) in paths)
            {
                expanded = expanded.Replace(from, to, StringComparison.Ordinal);
            }

            return expanded;
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string assignments in unit.Values("Service", "Environment"))
        {
            foreach (string assignment in SystemdUnit.SplitWords(Resolve(assignments)))
            {
                int equals = assignment.IndexOf('=', StringComparison.Ordinal);
                environment[assignment[..equals]] = assignment[(equals + 1)..];
            }
        }

        foreach (string file in unit.Values("Service", "EnvironmentFile"))
        {
            bool optional = file.StartsWith('-');
            string path = Resolve(file.TrimStart('-'));
            if (!File.Exists(path))
            {
                if (optional)
                {
                    continue;
                }

                throw new FileNotFoundException($"{unit.Path}: EnvironmentFile {file} maps to {path}, which does not exist.", path);
            }

            foreach ((string key, string value) in EnvironmentFile.Load(path).Entries)
            {
                environment[key] = value;
            }
        }

        string execStart = unit.Value("Service", "ExecStart") ?? throw new InvalidOperationException($"{unit.Path} has no ExecStart.");
        List<string> arguments = SystemdUnit.CommandLine(Resolve(execStart), environment);
        string workingDirectory = Resolve(unit.Value("Service", "WorkingDirectory") ?? "/");
        string? state = unit.Value("Service", "StateDirectory") is string stateDirectory ? Resolve("/var/lib/" + stateDirectory) : null;
        return new UnitLaunch(arguments, environment, workingDirectory, state);
    }

    /// <summary>Starts the process with only the unit's environment (plus what systemd itself sets: PATH, HOME,
    /// LANG) and waits for a stdout line starting with <paramref name="readyPrefix"/>.</summary>
    public Task<LoggedProcess> StartAsync(string name, string logDirectory, string readyPrefix, TimeSpan readyTimeout)
    {
        var start = new ProcessStartInfo(Arguments[0]) { WorkingDirectory = WorkingDirectory };
        foreach (string argument in Arguments.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        start.Environment["LANG"] = "C.UTF-8";
        start.Environment["HOME"] = StateDirectory ?? Path.GetTempPath();
        foreach ((string key, string value) in Environment)
        {
            start.Environment[key] = value;
        }

        if (StateDirectory is not null)
        {
            Directory.CreateDirectory(StateDirectory);
        }

        return LoggedProcess.StartAsync(name, start, logDirectory, readyPrefix, readyTimeout);
    }
}
