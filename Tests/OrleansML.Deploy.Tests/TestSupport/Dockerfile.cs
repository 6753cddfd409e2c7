using System.Text;
using System.Text.Json;

namespace OrleansML.Deploy.Tests.TestSupport;

/// <summary>A Dockerfile as a list of instructions (continuations joined, comments dropped), split into stages.</summary>
internal sealed class Dockerfile
{
    private Dockerfile(string path, List<(string Instruction, string Arguments)> instructions)
    {
        Path = path;
        Instructions = instructions;
    }

    public string Path { get; }

    public IReadOnlyList<(string Instruction, string Arguments)> Instructions { get; }

    /// <summary>The instructions of each stage, from its FROM on.</summary>
    public IReadOnlyList<IReadOnlyList<(string Instruction, string Arguments)>> Stages
    {
        get
        {
            var stages = new List<IReadOnlyList<(string, string)>>();
            List<(string, string)>? current = null;
            foreach ((string instruction, string arguments) in Instructions)
            {
                if (instruction == "FROM")
                {
                    current = [];
                    stages.Add(current);
                }

                current?.Add((instruction, arguments));
            }

            return stages;
        }
    }

    public static Dockerfile Load(string path)
    {
        var instructions = new List<(string, string)>();
        var logical = new StringBuilder();
        foreach (string raw in File.ReadAllLines(path))
        {
            string line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && logical.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                logical.Append(line[..^1]).Append(' ');
                continue;
            }

            logical.Append(line);
            string text = logical.ToString().Trim();
            logical.Clear();
            if (text.Length == 0)
            {
                continue;
            }

            int space = text.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(space < 0 ? (text.ToUpperInvariant(), "") : (text[..space].ToUpperInvariant(), text[(space + 1)..].Trim()));
        }

        return new Dockerfile(path, instructions);
    }

    /// <summary>An exec-form argument list (<c>["a", "b"]</c>), as Docker parses it: a JSON array of strings.</summary>
    public static string[] ExecForm(string arguments) =>
        JsonSerializer.Deserialize<string[]>(arguments) ?? throw new FormatException($"'{arguments}' is not an exec-form JSON array.");

    /// <summary>The <c>ENV</c> assignments of a stage (<c>KEY=value</c> pairs, several per instruction).</summary>
    public static Dictionary<string, string> Environment(IEnumerable<(string Instruction, string Arguments)> stage)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string _, string arguments) in stage.Where(i => i.Instruction == "ENV"))
        {
            foreach (string assignment in SystemdUnit.SplitWords(arguments))
            {
                int equals = assignment.IndexOf('=', StringComparison.Ordinal);
                environment[assignment[..equals]] = assignment[(equals + 1)..];
            }
        }

        return environment;
    }
}
