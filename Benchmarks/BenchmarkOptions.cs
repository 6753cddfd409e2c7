using System.Globalization;
using OrleansML.Jobs;

namespace OrleansML.Benchmarks;

/// <summary>One option's name and the text that follows it, read and validated into a value; a bad value is an
/// <see cref="ArgumentException"/> naming the option, which Program prints as a usage error.</summary>
internal readonly record struct OptionValue(string Name, string Text)
{
    public int Int(int minimum, int maximum = int.MaxValue) =>
        int.TryParse(Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed) && parsed >= minimum && parsed <= maximum
            ? parsed
            : throw Bad($"a whole number in [{minimum}, {maximum}]");

    /// <summary>A number in [<paramref name="minimum"/>, <paramref name="maximumExclusive"/>).</summary>
    public double Number(double minimum, double maximumExclusive) =>
        double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) && parsed >= minimum && parsed < maximumExclusive
            ? parsed
            : throw Bad(string.Create(CultureInfo.InvariantCulture, $"a number in [{minimum}, {maximumExclusive})"));

    public double Positive() =>
        double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) && double.IsFinite(parsed) && parsed > 0
            ? parsed
            : throw Bad("a positive number");

    /// <summary>bsp, asp, ssp, averaging (or any <see cref="ConsistencyMode"/> name), case-insensitive.</summary>
    public ConsistencyMode Mode() =>
        Enum.TryParse(Text == "averaging" ? nameof(ConsistencyMode.ModelAveraging) : Text, ignoreCase: true, out ConsistencyMode mode) && Enum.IsDefined(mode)
            ? mode
            : throw Bad("bsp, asp, ssp, averaging or lbfgs");

    /// <summary>A comma-separated list, each item read by <paramref name="item"/> (with this option's name).</summary>
    public T[] List<T>(Func<OptionValue, T> item)
    {
        string name = Name;
        string[] items = Text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 ? [.. items.Select(text => item(new OptionValue(name, text)))] : throw Bad("a comma-separated list");
    }

    public string OneOf(params string[] choices) => choices.Contains(Text) ? Text : throw Bad(string.Join(" or ", choices));

    private ArgumentException Bad(string expected) => new($"{Name}: expected {expected}, got '{Text}'.");
}

/// <summary>
/// The command-line reader every benchmark's settings share: <c>--name value</c> options and bare <c>--flag</c>s,
/// folded into an immutable settings record. An unknown option is an error that lists the valid ones.
/// </summary>
internal static class BenchmarkOptions
{
    public static T Parse<T>(
        string benchmark,
        string[] options,
        T settings,
        IReadOnlyDictionary<string, Func<T, OptionValue, T>> valued,
        IReadOnlyDictionary<string, Func<T, T>>? flags = null)
    {
        for (int i = 0; i < options.Length; i++)
        {
            string name = options[i];
            if (flags is not null && flags.TryGetValue(name, out Func<T, T>? flag))
            {
                settings = flag(settings);
            }
            else if (valued.TryGetValue(name, out Func<T, OptionValue, T>? read))
            {
                settings = read(settings, new OptionValue(name, i + 1 < options.Length ? options[++i] : throw new ArgumentException($"{name}: a value is missing.")));
            }
            else
            {
                IEnumerable<string> valid = (flags?.Keys ?? []).Concat(valued.Keys);
                throw new ArgumentException($"{benchmark}: unknown option '{name}' (valid: {string.Join(", ", valid)}).");
            }
        }

        return settings;
    }
}
