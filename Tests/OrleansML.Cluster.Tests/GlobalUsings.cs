global using Orleans.Runtime;
global using OrleansML.Cluster.Tests.TestSupport;
global using OrleansML.Jobs;
global using OrleansML.Shards;
global using OrleansML.Tests.Shared;
global using Xunit.Abstractions;
