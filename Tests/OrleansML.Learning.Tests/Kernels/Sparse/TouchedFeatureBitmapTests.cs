using OrleansML.Learning.Kernels;

namespace OrleansML.Learning.Tests.Kernels.Sparse;

public class TouchedFeatureBitmapTests
{
    private struct Recorder() : ITouchedFeatureVisitor
    {
        public List<int> Features { get; } = [];

        public readonly void Visit(int feature) => Features.Add(feature);
    }

    [Fact]
    public void Drain_visits_marked_features_once_in_ascending_order_across_word_and_summary_boundaries()
    {
        const int FeatureCount = (1 << 13) + 5;
        var bitmap = new TouchedFeatureBitmap(FeatureCount);
        int[] marked = [FeatureCount - 1, 4096, 0, 63, 64, 4095, 64, 8191, 8192, 63];
        foreach (int feature in marked)
        {
            bitmap.Mark(feature);
        }

        var first = new Recorder();
        bitmap.DrainAscending(ref first);
        var second = new Recorder();
        bitmap.DrainAscending(ref second);

        Assert.Equal(marked.Distinct().Order().ToArray(), first.Features.ToArray());
        Assert.Empty(second.Features);
    }

    [Fact]
    public void Clearing_the_words_of_every_marked_feature_leaves_nothing_to_drain()
    {
        var bitmap = new TouchedFeatureBitmap(10_000);
        int[] marked = [5, 9_999, 4_100];
        foreach (int feature in marked)
        {
            bitmap.Mark(feature);
        }

        foreach (int feature in marked)
        {
            bitmap.ClearWordsOf(feature);
        }

        var recorder = new Recorder();
        bitmap.DrainAscending(ref recorder);
        Assert.Empty(recorder.Features);
    }
}
