namespace OrleansML.Training.Tests.Client.Support;

/// <summary>Three well-separated Gaussian blobs in 4 features, labels 0, 1, 2 in turn: data any classifier learns.</summary>
internal static class Blobs
{
    public const int Features = 4;

    /// <summary><paramref name="count"/> rows: feature <c>label</c> lies near <paramref name="centre"/>, the others near 0.</summary>
    public static List<(float[] Features, int Label)> Rows(int count, int seed, double centre = 3.0)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i =>
            (Enumerable.Range(0, Features).Select(f => (float)((f == i % 3 ? centre : 0.0) + (random.NextDouble() - 0.5))).ToArray(), i % 3))];
    }

    public static string Text(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}
