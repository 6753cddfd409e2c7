using OrleansML.Learning.Metrics;

namespace OrleansML.Learning.Tests.Metrics;

public class MetricTests
{
    [Fact]
    public void Accuracy_counts_and_merges()
    {
        var whole = new AccuracyMetric();
        whole.Add([0, 1, 2, 2, 1], [0, 1, 1, 2, 0]);
        Assert.Equal(3, whole.Correct);
        Assert.Equal(0.6, whole.Value, 1e-15);

        var first = new AccuracyMetric();
        first.Add([0, 1], [0, 1]);
        var second = new AccuracyMetric();
        second.Add([2, 2, 1], [1, 2, 0]);
        first.Merge(second);
        Assert.Equal((whole.Correct, whole.Total), (first.Correct, first.Total));
        Assert.True(double.IsNaN(new AccuracyMetric().Value));
    }

    [Fact]
    public void Log_loss_by_hand_and_clamped()
    {
        var metric = new LogLossMetric();
        metric.AddBinary(0.9, true);
        metric.AddBinary(0.2, false);
        metric.AddBinary(0.6, false);
        // (-ln 0.9 - ln 0.8 - ln 0.4) / 3
        Assert.Equal((0.1053605157 + 0.2231435513 + 0.9162907319) / 3, metric.Value, 1e-9);

        var certainMistake = new LogLossMetric();
        certainMistake.AddBinary(1.0, false);
        Assert.Equal(-Math.Log(LogLossMetric.Epsilon), certainMistake.Value, 1e-12);
        Assert.Equal(16.11809565, certainMistake.Value, 1e-7);

        var batch = new LogLossMetric();
        batch.AddBinary([0.9f, 0.2f, 0.6f], [1f, 0f, 0f]);
        Assert.Equal(metric.Value, batch.Value, 1e-7);
        Assert.Throws<ArgumentException>(() => certainMistake.Add(double.NaN));
    }

    [Fact]
    public void Log_loss_parts_merge_to_the_whole()
    {
        double[] probabilities = [0.9, 0.15, 0.5, 0.999, 0.01, 0.3];
        bool[] labels = [true, false, true, false, false, true];
        var whole = new LogLossMetric();
        var first = new LogLossMetric();
        var second = new LogLossMetric();
        for (int i = 0; i < labels.Length; i++)
        {
            whole.AddBinary(probabilities[i], labels[i]);
            (i % 2 == 0 ? first : second).AddBinary(probabilities[i], labels[i]);
        }

        first.Merge(second);
        Assert.Equal(whole.Count, first.Count);
        Assert.Equal(whole.Value, first.Value, 1e-14);
        Assert.Equal(whole.Value, new LogLossMetric(first.SumOfLosses, first.Count).Value, 1e-14);
    }

    [Fact]
    public void Auc_with_ties_by_hand()
    {
        var metric = new AucMetric();
        (float Score, bool Positive)[] examples =
        [
            (0.1f, false), (0.4f, true), (0.4f, false), (0.35f, true), (0.8f, true), (0.4f, false), (0.1f, true),
        ];
        foreach ((float score, bool positive) in examples)
        {
            metric.Add(score, positive);
        }

        // Positives beat negatives: 0.4 -> 1 + 2 ties * 0.5; 0.35 -> 1; 0.8 -> 3; 0.1 -> 1 tie * 0.5. 6.5 of 12 pairs.
        Assert.Equal(6.5 / 12, metric.Value, 1e-15);
        Assert.Equal(4, metric.Positives);
        Assert.Equal(3, metric.Negatives);
        Assert.Equal(new AucScoreCounts(1, 2), metric.CountsByScore[0.4f]);

        var batch = new AucMetric();
        batch.Add([0.1f, 0.4f, 0.4f, 0.35f, 0.8f, 0.4f, 0.1f], [0, 1, 0, 1, 1, 0, 1]);
        Assert.Equal(metric.Value, batch.Value);
        Assert.Throws<ArgumentException>(() => batch.Add([0.5f], [2f]));
        Assert.Throws<ArgumentException>(() => batch.Add(float.NaN, true));
    }

    [Fact]
    public void Auc_matches_brute_force_pairs_and_merges_exactly()
    {
        var random = new Random(21);
        var scores = new float[600];
        var labels = new bool[600];
        for (int i = 0; i < scores.Length; i++)
        {
            labels[i] = random.NextDouble() < 0.4;
            // Coarse scores force many ties; positives score higher on average.
            scores[i] = MathF.Round((float)(random.NextDouble() + (labels[i] ? 0.3 : 0)), 1);
        }

        double wins = 0;
        long pairs = 0;
        for (int p = 0; p < scores.Length; p++)
        {
            for (int n = 0; n < scores.Length; n++)
            {
                if (labels[p] && !labels[n])
                {
                    pairs++;
                    wins += scores[p] > scores[n] ? 1 : scores[p] == scores[n] ? 0.5 : 0;
                }
            }
        }

        var whole = new AucMetric();
        var parts = new[] { new AucMetric(), new AucMetric(), new AucMetric() };
        for (int i = 0; i < scores.Length; i++)
        {
            whole.Add(scores[i], labels[i]);
            parts[i % 3].Add(scores[i], labels[i]);
        }

        parts[0].Merge(parts[1]);
        parts[0].Merge(parts[2]);
        Assert.Equal(wins / pairs, whole.Value, 1e-14);
        Assert.Equal(whole.Value, parts[0].Value);
        var transported = new AucMetric(parts[0].CountsByScore);
        Assert.Equal(whole.Value, transported.Value);
        Assert.Equal(whole.CountsByScore.OrderBy(pair => pair.Key), transported.CountsByScore.OrderBy(pair => pair.Key));
    }

    [Fact]
    public void Rmse_by_hand_and_merge()
    {
        var whole = new RmseMetric();
        whole.Add([1f, 2f, 4f], [1f, 3f, 1f]);
        Assert.Equal(Math.Sqrt(10.0 / 3), whole.Value, 1e-15);
        Assert.Equal(4.0 / 3, whole.MeanAbsoluteError, 1e-15);

        var first = new RmseMetric();
        first.Add(1, 1);
        var second = new RmseMetric();
        second.Add([2f, 4f], [3f, 1f]);
        first.Merge(second);
        Assert.Equal(whole.Value, first.Value, 1e-15);
        var transported = new RmseMetric(first.SumOfSquaredErrors, first.SumOfAbsoluteErrors, first.Count);
        Assert.Equal(whole.Value, transported.Value, 1e-15);
    }

    [Fact]
    public void Confusion_matrix_by_hand_and_merge()
    {
        (int Actual, int Predicted)[] pairs = [(0, 0), (0, 1), (1, 1), (2, 1), (2, 2), (2, 2), (1, 0)];
        var whole = new ConfusionMatrix(3);
        var first = new ConfusionMatrix(3);
        var second = new ConfusionMatrix(3);
        for (int i = 0; i < pairs.Length; i++)
        {
            whole.Add(pairs[i].Actual, pairs[i].Predicted);
            (i < 3 ? first : second).Add(pairs[i].Actual, pairs[i].Predicted);
        }

        Assert.Equal(new long[] { 1, 1, 0, 1, 1, 0, 0, 1, 2 }, whole.Counts.ToArray());
        Assert.Equal(4.0 / 7, whole.Accuracy, 1e-15);
        Assert.Equal(0.5, whole.Precision(0), 1e-15);
        Assert.Equal(1.0 / 3, whole.Precision(1), 1e-15);
        Assert.Equal(1.0, whole.Precision(2), 1e-15);
        Assert.Equal(0.5, whole.Recall(0), 1e-15);
        Assert.Equal(0.5, whole.Recall(1), 1e-15);
        Assert.Equal(2.0 / 3, whole.Recall(2), 1e-15);
        Assert.Equal(1, whole[2, 1]);

        first.Merge(second);
        Assert.Equal(whole.Counts.ToArray(), first.Counts.ToArray());
        Assert.Equal(7, first.Total);
        Assert.Equal(whole.Counts.ToArray(), new ConfusionMatrix(3, first.Counts).Counts.ToArray());
        Assert.Throws<ArgumentException>(() => first.Merge(new ConfusionMatrix(4)));
        Assert.Throws<ArgumentOutOfRangeException>(() => first.Add(3, 0));
    }
}
