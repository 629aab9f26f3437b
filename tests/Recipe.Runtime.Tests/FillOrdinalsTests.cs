using System;
using System.Linq;
using Recipe.Runtime.Sampling;

namespace Recipe.Runtime.Tests;

/// <summary>
/// The device loader's split of the sampler: the scheduler's (source, ordinal) on the host (FillOrdinals), epochs and
/// sequences per row elsewhere (Resolve, or the device kernel with the same arithmetic). Together they are Fill.
/// </summary>
public class FillOrdinalsTests
{
    [Fact]
    public void FillOrdinals_then_Resolve_gives_the_samples_of_Fill_anywhere_in_the_run()
    {
        long[] sequences = { 997, 100, 409, 7 };
        var filled = CompiledRecipe.FromKernel<Recipes.TestStatic.Kernel>().CreateSampler(sequencesPerSource: sequences);
        var split = CompiledRecipe.FromKernel<Recipes.TestStatic.Kernel>().CreateSampler(sequencesPerSource: sequences);
        var expected = new SampleRef[512];
        var sources = new int[512];
        var ordinals = new long[512];
        foreach (long first in new[] { 0L, 512, 40_000, 3, filled.Samples - 512 })
        {
            filled.Fill(first, expected);
            split.FillOrdinals(first, sources, ordinals);

            var actual = Enumerable.Range(0, 512).Select(i => split.Resolve(sources[i], ordinals[i])).ToArray();
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Resolve_rejects_an_unknown_source_and_a_negative_ordinal()
    {
        var sampler = CompiledRecipe.FromKernel<Recipes.TestStatic.Kernel>().CreateSampler();

        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Resolve(4, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Resolve(0, -1));
    }

    [Fact]
    public void FillOrdinals_needs_an_ordinal_per_sample()
    {
        var sampler = CompiledRecipe.FromKernel<Recipes.TestStatic.Kernel>().CreateSampler();

        Assert.Throws<ArgumentException>(() => sampler.FillOrdinals(0, new int[8], new long[7]));
    }
}
