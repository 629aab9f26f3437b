using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// Whether the sampler takes its AVX-512 paths (eight deadlines or eight permutations at a time). They compute the
/// same bits as the scalar paths; the switch exists so tests can run both on a machine that has AVX-512.
/// </summary>
internal static class VectorPaths
{
    private static volatile bool s_disabled;

    /// <summary>AVX-512 (F and DQ) is present and not switched off.</summary>
    public static bool Enabled => !s_disabled && Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512DQ.IsSupported;

    /// <summary>Tests only: takes the scalar paths while <paramref name="disabled"/> (results are the same either way).</summary>
    internal static void Disable(bool disabled) => s_disabled = disabled;
}
