using OrleansML.Learning.Models.Files;
using OrleansML.Models;

namespace OrleansML.Training.Tests.Models;

/// <summary>The model registry on a 2-silo cluster shared by the class (each test saves under its own model name);
/// the silo-kill test deploys its own.</summary>
public sealed class ModelRegistryGrainTests(TwoSiloCluster fixture) : IClassFixture<TwoSiloCluster>
{
    private static readonly ModelSpec s_softmax = new() { Kind = ModelKind.SoftmaxRegression, FeatureCount = 3, ClassCount = 2 };
    private readonly InProcessTestCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task Saves_two_versions_lists_them_and_downloads_round_trip()
    {
        IModelRegistryGrain registry = _cluster.Client.GetGrain<IModelRegistryGrain>(UniqueName());
        float[] first = Parameters(s_softmax, seed: 1);
        float[] second = Parameters(s_softmax, seed: 2);

        int v1 = await registry.SaveAsync(s_softmax, new FloatTensor(first), new Dictionary<string, double> { ["test_accuracy"] = 0.5 }, "job-a");
        int v2 = await registry.SaveAsync(s_softmax, new FloatTensor(second), new Dictionary<string, double> { ["test_accuracy"] = 0.75 }, "job-b");

        Assert.Equal((1, 2), (v1, v2));
        ModelInfo[] versions = await registry.ListAsync();
        Assert.Equal([1, 2], versions.Select(v => v.Version));
        Assert.Equal(["job-a", "job-b"], versions.Select(v => v.JobId));
        Assert.Equal(0.75, versions[1].Metrics["test_accuracy"]);

        SavedModel downloaded = ModelFile.Deserialize(await registry.DownloadAsync(1), "v1");
        Assert.Equal(first, downloaded.Parameters);
        Assert.Equal(s_softmax, downloaded.Header.Model);
        Assert.Equal(1, downloaded.Header.Version);
        SavedModel newest = ModelFile.Deserialize(await registry.DownloadAsync(0), "newest");
        Assert.Equal(second, newest.Parameters);
        Assert.Equal(2, newest.Header.Version);
        Assert.Equal(0.75, newest.Header.Metrics["test_accuracy"]);
    }

    [Fact]
    public async Task Saving_twice_for_one_job_keeps_one_version()
    {
        IModelRegistryGrain registry = _cluster.Client.GetGrain<IModelRegistryGrain>(UniqueName());
        int first = await registry.SaveAsync(s_softmax, new FloatTensor(Parameters(s_softmax, 1)), [], "job-same");
        int again = await registry.SaveAsync(s_softmax, new FloatTensor(Parameters(s_softmax, 2)), [], "job-same");

        Assert.Equal(1, first);
        Assert.Equal(1, again);
        Assert.Single(await registry.ListAsync());
        Assert.Equal(Parameters(s_softmax, 1), ModelFile.Deserialize(await registry.DownloadAsync(1), "v1").Parameters);
    }

    [Fact]
    public async Task Remote_predictions_equal_local_predictions()
    {
        IModelRegistryGrain registry = _cluster.Client.GetGrain<IModelRegistryGrain>(UniqueName());
        float[] parameters = Parameters(s_softmax, 3);
        await registry.SaveAsync(s_softmax, new FloatTensor(parameters), [], "job-p");
        float[] features = [0.5f, -1f, 2f, 1f, 0f, -0.25f];

        float[] remote = (await registry.PredictAsync(0, new FloatTensor(features), 2)).Values;

        IModel model = s_softmax.Create();
        var expected = new float[2 * model.OutputsPerRow];
        model.Predict(parameters, DataBatch.All(new DenseDataset(features, new float[2], 3)), expected);
        Assert.Equal(expected, remote);
        Assert.Equal(1f, remote[0] + remote[1], 5);
    }

    [Fact]
    public async Task Prediction_with_the_wrong_feature_count_names_the_mismatch()
    {
        IModelRegistryGrain registry = _cluster.Client.GetGrain<IModelRegistryGrain>(UniqueName());
        await registry.SaveAsync(s_softmax, new FloatTensor(Parameters(s_softmax, 1)), [], "job-w");

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => registry.PredictAsync(1, new FloatTensor(new float[5]), 2));

        Assert.Contains("2 rows of 3 features need 6 values, but 5 were given", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_versions_are_errors()
    {
        IModelRegistryGrain registry = _cluster.Client.GetGrain<IModelRegistryGrain>(UniqueName());
        KeyNotFoundException none = await Assert.ThrowsAsync<KeyNotFoundException>(() => registry.DownloadAsync(0));
        Assert.Contains("has no saved versions", none.Message, StringComparison.Ordinal);

        await registry.SaveAsync(s_softmax, new FloatTensor(Parameters(s_softmax, 1)), [], "job-u");
        KeyNotFoundException missing = await Assert.ThrowsAsync<KeyNotFoundException>(() => registry.DownloadAsync(7));
        Assert.Contains("has no version 7", missing.Message, StringComparison.Ordinal);
        KeyNotFoundException predict = await Assert.ThrowsAsync<KeyNotFoundException>(() => registry.PredictAsync(3, new FloatTensor(new float[3]), 1));
        Assert.Contains("has no version 3", predict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_parameter_count_saves_nothing()
    {
        IModelRegistryGrain registry = _cluster.Client.GetGrain<IModelRegistryGrain>(UniqueName());
        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => registry.SaveAsync(s_softmax, new FloatTensor(new float[3]), [], "job-x"));
        Assert.Contains("has 8 parameters, but 3 were given", error.Message, StringComparison.Ordinal);
        Assert.Empty(await registry.ListAsync());
    }

    [Fact]
    public async Task A_model_survives_the_death_of_its_silo()
    {
        await using InProcessTestCluster cluster = await TrainingClusters.DeployAsync(2);
        string name = UniqueName();
        IModelRegistryGrain registry = cluster.Client.GetGrain<IModelRegistryGrain>(name);
        float[] parameters = Parameters(s_softmax, 4);
        await registry.SaveAsync(s_softmax, new FloatTensor(parameters), [], "job-k");
        InProcessSiloHandle host = GrainPlacement.SiloAt(cluster, await GrainPlacement.HostOfAsync(cluster, registry))
            ?? throw new InvalidOperationException("the registry has no host");
        await cluster.KillSiloAsync(host);
        await cluster.WaitForLivenessToStabilizeAsync(didKill: true);

        ModelInfo[] versions = await registry.ListAsync();
        Assert.Single(versions);
        Assert.Equal(parameters, ModelFile.Deserialize(await registry.DownloadAsync(1), "after kill").Parameters);
        Assert.NotEqual(host.SiloAddress, await GrainPlacement.HostOfAsync(cluster, registry));
    }

    private static string UniqueName() => "model-" + Guid.NewGuid().ToString("N")[..8];

    private static float[] Parameters(ModelSpec spec, int seed)
    {
        IModel model = spec.Create();
        var parameters = new float[model.ParameterCount];
        model.InitializeParameters(parameters, seed);
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] += seed * 0.01f * (i + 1);
        }

        return parameters;
    }
}
