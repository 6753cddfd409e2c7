global using System.Diagnostics;
global using System.Globalization;
global using System.Numerics;
global using System.Runtime.CompilerServices;
global using System.Runtime.InteropServices;
global using System.Runtime.Intrinsics;
global using OrleansML.Learning.Data;
global using OrleansML.Learning.Models;
