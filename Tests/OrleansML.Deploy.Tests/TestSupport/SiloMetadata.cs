using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace OrleansML.Deploy.Tests.TestSupport;

/// <summary>The silo host's types as metadata (System.Reflection.Metadata): names and settable properties, without
/// loading the assembly or anything it references.</summary>
internal sealed class SiloMetadata
{
    private readonly Dictionary<string, HashSet<string>> _settableByType = new(StringComparer.Ordinal);

    public SiloMetadata(string assemblyPath)
    {
        using FileStream stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        MetadataReader reader = pe.GetMetadataReader();
        foreach (TypeDefinitionHandle handle in reader.TypeDefinitions)
        {
            TypeDefinition type = reader.GetTypeDefinition(handle);
            var settable = new HashSet<string>(StringComparer.Ordinal);
            foreach (PropertyDefinitionHandle propertyHandle in type.GetProperties())
            {
                PropertyDefinition property = reader.GetPropertyDefinition(propertyHandle);
                MethodDefinitionHandle setter = property.GetAccessors().Setter;
                if (!setter.IsNil && (reader.GetMethodDefinition(setter).Attributes & MethodAttributes.MemberAccessMask) == MethodAttributes.Public)
                {
                    settable.Add(reader.GetString(property.Name));
                }
            }

            _settableByType[$"{reader.GetString(type.Namespace)}.{reader.GetString(type.Name)}"] = settable;
        }
    }

    /// <summary>Whether type <paramref name="typeNamespace"/>.<paramref name="typeName"/> exists and has a public
    /// setter (or init) named <paramref name="property"/>.</summary>
    public bool HasSettableProperty(string typeNamespace, string typeName, string property) =>
        _settableByType.TryGetValue($"{typeNamespace}.{typeName}", out HashSet<string>? settable) && settable.Contains(property);
}
