using System.Text;

namespace OrleansML.Deploy.Tests.TestSupport;

/// <summary>
/// A systemd unit file read as systemd reads it (systemd.syntax(7), systemd.exec(5), systemd.service(5)): sections,
/// <c>#</c>/<c>;</c> comments, backslash continuations, repeated keys kept in order; specifiers (<c>%i</c>,
/// <c>%H</c>, <c>%%</c>) expanded for one instance; <c>Environment=</c> assignments split with their quotes;
/// <c>ExecStart=</c> split into arguments with <c>$VAR</c>/<c>${VAR}</c> taken from the environment.
/// </summary>
internal sealed class SystemdUnit
{
    private readonly List<(string Section, string Key, string Value)> _entries;

    private SystemdUnit(string path, List<(string, string, string)> entries)
    {
        Path = path;
        _entries = entries;
    }

    public string Path { get; }

    public static SystemdUnit Load(string path)
    {
        var entries = new List<(string, string, string)>();
        string section = "";
        var logical = new StringBuilder();
        int lineNumber = 0;
        foreach (string raw in File.ReadAllLines(path))
        {
            lineNumber++;
            string line = raw.Trim();
            if (logical.Length == 0 && (line.Length == 0 || line[0] is '#' or ';'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                logical.Append(line[..^1]).Append(' ');
                continue;
            }

            logical.Append(line);
            string text = logical.ToString();
            logical.Clear();
            if (text.StartsWith('[') && text.EndsWith(']'))
            {
                section = text[1..^1];
                continue;
            }

            int equals = text.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"{path}:{lineNumber}: '{text}' is neither a [Section] nor Key=Value.");
            }

            entries.Add((section, text[..equals].Trim(), text[(equals + 1)..].Trim()));
        }

        return new SystemdUnit(path, entries);
    }

    /// <summary>Every value of <paramref name="key"/> in <paramref name="section"/>, in file order.</summary>
    public IReadOnlyList<string> Values(string section, string key) =>
        [.. _entries.Where(e => e.Section == section && e.Key == key).Select(e => e.Value)];

    /// <summary>The last value of a key (systemd's rule for single-valued settings), or null.</summary>
    public string? Value(string section, string key) => Values(section, key) is [.., string last] ? last : null;

    /// <summary>Expands the specifiers systemd expands in unit settings, for one instance on one host.</summary>
    public static string ExpandSpecifiers(string value, string instance, string host)
    {
        var result = new StringBuilder();
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] != '%')
            {
                result.Append(value[i]);
                continue;
            }

            if (++i == value.Length)
            {
                throw new FormatException($"'{value}' ends with a lone %.");
            }

            result.Append(value[i] switch
            {
                '%' => "%",
                'i' or 'I' => instance,
                'H' or 'l' => host,
                char other => throw new FormatException($"'{value}' uses the specifier %{other}, which this test does not expand."),
            });
        }

        return result.ToString();
    }

    /// <summary>Splits a command line or an <c>Environment=</c> value into words, honouring quotes and backslash escapes.</summary>
    public static List<string> SplitWords(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"' && i + 1 < text.Length)
                {
                    word.Append(text[++i]);
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                inWord = true;
                if (c is '"' or '\'')
                {
                    quote = c;
                }
                else if (c == '\\' && i + 1 < text.Length)
                {
                    word.Append(text[++i]);
                }
                else
                {
                    word.Append(c);
                }
            }
        }

        if (quote != '\0')
        {
            throw new FormatException($"unterminated quote in '{text}'.");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>
    /// <c>ExecStart</c>'s arguments: the prefixes <c>-@:+!</c> removed, <c>${VAR}</c> replaced by its value and a
    /// whole-word <c>$VAR</c> by its value split into words, as systemd does.
    /// </summary>
    public static List<string> CommandLine(string execStart, IReadOnlyDictionary<string, string> environment)
    {
        string command = execStart.TrimStart('-', '@', ':', '+', '!');
        var argv = new List<string>();
        foreach (string word in SplitWords(command))
        {
            if (word.StartsWith('$') && !word.StartsWith("${", StringComparison.Ordinal))
            {
                argv.AddRange(SplitWords(environment.GetValueOrDefault(word[1..], "")));
                continue;
            }

            var expanded = new StringBuilder(word);
            foreach ((string key, string value) in environment)
            {
                expanded.Replace("${" + key + "}", value);
            }

            argv.Add(expanded.ToString());
        }

        return argv;
    }
}
