global using OrleansML.Client;
global using OrleansML.Jobs;
global using OrleansML.Learning.Models;
global using System.CommandLine;
global using System.Globalization;
