using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrleansML.Learning.Models.Onnx;

namespace OrleansML.Learning.Tests.Models.Onnx;

/// <summary>Each exportable model, exported to ONNX, loaded in ONNX Runtime and run on 1,000 rows: its outputs match
/// OrleansML's own predictions within 1e-5.</summary>
public sealed class OnnxExportTests
{
    private const int Rows = 1000;
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Models() => [.. s_specs.Keys];

    private static readonly Dictionary<string, ModelSpec> s_specs = new()
    {
        ["linear"] = new() { Kind = ModelKind.LinearRegression, FeatureCount = 7 },
        ["logistic"] = new() { Kind = ModelKind.LogisticRegression, FeatureCount = 7 },
        ["softmax"] = new() { Kind = ModelKind.SoftmaxRegression, FeatureCount = 7, ClassCount = 4 },
        ["mlp"] = new() { Kind = ModelKind.Mlp, FeatureCount = 7, HiddenLayers = [16, 8], ClassCount = 3 },
        ["fm-binary"] = new() { Kind = ModelKind.FactorizationMachine, FeatureCount = 7, FactorCount = 3 },
        ["fm-regression"] = new() { Kind = ModelKind.FactorizationMachine, FeatureCount = 7, FactorCount = 3, FactorizationTask = ModelTask.Regression },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void ONNX_Runtime_predicts_what_OrleansML_predicts(string name)
    {
        ModelSpec spec = s_specs[name];
        OrleansMLModel model = OrleansMLModel.From(new SavedModel(new ModelFileHeader { Name = name, Version = 3, Model = spec }, Parameters(spec)));
        float[] rows = Rows_(spec.FeatureCount);
        float[] expected = model.Input == ModelInput.Dense ? model.PredictBatch(rows, Rows) : model.PredictBatch(Sparse(rows, spec.FeatureCount));

        using var session = new InferenceSession(OnnxExport.Serialize(model.Saved));
        var input = new DenseTensor<float>(rows, [Rows, spec.FeatureCount]);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, input)]);
        Tensor<float> output = results.Single(r => r.Name == OnnxExport.OutputName).AsTensor<float>();

        Assert.Equal([Rows, model.OutputsPerRow], output.Dimensions.ToArray());
        float[] actual = output.ToArray();
        double worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= Tolerance, $"{name}: largest difference {worst:G3} over {expected.Length} outputs");
        Assert.Contains(expected, v => Math.Abs(v - expected[0]) > 1e-3); // the rows are not all predicted alike
    }

    [Fact]
    public void A_hashed_model_is_refused_naming_the_kinds_that_export()
    {
        var spec = new ModelSpec { Kind = ModelKind.HashedLogisticRegression, HashBits = 4 };
        var saved = new SavedModel(new ModelFileHeader { Name = "h", Model = spec }, new float[spec.Create().ParameterCount]);

        NotSupportedException error = Assert.Throws<NotSupportedException>(() => OnnxExport.Serialize(saved));

        Assert.Contains("HashedLogisticRegression model has no ONNX export", error.Message, StringComparison.Ordinal);
        Assert.Contains("linear, logistic, softmax, MLP and factorization-machine", error.Message, StringComparison.Ordinal);
    }

    private static float[] Parameters(ModelSpec spec)
    {
        IModel model = spec.Create();
        var parameters = new float[model.ParameterCount];
        model.InitializeParameters(parameters, 5);
        var random = new Random(9);
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] += (float)((random.NextDouble() - 0.5) * 0.6);
        }

        return parameters;
    }

    /// <summary>Rows with about a third of the values zero, so the sparse model sees genuinely sparse rows.</summary>
    private static float[] Rows_(int featureCount)
    {
        var random = new Random(13);
        var rows = new float[Rows * featureCount];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = random.Next(3) == 0 ? 0f : (float)((random.NextDouble() * 2) - 1);
        }

        return rows;
    }

    private static SparseDataset<int> Sparse(float[] rows, int featureCount)
    {
        var pointers = new List<int> { 0 };
        var indices = new List<int>();
        var values = new List<float>();
        for (int row = 0; row < Rows; row++)
        {
            for (int j = 0; j < featureCount; j++)
            {
                float value = rows[(row * featureCount) + j];
                if (value != 0f)
                {
                    indices.Add(j);
                    values.Add(value);
                }
            }

            pointers.Add(indices.Count);
        }

        return new SparseDataset<int>([.. pointers], [.. indices], [.. values], new float[Rows], featureCount);
    }
}
