using Google.Protobuf;
using OrleansML.Learning.Models.Files;
using OrleansML.Learning.Models.Onnx.Proto;

namespace OrleansML.Learning.Models.Onnx;

/// <summary>
/// Writes a saved model as an ONNX model (IR version 8, opset 17) that predicts what OrleansML predicts: input
/// <c>features</c>, float [rows, featureCount]; output <c>output</c>, float [rows, outputsPerRow]: the value for a
/// regression, P(y=1) for a binary classifier, class probabilities for softmax and MLP models. Linear, logistic,
/// softmax, MLP and factorization-machine models are covered; a factorization machine reads dense rows here.
/// Hashed logistic regression is not: its input is a hashed sparse vector of 2^hashBits buckets.
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX IR version written.</summary>
    public const long IrVersion = 8;

    /// <summary>The ai.onnx operator set written.</summary>
    public const long OpsetVersion = 17;

    /// <summary>The graph's input.</summary>
    public const string InputName = "features";

    /// <summary>The graph's output.</summary>
    public const string OutputName = "output";

    /// <summary>The customary file extension.</summary>
    public const string Extension = ".onnx";

    /// <summary>Whether <paramref name="kind"/> can be exported.</summary>
    public static bool Supports(ModelKind kind) => kind is not ModelKind.HashedLogisticRegression;

    /// <summary>Encodes the ONNX model.</summary>
    /// <exception cref="NotSupportedException">The model kind has no ONNX export (the message says which kinds do).</exception>
    public static byte[] Serialize(SavedModel saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ModelSpec spec = saved.Header.Model;
        if (!Supports(spec.Kind))
        {
            throw new NotSupportedException($"a {spec.Kind} model has no ONNX export (its input is a hashed sparse vector); linear, logistic, softmax, MLP and factorization-machine models do.");
        }

        var graph = new OnnxGraph(saved.Header.Name);
        string features = graph.Input(InputName, spec.FeatureCount);
        ReadOnlySpan<float> p = saved.Parameters;
        int outputs = spec.Kind switch
        {
            ModelKind.LinearRegression => Linear(graph, features, p, spec.FeatureCount, sigmoid: false),
            ModelKind.LogisticRegression => Linear(graph, features, p, spec.FeatureCount, sigmoid: true),
            ModelKind.SoftmaxRegression => Softmax(graph, features, p, spec.FeatureCount, spec.ClassCount),
            ModelKind.Mlp => Mlp(graph, features, p, [spec.FeatureCount, .. spec.HiddenLayers, spec.ClassCount]),
            _ => OnnxFactorizationMachine.Build(graph, features, p, spec, OutputName),
        };
        graph.Output(OutputName, outputs);

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "OrleansML",
            ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "",
            ModelVersion = saved.Header.Version,
            DocString = $"{saved.Header.Name}:{saved.Header.Version.ToString(CultureInfo.InvariantCulture)}, a {spec.Kind} exported by OrleansML.",
            Graph = graph.Proto,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "orleansml.kind", Value = spec.Kind.ToString() });
        if (saved.Header.ClassLabels is { } labels)
        {
            // JSON, so that labels holding commas survive; consumers map the argmax (or P(y=1) > 0.5) through it.
            model.MetadataProps.Add(new StringStringEntryProto { Key = "orleansml.class_labels", Value = JsonArray(labels) });
        }

        foreach ((string name, double value) in saved.Header.Metrics)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = "orleansml.metric." + name, Value = value.ToString("R", CultureInfo.InvariantCulture) });
        }

        return model.ToByteArray();
    }

    private static string JsonArray(IReadOnlyList<string> labels)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (string label in labels)
            {
                writer.WriteStringValue(label);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the ONNX model to <paramref name="path"/> (through a temporary file and a rename).</summary>
    public static void Write(string path, SavedModel saved)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Serialize(saved);
        Storage.AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>w·x + b, through a sigmoid for logistic regression: Gemm(X, W[1×D], b, transB) then Sigmoid.</summary>
    private static int Linear(OnnxGraph graph, string features, ReadOnlySpan<float> p, int featureCount, bool sigmoid)
    {
        string w = graph.Initializer("weights", p[..featureCount], 1, featureCount);
        string b = graph.Initializer("bias", p.Slice(featureCount, 1), 1);
        string linear = graph.Node("Gemm", sigmoid ? "logit" : OutputName, [features, w, b], OnnxGraph.Int("transB", 1));
        if (sigmoid)
        {
            graph.Node("Sigmoid", OutputName, [linear]);
        }

        return 1;
    }

    private static int Softmax(OnnxGraph graph, string features, ReadOnlySpan<float> p, int featureCount, int classCount)
    {
        string w = graph.Initializer("weights", p[..(classCount * featureCount)], classCount, featureCount);
        string b = graph.Initializer("bias", p.Slice(classCount * featureCount, classCount), classCount);
        string logits = graph.Node("Gemm", "logits", [features, w, b], OnnxGraph.Int("transB", 1));
        graph.Node("Softmax", OutputName, [logits], OnnxGraph.Int("axis", 1));
        return classCount;
    }

    /// <summary>Fully connected layers with ReLU between them and a softmax after the last (the layout of docs/model-format.md).</summary>
    private static int Mlp(OnnxGraph graph, string features, ReadOnlySpan<float> p, int[] sizes)
    {
        string current = features;
        int offset = 0;
        for (int layer = 1; layer < sizes.Length; layer++)
        {
            int inputs = sizes[layer - 1];
            int units = sizes[layer];
            string w = graph.Initializer($"w{layer}", p.Slice(offset, units * inputs), units, inputs);
            offset += units * inputs;
            string b = graph.Initializer($"b{layer}", p.Slice(offset, units), units);
            offset += units;
            current = graph.Node("Gemm", $"linear{layer}", [current, w, b], OnnxGraph.Int("transB", 1));
            current = layer < sizes.Length - 1 ? graph.Node("Relu", $"hidden{layer}", [current]) : current;
        }

        graph.Node("Softmax", OutputName, [current], OnnxGraph.Int("axis", 1));
        return sizes[^1];
    }
}
