using OrleansML.Learning.Kernels;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Learning.Tests.Kernels.Dense;

/// <summary>
/// Runs a check once per kernel path the machine could take: scalar, 256-bit, and 512-bit (emulated by the
/// runtime where the CPU lacks AVX-512, with the same results), by setting the run-time switches the
/// kernels read.
/// </summary>
/// <remarks>The switches are process-wide, so tests that use this run in <see cref="KernelPathGroup"/>, never alongside others.</remarks>
internal static class VectorPaths
{
    public static readonly (string Name, bool Vectors, bool Wide)[] All = [("scalar", false, false), ("256-bit", true, false), ("512-bit", true, true)];

    public static void Each(Action<string> check)
    {
        bool vectors = VectorMath.UseVectors, wide = VectorMath.UseVector512, adamWide = AdamOptimizer.UseVector512;
        try
        {
            foreach ((string name, bool useVectors, bool useWide) in All)
            {
                VectorMath.UseVectors = useVectors;
                VectorMath.UseVector512 = useWide;
                AdamOptimizer.UseVector512 = useWide;
                check(name);
            }
        }
        finally
        {
            VectorMath.UseVectors = vectors;
            VectorMath.UseVector512 = wide;
            AdamOptimizer.UseVector512 = adamWide;
        }
    }
}

/// <summary>Tests that switch kernel paths; xunit runs this collection on its own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelPathGroup
{
    public const string Name = "kernel paths";
}
