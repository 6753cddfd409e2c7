using System.Globalization;

namespace OrleansML.Benchmarks.Scaling;

/// <summary>
/// <c>scaling --refit PATH [PATH...]</c>: fits and checks the model on saved runs (<see cref="ScalingRecord"/>)
/// without a cluster. Within each run every set-up is predicted with kappa and gamma fitted on the run's other
/// set-ups (as the benchmark does); across runs every set-up of a run is predicted with the two fitted on all the
/// other runs' set-ups, which asks whether the constants carry from one evening's load to another's. Last line:
/// <c>scaling refit runs=N within_max_error=.. across_max_error=.. within_met=a/b across_met=c/d &lt;run&gt;_within=.. &lt;run&gt;_across=..</c>
/// (a run is named by its file name; "met" counts set-ups within <see cref="Bar"/>).
/// </summary>
internal static class ScalingRefit
{
    /// <summary>The issue's bar on the relative error of time to target.</summary>
    public const double Bar = 0.25;

    public static int Run(TextWriter output, IReadOnlyList<string> paths)
    {
        var records = new List<(string Name, ScalingRecord Record)>();
        foreach (string path in paths)
        {
            try
            {
                records.Add((Path.GetFileNameWithoutExtension(path), ScalingRecord.Load(path)));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                output.WriteLine($"scaling --refit: {e.Message}");
                return 2;
            }
        }

        var figures = new List<string>();
        var within = new List<double>();
        foreach ((string name, ScalingRecord record) in records)
        {
            output.WriteLine($"== {name}: {record.Source}");
            ScalingFit.Check(output, record, out Dictionary<string, double> errors, out _);
            within.AddRange(errors.Values);
            figures.Add(string.Create(CultureInfo.InvariantCulture, $"{name}_within={MaxOf(errors.Values):F3}"));
            output.WriteLine();
        }

        var across = new List<double>();
        if (records.Count > 1)
        {
            output.WriteLine("across runs: each run's set-ups predicted with kappa and gamma fitted on every other run's set-ups");
            foreach ((string name, ScalingRecord record) in records)
            {
                FitRow[] others = [.. records.Where(r => !ReferenceEquals(r.Record, record))
                    .SelectMany(r => r.Record.Setups.Select(s => ScalingFit.Row(r.Record, s)))];
                (double kappa, double gamma) = ScalingFit.Fit(others);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== {name}: kappa {kappa * 1e6:F0} us, gamma {gamma:F2} (fitted on the other {records.Count - 1} run(s))"));
                double[] errors = [.. record.Setups.Select(s => ScalingFit.PrintCheck(output, record, s, kappa, gamma))];
                across.AddRange(errors);
                figures.Add(string.Create(CultureInfo.InvariantCulture, $"{name}_across={MaxOf(errors):F3}"));
            }

            output.WriteLine();
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scaling refit runs={records.Count} within_max_error={MaxOf(within):F3} across_max_error={(across.Count > 0 ? MaxOf(across).ToString("F3", CultureInfo.InvariantCulture) : "n/a")} within_met={Met(within)} across_met={(across.Count > 0 ? Met(across) : "n/a")} {string.Join(' ', figures)}"));
        return 0;
    }

    private static double MaxOf(IEnumerable<double> errors) => errors.Aggregate(0.0, (max, e) => double.IsNaN(e) || double.IsNaN(max) ? double.NaN : Math.Max(max, e));

    private static string Met(List<double> errors) => $"{errors.Count(e => e <= Bar)}/{errors.Count}";
}
