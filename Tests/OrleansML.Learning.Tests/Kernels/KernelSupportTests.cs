using System.Runtime.Intrinsics;

namespace OrleansML.Learning.Tests.Kernels;

public class KernelSupportTests
{
    [Fact]
    public void Detected_level_follows_what_the_machine_accelerates()
    {
        SimdLevel expected = Vector512.IsHardwareAccelerated && KernelSupport.Avx2Available ? SimdLevel.Avx512
            : KernelSupport.Avx2Available ? SimdLevel.Avx2
            : SimdLevel.Scalar;
        Assert.Equal(expected, KernelSupport.Detected);
        Assert.Equal(expected, KernelSupport.Level);
        Assert.Equal(expected switch { SimdLevel.Avx512 => "avx512", SimdLevel.Avx2 => "avx2", _ => "scalar" }, KernelSupport.Name(expected));
    }

    [Fact]
    public void Force_pins_a_level_for_the_flow_and_restores_the_previous_one()
    {
        using (KernelSupport.Force(SimdLevel.Scalar))
        {
            Assert.Equal(SimdLevel.Scalar, KernelSupport.Level);
            using (KernelSupport.Force(SimdLevel.Avx512))
            {
                Assert.Equal(SimdLevel.Avx512, KernelSupport.Level);
            }

            Assert.Equal(SimdLevel.Scalar, KernelSupport.Level);
        }

        Assert.Equal(KernelSupport.Detected, KernelSupport.Level);
    }

    [Fact]
    public async Task A_forced_level_does_not_leak_into_other_flows()
    {
        using var pinned = KernelSupport.Force(SimdLevel.Scalar);
        SimdLevel elsewhere = await Task.Run(() =>
        {
            using (KernelSupport.Force(SimdLevel.Avx512))
            {
                return KernelSupport.Level;
            }
        });
        Assert.Equal(SimdLevel.Avx512, elsewhere);
        Assert.Equal(SimdLevel.Scalar, KernelSupport.Level);
    }

    [Fact]
    public void Avx2_can_be_forced_exactly_where_the_cpu_has_it()
    {
        if (KernelSupport.Avx2Available)
        {
            using (KernelSupport.Force(SimdLevel.Avx2))
            {
                Assert.Equal(SimdLevel.Avx2, KernelSupport.Level);
            }
        }
        else
        {
            Assert.Throws<ArgumentException>(() => KernelSupport.Force(SimdLevel.Avx2));
        }
    }
}
