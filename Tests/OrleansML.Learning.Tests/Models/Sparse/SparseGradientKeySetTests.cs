namespace OrleansML.Learning.Tests.Models.Sparse;

public class SparseGradientKeySetTests
{
    [Fact]
    public void A_key_set_holds_each_key_once_and_starts_empty_after_clear()
    {
        SparseGradient keys = SparseGradient.KeySet(200);
        foreach (int key in new[] { 5, 130, 5, 64, 63, 130, 199, 0 })
        {
            keys.Add(key, 0f);
        }

        keys.SortByKey();
        Assert.Equal([0, 5, 63, 64, 130, 199], keys.Keys.ToArray());
        Assert.All(keys.Values.ToArray(), v => Assert.Equal(0f, v));

        keys.Clear();
        Assert.Equal(0, keys.Count);
        // Keys sharing a bitmap word with keys of the previous round must count as new.
        foreach (int key in new[] { 62, 5, 62 })
        {
            keys.Add(key, 0f);
        }

        keys.SortByKey();
        Assert.Equal([5, 62], keys.Keys.ToArray());
    }

    [Fact]
    public void A_key_set_refuses_values()
    {
        SparseGradient keys = SparseGradient.KeySet(10);
        Assert.Throws<InvalidOperationException>(() => keys.Add(3, 1f));
    }

    [Fact]
    public void Models_collect_the_same_touched_keys_into_a_key_set_as_into_a_gradient()
    {
        var data = new SparseDataset<int>([0, 3, 5, 6], [7, 2, 9, 2, 7, 30], [1f, 1f, 1f, 1f, 1f, 1f], [1f, 0f, 1f], 32);
        ISparseModel[] models =
        [
            new HashedLogisticRegression(new HashedLogisticRegressionOptions { HashBits = 5 }),
            new FactorizationMachine(new FactorizationMachineOptions { FeatureCount = 32, FactorCount = 3 }),
        ];
        foreach (ISparseModel model in models)
        {
            SparseGradient set = SparseGradient.KeySet(model.ParameterCount);
            var map = new SparseGradient(model.ParameterCount);
            model.CollectTouchedParameters(DataBatch.All(data), set);
            model.CollectTouchedParameters(DataBatch.All(data), map);
            set.SortByKey();
            map.SortByKey();
            Assert.Equal(map.Keys.ToArray(), set.Keys.ToArray());
            Assert.True(set.Count > 0);
        }
    }
}
