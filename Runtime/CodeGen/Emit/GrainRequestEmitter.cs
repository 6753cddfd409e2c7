using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using OrleansML.Runtime.CodeGen.Model;

namespace OrleansML.Runtime.CodeGen.Emit;

/// <summary>Writes the request class of one grain method: its arguments as fields, how to write and read
/// them, how to call the grain, and how to write and read the result.</summary>
internal static class GrainRequestEmitter
{
    private const string Task = "global::System.Threading.Tasks";
    private const string CancellationToken = "global::System.Threading.CancellationToken";

    public static void Emit(CodeWriter w, GrainInterfaceModel model, GrainMethodModel method)
    {
        var arguments = new List<(ParameterModel Parameter, string Field)>();
        foreach (ParameterModel parameter in method.Parameters.Where(p => !p.IsCancellationToken))
        {
            arguments.Add((parameter, "_arg" + arguments.Count.ToString(CultureInfo.InvariantCulture)));
        }

        w.Line("/// <summary>A call to " + method.Signature.Replace("<", "{").Replace(">", "}") + ".</summary>");
        w.Line("internal sealed class " + method.RequestClassName + " : " + CodeWriter.InvocationNamespace + ".GrainRequest");
        w.Open();
        w.Line("internal const string MethodSignature = " + CodeWriter.Literal(method.Signature) + ";");
        w.Line("internal const uint StableMethodId = " + GrainInterfaceEmitter.HexId(method.MethodId) + ";");
        foreach ((ParameterModel parameter, string field) in arguments)
        {
            w.Line("private " + parameter.Type + " " + field + " = default!;");
        }

        w.Line();
        w.Line("public " + method.RequestClassName + "()");
        w.Open();
        w.Close();
        if (arguments.Count > 0)
        {
            w.Line();
            w.Line("public " + method.RequestClassName + "(" + string.Join(", ", arguments.Select(a => a.Parameter.Type + " " + a.Field.Substring(1))) + ")");
            w.Open();
            foreach ((_, string field) in arguments)
            {
                w.Line(field + " = " + field.Substring(1) + ";");
            }

            w.Close();
        }

        w.Line();
        w.Line("public override string InterfaceName => InterfaceFullName;");
        w.Line();
        w.Line("public override string MethodName => " + CodeWriter.Literal(method.Name) + ";");
        w.Line();
        w.Line("public override uint MethodId => StableMethodId;");
        w.Line();
        string flags = method.Flags.Count == 0
            ? CodeWriter.InvocationNamespace + ".InvokeMethodOptions.None"
            : string.Join(" | ", method.Flags.Select(f => CodeWriter.InvocationNamespace + ".InvokeMethodOptions." + f));
        w.Line("public override " + CodeWriter.InvocationNamespace + ".InvokeMethodOptions Flags => " + flags + ";");
        w.Line();
        w.Line("public override void WriteArguments(ref " + CodeWriter.SerializationNamespace + ".BodyWriter writer)");
        w.Open();
        foreach ((ParameterModel parameter, string field) in arguments)
        {
            w.Line("writer.Write<" + parameter.Type + ">(" + field + ");");
        }

        w.Close();
        w.Line();
        w.Line("public override void ReadArguments(ref " + CodeWriter.SerializationNamespace + ".BodyReader reader)");
        w.Open();
        foreach ((ParameterModel parameter, string field) in arguments)
        {
            w.Line(field + " = reader.Read<" + parameter.Type + ">();");
        }

        w.Close();
        w.Line();
        EmitInvoke(w, method, arguments);
        w.Line();
        EmitResult(w, method);
        w.Line();
        w.Line("public override " + CodeWriter.InvocationNamespace + ".GrainRequest CreateEmpty() => new " + method.RequestClassName + "();");
        w.Close();
    }

    private static void EmitInvoke(CodeWriter w, GrainMethodModel method, List<(ParameterModel Parameter, string Field)> arguments)
    {
        int next = 0;
        string call = "((" + method.DeclaringInterface + ")grain)." + method.EscapedName + "("
            + string.Join(", ", method.Parameters.Select(p => p.IsCancellationToken ? "callCancellation" : arguments[next++].Field)) + ")";
        string signature = Task + ".ValueTask<object?> InvokeAsync(object grain, " + CancellationToken + " callCancellation)";
        switch (method.ReturnKind)
        {
            case ReturnKind.Task:
            case ReturnKind.ValueTask:
                w.Line("public override async " + signature);
                w.Open();
                w.Line("await " + call + ".ConfigureAwait(false);");
                w.Line("return null;");
                w.Close();
                break;
            case ReturnKind.TaskOfT:
            case ReturnKind.ValueTaskOfT:
                w.Line("public override async " + signature);
                w.Open();
                w.Line("return await " + call + ".ConfigureAwait(false);");
                w.Close();
                break;
            default:
                // The runtime enumerates any stream as IAsyncEnumerable<object?>: reference-type items get that
                // view for free (covariance); value-type items are boxed one by one.
                string stream = "global::System.Collections.Generic.IAsyncEnumerable<" + method.ResultType + ">";
                w.Line("public override " + signature);
                w.Open();
                w.Line(stream + " stream = " + call + ";");
                w.Line("return new " + Task + ".ValueTask<object?>(" + (method.ResultIsReferenceType ? "stream" : "BoxItems(stream)") + ");");
                w.Close();
                if (!method.ResultIsReferenceType)
                {
                    w.Line();
                    w.Line("private static async global::System.Collections.Generic.IAsyncEnumerable<object?> BoxItems(" + stream + " source, [global::System.Runtime.CompilerServices.EnumeratorCancellation] " + CancellationToken + " cancellationToken = default)");
                    w.Open();
                    w.Line("await foreach (" + method.ResultType + " item in global::System.Threading.Tasks.TaskAsyncEnumerableExtensions.WithCancellation(source, cancellationToken).ConfigureAwait(false))");
                    w.Open();
                    w.Line("yield return item;");
                    w.Close();
                    w.Close();
                }

                break;
        }
    }

    private static void EmitResult(CodeWriter w, GrainMethodModel method)
    {
        w.Line("public override void WriteResult(ref " + CodeWriter.SerializationNamespace + ".BodyWriter writer, object? result)");
        w.Open();
        if (method.ResultType is not null)
        {
            w.Line("writer.Write<" + method.ResultType + ">((" + method.ResultType + ")result!);");
        }

        w.Close();
        w.Line();
        w.Line("public override object? ReadResult(ref " + CodeWriter.SerializationNamespace + ".BodyReader reader)");
        w.Line(method.ResultType is null ? "    => null;" : "    => reader.Read<" + method.ResultType + ">();");
    }
}
