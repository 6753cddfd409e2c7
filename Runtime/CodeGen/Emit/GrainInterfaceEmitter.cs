using System.Globalization;
using System.Linq;
using OrleansML.Runtime.CodeGen.Model;

namespace OrleansML.Runtime.CodeGen.Emit;

/// <summary>
/// Writes, for one grain interface, a static class in <c>OrleansML.Generated</c> holding the interface's
/// proxy, one request class per method and a module initialiser that registers them.
/// </summary>
internal static class GrainInterfaceEmitter
{
    public static string Emit(GrainInterfaceModel model)
    {
        var w = new CodeWriter();
        w.Line("/// <summary>Proxy, requests and registration of " + model.RuntimeFullName.Replace("+", ".") + ".</summary>");
        w.Line(CodeWriter.GeneratedCodeAttribute);
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Line("internal static class " + model.GeneratedClassName);
        w.Open();
        w.Line("internal const string InterfaceFullName = " + CodeWriter.Literal(model.RuntimeFullName) + ";");
        w.Line();
        EmitRegistration(w, model);
        EmitProxy(w, model);
        foreach (GrainMethodModel method in model.Methods)
        {
            w.Line();
            GrainRequestEmitter.Emit(w, model, method);
        }

        w.Close();
        return w.Finish();
    }

    private static void EmitRegistration(CodeWriter w, GrainInterfaceModel model)
    {
        w.Line("[global::System.Runtime.CompilerServices.ModuleInitializer]");
        w.Line("internal static void Register()");
        w.Open();
        w.Line(CodeWriter.InvocationNamespace + ".GeneratedCodeRegistry.RegisterInterface(new " + CodeWriter.InvocationNamespace + ".GrainInterfaceMetadata(");
        w.Line("    typeof(" + model.TypeName + "),");
        w.Line("    " + (model.HasIntegerKey ? "true" : "false") + ",");
        w.Line("    static (invoker, grainId) => new Proxy(invoker, grainId),");
        w.Line("    new " + CodeWriter.InvocationNamespace + ".GrainRequest[]");
        w.Line("    {");
        foreach (GrainMethodModel method in model.Methods)
        {
            w.Line("        new " + method.RequestClassName + "(),");
        }

        // Only a declared type is emitted, so interfaces without one generate exactly what they did before.
        w.Line(model.DeclaredGrainType is null ? "    }));" : "    },");
        if (model.DeclaredGrainType is not null)
        {
            w.Line("    " + CodeWriter.Literal(model.DeclaredGrainType) + "));");
        }
        w.Close();
        w.Line();
    }

    private static void EmitProxy(CodeWriter w, GrainInterfaceModel model)
    {
        w.Line("/// <summary>The reference returned by GetGrain: each method sends a request through the invoker.</summary>");
        w.Line("internal sealed class Proxy : " + CodeWriter.InvocationNamespace + ".GrainReference, " + model.TypeName);
        w.Open();
        w.Line("public Proxy(" + CodeWriter.InvocationNamespace + ".IGrainCallInvoker invoker, " + CodeWriter.RuntimeNamespace + ".GrainId grainId)");
        w.Line("    : base(invoker, grainId)");
        w.Open();
        w.Close();
        w.Line();
        w.Line("public override string InterfaceName => InterfaceFullName;");
        foreach (GrainMethodModel method in model.Methods)
        {
            // Explicit implementations: a grain method named like a GrainReference member (Equals, InvokeAsync...)
            // must not hide or clash with it, and a method inherited from two interfaces stays two methods.
            string parameters = string.Join(", ", method.Parameters.Select(p => p.Type + " " + p.Name));
            string request = "new " + method.RequestClassName + "(" + string.Join(", ", method.Parameters.Where(p => !p.IsCancellationToken).Select(p => p.Name)) + ")";
            ParameterModel? token = method.Parameters.FirstOrDefault(p => p.IsCancellationToken);
            string callArguments = token is null ? request : request + ", " + token.Name;
            string body = method.ReturnKind switch
            {
                ReturnKind.Task => "base.InvokeVoidAsync(" + callArguments + ")",
                ReturnKind.TaskOfT => "base.InvokeAsync<" + method.ResultType + ">(" + callArguments + ")",
                ReturnKind.ValueTask => "new " + method.ReturnType + "(base.InvokeVoidAsync(" + callArguments + "))",
                ReturnKind.ValueTaskOfT => "new " + method.ReturnType + "(base.InvokeAsync<" + method.ResultType + ">(" + callArguments + "))",
                _ => "base.InvokeStreamAsync<" + method.ResultType + ">(" + callArguments + ")",
            };
            w.Line();
            w.Line(method.ReturnType + " " + method.DeclaringInterface + "." + method.EscapedName + "(" + parameters + ")");
            w.Line("    => " + body + ";");
        }

        w.Close();
    }

    public static string HexId(uint id) => "0x" + id.ToString("X8", CultureInfo.InvariantCulture) + "u";
}
