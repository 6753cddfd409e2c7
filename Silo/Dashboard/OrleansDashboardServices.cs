namespace OrleansML.Silo.Dashboard;

/// <summary>The Orleans Dashboard's service types that its pages resolve, which the silo's container holds and
/// <see cref="OrleansDashboardEndpoint"/> hands on to its web application.</summary>
internal sealed record OrleansDashboardServices(IReadOnlyList<Type> Types);
