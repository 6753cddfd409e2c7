global using OrleansML.Cluster.Tests.TestSupport;
global using OrleansML.Deploy.Tests.TestSupport;
global using OrleansML.Tests.Shared;
