namespace OrleansML.Learning.Tests.Models;

public class SliceInitializationTests
{
    public static TheoryData<string> ModelNames => ["fm", "mlp", "hashed", "softmax", "logistic", "linear"];

    private static ISliceInitializable Create(string name) => name switch
    {
        "fm" => new FactorizationMachine(new FactorizationMachineOptions { FeatureCount = 37, FactorCount = 5 }),
        "mlp" => new Mlp([7, 5, 4, 3]),
        "hashed" => new HashedLogisticRegression(new HashedLogisticRegressionOptions { HashBits = 6 }),
        "softmax" => new SoftmaxRegression(6, 3),
        "logistic" => new LogisticRegression(9),
        "linear" => new LinearRegression(9),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Every_slice_equals_the_same_range_of_the_full_initialization(string name)
    {
        ISliceInitializable model = Create(name);
        var full = new float[model.ParameterCount];
        model.InitializeParameters(full, seed: 17);
        foreach (int shards in new[] { 1, 2, 3, 7 })
        {
            int start = 0;
            for (int shard = 0; shard < shards; shard++)
            {
                int length = (model.ParameterCount / shards) + (shard < model.ParameterCount % shards ? 1 : 0);
                var slice = Enumerable.Repeat(float.NaN, length).ToArray();
                model.InitializeSlice(slice, start, seed: 17);
                Assert.Equal(full.AsSpan(start, length).ToArray(), slice);
                start += length;
            }
        }
    }

    [Fact]
    public void Random_models_draw_nonzero_values_in_a_late_slice()
    {
        ISliceInitializable model = Create("fm");
        var slice = new float[10];
        model.InitializeSlice(slice, model.ParameterCount - 10, seed: 3);
        Assert.Contains(slice, v => v != 0f);
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void A_range_outside_the_parameters_is_refused(string name)
    {
        ISliceInitializable model = Create(name);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.InitializeSlice(new float[2], model.ParameterCount - 1, seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.InitializeSlice(new float[1], -1, seed: 1));
    }
}
