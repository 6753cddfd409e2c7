using YamlDotNet.RepresentationModel;

namespace OrleansML.Deploy.Tests.TestSupport;

/// <summary>Reading YAML documents (compose files, Kubernetes manifests) through YamlDotNet's representation model.</summary>
internal static class Yaml
{
    public static List<YamlMappingNode> LoadAll(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return [.. stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    /// <summary>The node at a path of mapping keys (or sequence indexes), or null.</summary>
    public static YamlNode? At(this YamlNode node, params object[] path)
    {
        YamlNode? current = node;
        foreach (object step in path)
        {
            current = (current, step) switch
            {
                (YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? child) ? child : null,
                (YamlSequenceNode list, int index) => index < list.Children.Count ? list.Children[index] : null,
                _ => null,
            };
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    public static string? Text(this YamlNode node, params object[] path) => (node.At(path) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(this YamlNode node, params object[] path) =>
        node.At(path) is YamlSequenceNode list ? list.Children : [];

    public static IEnumerable<KeyValuePair<string, YamlNode>> Entries(this YamlNode node, params object[] path) =>
        node.At(path) is YamlMappingNode map ? map.Children.Select(c => new KeyValuePair<string, YamlNode>(((YamlScalarNode)c.Key).Value!, c.Value)) : [];
}
