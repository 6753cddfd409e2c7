using System.Linq;
using OrleansML.Runtime.CodeGen.Model;

namespace OrleansML.Runtime.CodeGen.Emit;

/// <summary>Writes, for one grain class, a module initialiser registering its <c>GrainClassMetadata</c>
/// with an activator that calls the constructor directly (no reflection, no DI activator utilities).</summary>
internal static class GrainClassEmitter
{
    public static string Emit(GrainClassModel model)
    {
        var w = new CodeWriter();
        w.Line("/// <summary>Registration of the grain class " + model.DisplayName.Replace("<", "{").Replace(">", "}") + ".</summary>");
        w.Line(CodeWriter.GeneratedCodeAttribute);
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Line("internal static class " + model.GeneratedClassName);
        w.Open();
        w.Line("internal const string GrainType = " + CodeWriter.Literal(model.GrainType) + ";");
        w.Line();
        w.Line("[global::System.Runtime.CompilerServices.ModuleInitializer]");
        w.Line("internal static void Register()");
        w.Open();
        w.Line(CodeWriter.InvocationNamespace + ".GeneratedCodeRegistry.RegisterGrainClass(new " + CodeWriter.InvocationNamespace + ".GrainClassMetadata(");
        w.Line("    typeof(" + model.TypeName + "),");
        w.Line("    GrainType,");
        w.Line("    new global::System.Type[] { " + string.Join(", ", model.Interfaces.Select(i => "typeof(" + i + ")")) + " },");
        w.Line("    " + CodeWriter.RuntimeNamespace + ".PlacementStrategy." + model.Placement + ",");
        w.Line("    " + (model.IsReentrant ? "true" : "false") + ",");
        w.Line("    static (services, context) => " + CodeWriter.RuntimeNamespace + ".GrainConstructionScope.Construct(context, () => new " + model.TypeName + "(");
        for (int i = 0; i < model.ConstructorParameters.Count; i++)
        {
            string separator = i == model.ConstructorParameters.Count - 1 ? string.Empty : ",";
            w.Line("        " + Argument(model, model.ConstructorParameters[i]) + separator);
        }

        w.Line("    ))));");
        w.Close();
        w.Close();
        return w.Finish();
    }

    private static string Argument(GrainClassModel model, ConstructorParameterModel parameter)
    {
        switch (parameter.Source)
        {
            case ConstructorParameterSource.PersistentState:
                return "context.GetPersistentState<" + parameter.TypeOfName + ">(" + CodeWriter.Literal(parameter.StateName!) + ", " + CodeWriter.Literal(parameter.StorageName!) + ")";
            case ConstructorParameterSource.GrainContext:
                return "context";
            default:
                string resolve = "services.GetService(typeof(" + parameter.TypeOfName + "))";
                if (parameter.AllowsNull)
                {
                    return "(" + parameter.Type + ")" + resolve;
                }

                string message = "Grain class '" + model.DisplayName + "' needs the service '" + parameter.TypeOfName.Replace("global::", string.Empty)
                    + "' for its constructor parameter '" + parameter.Name + "', but the silo's services do not provide it. Register it in the silo's service collection.";
                return "(" + parameter.Type + ")(" + resolve + " ?? throw new global::System.InvalidOperationException(" + CodeWriter.Literal(message) + "))";
        }
    }
}
