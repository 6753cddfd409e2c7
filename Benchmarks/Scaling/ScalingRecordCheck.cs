namespace OrleansML.Benchmarks.Scaling;

/// <summary><c>scaling --self-check</c>'s cases for the saved-run file: a record survives a save and a load, and a
/// malformed one is refused with the field named. Each returns 1 when the case holds, 0 when not.</summary>
internal static class ScalingRecordCheck
{
    public static double RoundTrip()
    {
        ScalingRecord record = Sample();
        string path = Path.Combine(Path.GetTempPath(), $"orleansml-scaling-check-{Guid.NewGuid():N}.json");
        try
        {
            record.Save(path);
            ScalingRecord loaded = ScalingRecord.Load(path);
            bool same = loaded.Source == record.Source && loaded.OneThread == record.OneThread
                && loaded.ReplayedEpochs.SequenceEqual(record.ReplayedEpochs) && loaded.Setups.SequenceEqual(record.Setups);
            return same ? 1 : 0;
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static double BadFieldNamed()
    {
        string path = Path.Combine(Path.GetTempPath(), $"orleansml-scaling-check-{Guid.NewGuid():N}.json");
        try
        {
            ScalingRecord sample = Sample();
            (sample with { Setups = [sample.Setups[1] with { Cores = -1 }] }).Save(path);
            ScalingRecord.Load(path);
            return 0;
        }
        catch (InvalidDataException e)
        {
            return e.Message.Contains("setups[0].cores", StringComparison.Ordinal) && e.Message.Contains(path, StringComparison.Ordinal) ? 1 : 0;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static ScalingRecord Sample() => new(
        ScalingRecord.CurrentFormat,
        "self-check",
        0.84,
        2,
        new SavedCrossing(1, 4.91, 5, 0.6e-6),
        [new SavedCrossing(2, 5.52, 6)],
        [
            new SavedSetup(1, null, 1.3, 0.6e-6, 77e-6, null, 112e-6, 0.25, 4.9, 5, 0.27, 0.845),
            new SavedSetup(2, 200_000_000, 1.67, null, 58e-6, new LinkFigures(92.6e-6, 20.4e-6, 45e-9), 1.613e-3, 4.07, null, 6, 4.43, null),
        ]);
}
