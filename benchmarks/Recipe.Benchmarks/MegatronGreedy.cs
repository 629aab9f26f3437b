using System;
using Recipe.Model;

namespace Recipe.Benchmarks;

/// <summary>
/// The reference the sampler is measured against: Megatron-LM's blended-dataset index (build_blending_indices in
/// megatron/core/datasets/helpers.cpp), ported line for line: for each sample pick the dataset with the largest
/// error weight·max(i, 1) − count, and record it with the dataset's running count. Static weights only; that is
/// what Megatron supports (a curriculum means relaunching with a new blend).
/// </summary>
public sealed class MegatronGreedy
{
    private readonly double[] _weights;
    private readonly long[] _counts;

    public MegatronGreedy(double[] weights)
    {
        _weights = weights;
        _counts = new long[weights.Length];
    }

    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>Samples [first, first + count) as (dataset index, sample index within the dataset).</summary>
    public void Build(long first, Span<short> datasetIndex, Span<long> datasetSampleIndex)
    {
        var weights = _weights;
        var counts = _counts;
        for (int s = 0; s < datasetIndex.Length; s++)
        {
            double sampleIndex = Math.Max(first + s, 1.0);
            int best = 0;
            double bestError = weights[0] * sampleIndex - counts[0];
            for (int k = 1; k < weights.Length; k++)
            {
                double error = weights[k] * sampleIndex - counts[k];
                if (error > bestError)
                {
                    bestError = error;
                    best = k;
                }
            }
            datasetIndex[s] = (short)best;
            datasetSampleIndex[s] = counts[best]++;
        }
    }

    /// <summary>The normalised weights of a one-phase recipe.</summary>
    public static double[] StaticWeights(Recipe.Model.Recipe recipe) => WeightSchedule.Normalize(recipe.Schedule.Phases[0]);
}
