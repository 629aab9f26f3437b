using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Recipe.Runtime;

namespace PublishedMixes;

/// <summary>
/// Proves that the generated API of every compiled recipe in this assembly is usable from user code: the weights
/// at a few positions of the run (through the kernel type, as a sampler would call them), the allocated tokens
/// and epochs of the plan, the content hash and the sample count.
/// </summary>
public static class Showcase
{
    /// <summary>One compiled recipe, summarised.</summary>
    /// <param name="Name">The recipe's name.</param>
    /// <param name="Hash">Content hash of the canonical recipe.</param>
    /// <param name="Samples">Sequences in the run.</param>
    /// <param name="Sources">Source names, in declaration order.</param>
    /// <param name="AllocatedTokens">Tokens the run draws from each source.</param>
    /// <param name="Epochs">Epochs of each source over the run.</param>
    /// <param name="WeightsAt">The mix at the start, the middle and the last token of the run.</param>
    public sealed record Summary(
        string Name,
        string Hash,
        long Samples,
        IReadOnlyList<string> Sources,
        IReadOnlyList<double> AllocatedTokens,
        IReadOnlyList<double> Epochs,
        IReadOnlyList<(long Token, double[] Weights)> WeightsAt);

    /// <summary>Every compiled recipe of this assembly, summarised through its generated members.</summary>
    public static IReadOnlyList<Summary> All() => new[]
    {
        Summarise<Llama3_405b.Kernel>(Llama3_405b.SourceNames, Llama3_405b.AllocatedTokens, Llama3_405b.Epochs, Llama3_405b.Samples),
        Summarise<Llama3_405bAnneal.Kernel>(Llama3_405bAnneal.SourceNames, Llama3_405bAnneal.AllocatedTokens, Llama3_405bAnneal.Epochs, Llama3_405bAnneal.Samples),
        Summarise<Llama3Curriculum.Kernel>(Llama3Curriculum.SourceNames, Llama3Curriculum.AllocatedTokens, Llama3Curriculum.Epochs, Llama3Curriculum.Samples),
        Summarise<DeepseekV3.Kernel>(DeepseekV3.SourceNames, DeepseekV3.AllocatedTokens, DeepseekV3.Epochs, DeepseekV3.Samples),
        Summarise<Qwen2_5_72b.Kernel>(Qwen2_5_72b.SourceNames, Qwen2_5_72b.AllocatedTokens, Qwen2_5_72b.Epochs, Qwen2_5_72b.Samples),
        Summarise<MistralLarge_2.Kernel>(MistralLarge_2.SourceNames, MistralLarge_2.AllocatedTokens, MistralLarge_2.Epochs, MistralLarge_2.Samples),
        Summarise<Phi_3.Kernel>(Phi_3.SourceNames, Phi_3.AllocatedTokens, Phi_3.Epochs, Phi_3.Samples),
        Summarise<Chinchilla.Kernel>(Chinchilla.SourceNames, Chinchilla.AllocatedTokens, Chinchilla.Epochs, Chinchilla.Samples),
        Summarise<Gpt_3.Kernel>(Gpt_3.SourceNames, Gpt_3.AllocatedTokens, Gpt_3.Epochs, Gpt_3.Samples),
        Summarise<QualityTemperature.Kernel>(QualityTemperature.SourceNames, QualityTemperature.AllocatedTokens, QualityTemperature.Epochs, QualityTemperature.Samples),
    };

    /// <summary>The summaries as text: one block per recipe, one line per source.</summary>
    public static string Render()
    {
        var text = new StringBuilder();
        foreach (var summary in All())
        {
            text.Append(CultureInfo.InvariantCulture, $"{summary.Name} ({summary.Hash}): {summary.Samples:N0} samples\n");
            for (int i = 0; i < summary.Sources.Count; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {summary.Sources[i],-14}");
                foreach (var (token, weights) in summary.WeightsAt)
                {
                    text.Append(CultureInfo.InvariantCulture, $" {weights[i],7:P1}@{token / 1e12:0.##}T");
                }
                text.Append(CultureInfo.InvariantCulture, $"  allocated {summary.AllocatedTokens[i] / 1e9,8:0.#}B  epochs {summary.Epochs[i]:0.00}\n");
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// What a sampler specialised on <typeparamref name="TKernel"/> sees, plus the plan's arrays (which are members of
    /// the recipe class, not of the kernel interface). The cumulative tokens at the end of the run must equal the
    /// allocated tokens: both are the exact integral of the weights.
    /// </summary>
    public static Summary Summarise<TKernel>(ReadOnlySpan<string> sources, ReadOnlySpan<double> allocated, ReadOnlySpan<double> epochs, long samples)
        where TKernel : IRecipeKernel
    {
        if (sources.Length != TKernel.SourceCount) throw new InvalidOperationException($"{TKernel.Name}: {sources.Length} source names for {TKernel.SourceCount} sources");
        var positions = new[] { 0L, TKernel.TotalTokens / 2, TKernel.TotalTokens - 1 };
        var weightsAt = new List<(long, double[])>();
        foreach (long token in positions)
        {
            var weights = new double[TKernel.SourceCount];
            TKernel.Weights(token, weights);
            weightsAt.Add((token, weights));
        }

        Span<double> cumulative = stackalloc double[TKernel.SourceCount];
        TKernel.CumulativeTokens(TKernel.TotalTokens, cumulative);
        for (int i = 0; i < cumulative.Length; i++)
        {
            if (Math.Abs(cumulative[i] - allocated[i]) > 1e-9 * TKernel.TotalTokens)
            {
                throw new InvalidOperationException($"{TKernel.Name}: source '{sources[i]}' integrates to {cumulative[i]} tokens but the plan allocates {allocated[i]}");
            }
        }

        return new Summary(TKernel.Name, TKernel.Hash, samples, sources.ToArray(), allocated.ToArray(), epochs.ToArray(), weightsAt);
    }
}
