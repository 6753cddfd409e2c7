namespace OrleansML.Learning.Kernels;

/// <summary>The widest vector instructions a kernel may use; ordered, so a wider level compares greater.</summary>
internal enum SimdLevel
{
    /// <summary>Plain scalar loops: the reference the vector paths are tested against.</summary>
    Scalar = 0,

    /// <summary>256-bit vectors (AVX2 with FMA on x64, where the gathers come from).</summary>
    Avx2 = 1,

    /// <summary>512-bit vectors (AVX-512 on x64).</summary>
    Avx512 = 2,
}
