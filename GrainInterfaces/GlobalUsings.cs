global using OrleansML.Learning.Models;
global using OrleansML.Tensors;
