using System.Diagnostics;
using System.Text.Json;
using OrleansML.Learning.Training;

namespace OrleansML.Training.Tests.Specs;

/// <summary>
/// Defaults that generalise: on sklearn's iris and wine, standardised with the training split's mean and standard
/// deviation, training with the default <see cref="TrainingSpec"/> reaches the mean test accuracy of scikit-learn's
/// <c>LogisticRegression()</c> within 1 percentage point over the same 20 stratified splits. scikit-learn runs for
/// real (test.sh's <c>sklearn</c> service exports ORLEANSML_SKLEARN_PYTHON). The training is LocalTrainer with the
/// job's resolved settings, which BSP matches (docs/training.md): the same global batch, steps and schedule.
/// </summary>
public sealed class SklearnDefaultsTests(ITestOutputHelper output)
{
    private const int Splits = 20;

    [Theory]
    [InlineData("iris.csv")]
    [InlineData("wine_data.csv")]
    public void Default_settings_match_sklearn_logistic_regression_within_one_point(string dataset)
    {
        using JsonDocument baseline = JsonDocument.Parse(RunSklearn(dataset));
        string path = baseline.RootElement.GetProperty("path").GetString()!;
        (float[][] rows, int[] labels, int classes) = ReadSklearnCsv(path);
        var spec = new TrainingSpec();
        double ours = 0, theirs = 0;
        foreach (JsonElement split in baseline.RootElement.GetProperty("splits").EnumerateArray())
        {
            int[] train = [.. split.GetProperty("train").EnumerateArray().Select(e => e.GetInt32())];
            int[] test = [.. split.GetProperty("test").EnumerateArray().Select(e => e.GetInt32())];
            ours += TrainWithDefaults(spec, rows, labels, classes, train, test);
            theirs += split.GetProperty("accuracy").GetDouble();
        }

        ours /= Splits;
        theirs /= Splits;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{dataset}: OrleansML defaults {ours:F4}, sklearn LogisticRegression() {theirs:F4}, {(ours - theirs) * 100:F2} points"));
        Assert.True(ours >= theirs - 0.01, string.Create(CultureInfo.InvariantCulture, $"{dataset}: mean test accuracy {ours:F4} is more than 1 point below sklearn's {theirs:F4}"));
    }

    private static double TrainWithDefaults(TrainingSpec spec, float[][] rows, int[] labels, int classes, int[] train, int[] test)
    {
        int features = rows[0].Length;
        var mean = new double[features];
        var deviation = new double[features];
        foreach (int r in train)
        {
            for (int j = 0; j < features; j++)
            {
                mean[j] += rows[r][j] / (double)train.Length;
            }
        }

        foreach (int r in train)
        {
            for (int j = 0; j < features; j++)
            {
                deviation[j] += Math.Pow(rows[r][j] - mean[j], 2) / train.Length;
            }
        }

        DenseDataset Standardised(int[] which)
        {
            var values = new float[which.Length * features];
            var targets = new float[which.Length];
            for (int i = 0; i < which.Length; i++)
            {
                for (int j = 0; j < features; j++)
                {
                    double sd = Math.Sqrt(deviation[j]);
                    values[i * features + j] = (float)(sd > 0 ? (rows[which[i]][j] - mean[j]) / sd : 0);
                }

                targets[i] = labels[which[i]];
            }

            return new DenseDataset(values, targets, features);
        }

        int batch = AutoSettings.BatchSize(spec, train.Length);
        int steps = (train.Length + batch - 1) / batch;
        var options = new LocalTrainerOptions
        {
            Epochs = spec.Epochs,
            BatchSize = batch,
            Seed = spec.Seed,
            Optimizer = AutoSettings.Optimizer(spec.Optimizer, spec.Mode, spec.Epochs, steps, spec.Workers),
            EvaluateEachEpoch = false,
        };
        IModel model = (spec.Model with { FeatureCount = features, ClassCount = classes }).Create();
        TrainingResult result = new LocalTrainer(model, options).Train(Standardised(train), Standardised(test));
        return result.FinalTest!.Accuracy!.Value;
    }

    /// <summary>sklearn's CSV layout: a header "rows,features,class names...", then features and the class index.</summary>
    private static (float[][] Rows, int[] Labels, int Classes) ReadSklearnCsv(string path)
    {
        string[] lines = File.ReadAllLines(path);
        string[] header = lines[0].Split(',');
        int count = int.Parse(header[0], CultureInfo.InvariantCulture);
        int features = int.Parse(header[1], CultureInfo.InvariantCulture);
        var rows = new float[count][];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            string[] cells = lines[i + 1].Split(',');
            rows[i] = [.. cells.Take(features).Select(c => float.Parse(c, CultureInfo.InvariantCulture))];
            labels[i] = int.Parse(cells[features], CultureInfo.InvariantCulture);
        }

        return (rows, labels, header.Length - 2);
    }

    private static string RunSklearn(string dataset)
    {
        string python = Environment.GetEnvironmentVariable("ORLEANSML_SKLEARN_PYTHON") is { Length: > 0 } configured ? configured : "/usr/bin/python3";
        string script = Path.Combine(AppContext.BaseDirectory, "Specs", "sklearn_baseline.py");
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { script, dataset, Splits.ToString(CultureInfo.InvariantCulture), "0" })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {python}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0,
            $"{python} {script} failed (exit {process.ExitCode}); run through ./test.sh (service 'sklearn') or install python3-sklearn: {stderr}");
        return stdout.Result;
    }
}
