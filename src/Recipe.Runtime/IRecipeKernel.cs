using System;

namespace Recipe.Runtime;

/// <summary>
/// A compiled recipe as a type argument: every member is static, so <c>Sampler&lt;TKernel&gt;</c> and the loaders are
/// specialised by the JIT with no virtual call. The generator emits one implementation per recipe.
/// </summary>
public interface IRecipeKernel
{
    static abstract string Name { get; }

    /// <summary>Content hash of the canonical recipe (see <c>RecipeHash</c>).</summary>
    static abstract string Hash { get; }

    /// <summary>The recipe in canonical JSON.</summary>
    static abstract string CanonicalJson { get; }

    static abstract int SourceCount { get; }

    static abstract long TotalTokens { get; }

    static abstract int SequenceLength { get; }

    static abstract long Seed { get; }

    /// <summary>A new instance of the recipe the build checked, as the model's objects (no JSON read).</summary>
    static abstract Recipe.Model.Recipe CreateModel();

    /// <summary>w(t): the fraction of the mix of each source at token position <paramref name="token"/>.</summary>
    static abstract void Weights(long token, Span<double> weights);

    /// <summary>∫₀ᵗ w: tokens each source has contributed by position <paramref name="token"/>.</summary>
    static abstract void CumulativeTokens(long token, Span<double> perSource);

    /// <summary>∫₀ᵗ w for one source (the sampler's hot path): the same bits as the vector form.</summary>
    static abstract double CumulativeTokens(long token, int source);
}
