using Google.Protobuf;
using OrleansML.Learning.Models.Onnx.Proto;

namespace OrleansML.Learning.Models.Onnx;

/// <summary>Builds one ONNX graph: float initializers, nodes in topological order, and float tensor inputs and
/// outputs whose first dimension is the symbolic row count.</summary>
internal sealed class OnnxGraph
{
    /// <summary>The symbolic name of the batch dimension.</summary>
    public const string RowsDimension = "rows";

    private readonly GraphProto _graph;
    private int _nodes;

    public OnnxGraph(string name) => _graph = new GraphProto { Name = name };

    public GraphProto Proto => _graph;

    /// <summary>Adds a float32 constant of shape <paramref name="dims"/>, stored little-endian in raw_data.</summary>
    public string Initializer(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        long count = dims.Aggregate(1L, (a, b) => a * b);
        if (count != values.Length)
        {
            throw new ArgumentException($"initializer '{name}' has {values.Length} values for a shape of {count}.", nameof(values));
        }

        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(dims);
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds an int64 constant (shape arguments such as ReduceSum's axes).</summary>
    public string Int64Initializer(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.Add(values);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node and returns its (single) output's name.</summary>
    public string Node(string opType, string output, string[] inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType.ToLowerInvariant()}_{_nodes++}" };
        node.Input.Add(inputs);
        node.Output.Add(output);
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>A float input of <paramref name="columns"/> columns per row.</summary>
    public string Input(string name, long columns)
    {
        _graph.Input.Add(FloatRows(name, columns));
        return name;
    }

    /// <summary>Declares <paramref name="name"/> as a float output of <paramref name="columns"/> columns per row.</summary>
    public void Output(string name, long columns) => _graph.Output.Add(FloatRows(name, columns));

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static ValueInfoProto FloatRows(string name, long columns)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = RowsDimension });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = columns });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
