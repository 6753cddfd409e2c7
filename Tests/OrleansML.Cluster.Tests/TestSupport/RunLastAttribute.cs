using Xunit.Sdk;

namespace OrleansML.Cluster.Tests.TestSupport;

/// <summary>Marks a test that its class runs after the others (see <see cref="RunLastOrderer"/>): one that awaits
/// work its fixture started in the background, so that the other tests run meanwhile.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RunLastAttribute : Attribute;

/// <summary>Orders a class's tests as xUnit would, with those marked <see cref="RunLastAttribute"/> at the end.</summary>
public sealed class RunLastOrderer : ITestCaseOrderer
{
    /// <summary>The orderer's name for <see cref="TestCaseOrdererAttribute"/>.</summary>
    public const string TypeName = "OrleansML.Cluster.Tests.TestSupport.RunLastOrderer";

    public const string AssemblyName = "OrleansML.Cluster.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.GetCustomAttributes(typeof(RunLastAttribute)).Any()).ThenBy(t => t.DisplayName, StringComparer.Ordinal);
}
