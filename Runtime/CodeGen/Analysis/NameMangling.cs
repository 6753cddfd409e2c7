using System.Text;

namespace OrleansML.Runtime.CodeGen.Analysis;

/// <summary>
/// Turns a type's full name into one identifier, reversibly, so that generated class names are unique:
/// '_' becomes "__", '+' (a nested type) becomes "_1" and '.' becomes "_". Identifiers never start with a
/// digit, so "_1" after a separator cannot be confused with an escaped underscore followed by a digit.
/// </summary>
internal static class NameMangling
{
    public static string Mangle(string runtimeFullName)
    {
        var builder = new StringBuilder(runtimeFullName.Length + 8);
        foreach (char c in runtimeFullName)
        {
            switch (c)
            {
                case '_':
                    builder.Append("__");
                    break;
                case '+':
                    builder.Append("_1");
                    break;
                case '.':
                    builder.Append('_');
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }
}
