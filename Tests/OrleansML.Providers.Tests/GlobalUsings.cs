global using Microsoft.Extensions.DependencyInjection;
global using Orleans.Runtime;
global using Orleans.Storage;
global using OrleansML.Providers.Tests.TestSupport;
global using OrleansML.Tests.Shared;
