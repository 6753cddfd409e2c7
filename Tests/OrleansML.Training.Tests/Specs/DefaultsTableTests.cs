using OrleansML.Cli;
using OrleansML.Client.Specs;

namespace OrleansML.Training.Tests.Specs;

/// <summary>The defaults table is the one source: docs/training.md shows it as the code has it, every flag it names
/// exists, and a flag's help states its field's default.</summary>
public sealed class DefaultsTableTests
{
    private const string Begin = "<!-- defaults table: generated from TrainingSpecSchema.DefaultsMarkdown(), checked by DefaultsTableTests -->";
    private const string End = "<!-- end of defaults table -->";

    [Fact]
    public void Docs_training_md_shows_the_defaults_the_code_has()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "training.md")).ReplaceLineEndings("\n");
        int begin = doc.IndexOf(Begin, StringComparison.Ordinal);
        int end = doc.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "docs/training.md has no defaults table between its markers");

        string shown = doc[(begin + Begin.Length)..end].Trim('\n') + "\n";

        Assert.Equal(TrainingSpecSchema.DefaultsMarkdown(), shown);
    }

    [Fact]
    public void The_table_covers_every_field_and_shows_the_records_defaults()
    {
        Assert.Contains(TrainingSpecSchema.Defaults, d => d.Path == "optimizer.schedule.kind");
        Assert.Equal(new TrainingSpec().Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), TrainingSpecSchema.DefaultOfFlag("--epochs"));
        Assert.Equal("none", TrainingSpecSchema.DefaultOfFlag("--target-accuracy"));
        int specProperties = typeof(TrainingSpec).GetProperties().Length - 3;   // model, data, optimizer are objects
        Assert.Equal(specProperties, TrainingSpecSchema.Defaults.Count(d => !d.Path.Contains('.', StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_flag_the_table_names_is_a_train_flag_whose_help_gives_the_default()
    {
        var flags = new TrainFlags();
        Dictionary<string, System.CommandLine.Option> byName = flags.All().ToDictionary(o => o.Name);
        foreach (SpecDefault row in TrainingSpecSchema.Defaults.Where(d => d.Flag is not null))
        {
            Assert.True(byName.TryGetValue(row.Flag!, out System.CommandLine.Option? option), $"{row.Path}: no flag {row.Flag}");
            Assert.Contains("default", option!.Description!, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("Default: " + TrainingSpecSchema.DefaultOfFlag("--learning-rate"), byName["--learning-rate"].Description!, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansML.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no OrleansML.sln above {AppContext.BaseDirectory}");
    }
}
