namespace OrleansML.Deploy.Tests.TestSupport;

/// <summary>
/// A file systemd's <c>EnvironmentFile=</c> reads: <c>KEY=VALUE</c> lines, <c>#</c> and <c>;</c> comments, values
/// optionally in single or double quotes; a later assignment of a key wins. Ordered, so a file written back keeps
/// the shipped file's layout of keys.
/// </summary>
internal sealed class EnvironmentFile
{
    private readonly List<KeyValuePair<string, string>> _entries;

    private EnvironmentFile(string path, List<KeyValuePair<string, string>> entries)
    {
        Path = path;
        _entries = entries;
    }

    public string Path { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Entries => _entries;

    public IEnumerable<string> Keys => _entries.Select(e => e.Key).Distinct(StringComparer.Ordinal);

    public static EnvironmentFile Load(string path)
    {
        var entries = new List<KeyValuePair<string, string>>();
        int lineNumber = 0;
        foreach (string raw in File.ReadAllLines(path))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"{path}:{lineNumber}: '{line}' is not KEY=VALUE.");
            }

            string key = line[..equals].Trim();
            string value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            entries.Add(new(key, value));
        }

        return new EnvironmentFile(path, entries);
    }

    /// <summary>The value systemd would use (the last assignment), or null.</summary>
    public string? this[string key] => _entries.LastOrDefault(e => e.Key == key).Value;

    /// <summary>
    /// A copy with the site-specific values replaced. Every replaced key must be one the shipped file sets: a test
    /// may fill in addresses and secrets, never add settings the operator would not have.
    /// </summary>
    public EnvironmentFile With(IReadOnlyDictionary<string, string> replacements, string newPath)
    {
        string[] unknown = [.. replacements.Keys.Where(k => !Keys.Contains(k))];
        if (unknown.Length > 0)
        {
            throw new InvalidOperationException($"{Path} does not set {string.Join(", ", unknown)}: the shipped file must name every key an operator fills in.");
        }

        var entries = _entries.Select(e => replacements.TryGetValue(e.Key, out string? value) ? new KeyValuePair<string, string>(e.Key, value) : e).ToList();
        File.WriteAllLines(newPath, entries.Select(e => $"{e.Key}={e.Value}"));
        return new EnvironmentFile(newPath, entries);
    }
}
