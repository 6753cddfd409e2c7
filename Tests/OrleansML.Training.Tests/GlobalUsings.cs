// Namespaces most of this project's tests import.
global using OrleansML.Jobs;
global using OrleansML.Training.Tests.TestSupport;
global using OrleansML.Learning.Models;
global using OrleansML.Shards;
global using OrleansML.Learning.Optimizers;
global using OrleansML.Learning.Data;
global using OrleansML.Tensors;
global using OrleansML.Client;
global using Orleans.TestingHost;
global using Xunit.Abstractions;
global using Microsoft.Extensions.DependencyInjection;
global using System.Globalization;
