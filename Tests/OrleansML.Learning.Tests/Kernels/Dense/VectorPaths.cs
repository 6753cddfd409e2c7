namespace OrleansML.Learning.Tests.Kernels.Dense;

/// <summary>
/// Runs a check once per kernel path the machine could take: scalar, 256-bit (where the CPU has AVX2), and 512-bit
/// (emulated by the runtime where the CPU lacks AVX-512, with the same results), by pinning
/// <see cref="KernelSupport"/>'s level for the calling flow only.
/// </summary>
internal static class VectorPaths
{
    public static void Each(Action<string> check)
    {
        SimdLevel[] levels = KernelSupport.Avx2Available ? [SimdLevel.Scalar, SimdLevel.Avx2, SimdLevel.Avx512] : [SimdLevel.Scalar, SimdLevel.Avx512];
        foreach (SimdLevel level in levels)
        {
            using (KernelSupport.Force(level))
            {
                check(KernelSupport.Name(level));
            }
        }
    }
}
