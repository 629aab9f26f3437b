using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.Json.Nodes;
using PublishedMixes;
using Recipe.Runtime;

namespace Recipe.EndToEnd.Tests;

/// <summary>
/// The compiled published mixes, consumed as user code: the registry lists them, the generated weights match the
/// published table, every source stays within its epoch limit, and the C# Llama 3 curriculum is the JSON one.
/// </summary>
public sealed class PublishedMixesConsumerTests
{
    /// <summary>The approximate published mixes the examples encode: web, code, math, books, other in %.</summary>
    public static readonly IReadOnlyDictionary<string, (double Web, double Code, double Math, double Books, double Other)> Table =
        new Dictionary<string, (double, double, double, double, double)>
        {
            ["deepseek-v3"] = (45, 30, 10, 3, 12),
            ["qwen2.5-72b"] = (55, 20, 8, 5, 12),
            ["mistral-large-2"] = (55, 20, 5, 5, 15),
            ["phi-3"] = (40, 25, 15, 5, 15),
            ["chinchilla"] = (75, 8, 2, 10, 5),
            ["gpt-3"] = (82, 3, 0, 12, 3),
        };

    [Fact]
    public void The_assembly_registry_lists_every_compiled_recipe()
    {
        var registered = typeof(Showcase).Assembly.GetCustomAttributes<CompiledRecipeAttribute>()
            .Select(a => a.Name)
            .OrderBy(n => n, StringComparer.Ordinal);
        var expected = new[] { "llama3-405b", "llama3-405b-anneal", "llama3-405b-csharp", "quality-temperature" }.Concat(Table.Keys).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(expected, registered);
        Assert.Equal(expected, Showcase.All().Select(s => s.Name).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_mix_is_a_distribution_and_no_source_passes_four_epochs()
    {
        foreach (var summary in Showcase.All())
        {
            foreach (var (token, weights) in summary.WeightsAt)
            {
                Assert.All(weights, w => Assert.InRange(w, 0.0, 1.0));
                Assert.Equal(1.0, weights.Sum(), 12);
            }
            Assert.All(summary.Epochs, e => Assert.InRange(e, 0.0, 4.0));
            Assert.Equal(16, summary.Hash.Length);
        }
        Assert.NotEmpty(Showcase.Render());
    }

    [Fact]
    public void Static_mixes_hold_the_published_percentages_over_the_whole_run()
    {
        var summaries = Showcase.All().ToDictionary(s => s.Name);
        foreach (var (name, row) in Table)
        {
            var summary = summaries[name];
            var expected = new Dictionary<string, double>
            {
                ["web"] = row.Web, ["code"] = row.Code, ["math"] = row.Math, ["books"] = row.Books, ["other"] = row.Other,
            };
            foreach (var (_, weights) in summary.WeightsAt)
            {
                for (int i = 0; i < summary.Sources.Count; i++)
                {
                    Assert.Equal(expected[summary.Sources[i]] / 100, weights[i], 12);
                }
            }
            // GPT-3 has no math source at all (a zero-weight source would be RCP011).
            Assert.Equal(row.Math == 0 ? 4 : 5, summary.Sources.Count);
        }
    }

    [Fact]
    public void Epochs_are_allocated_over_declared_tokens()
    {
        AssertEpochs(DeepseekV3.Epochs, 0.666, 1.48, 2.96, 2.96, 1.776);
        AssertEpochs(Qwen2_5_72b.Epochs, 0.825, 1.2, 1.44, 3.0, 2.16);
        AssertEpochs(MistralLarge_2.Epochs, 0.825, 1.2, 2.0, 3.0, 1.8);
        AssertEpochs(Phi_3.Epochs, 0.96, 1.2, 1.44, 2.4, 1.44);
        AssertEpochs(Chinchilla.Epochs, 0.7, 0.28, 1.4, 1.4, 1.4);
        AssertEpochs(Gpt_3.Epochs, 246.0 / 410, 0.9, 36.0 / 67, 9.0 / 22);

        static void AssertEpochs(ReadOnlySpan<double> actual, params double[] expected)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 9);
        }
    }

    [Fact]
    public void The_annealing_continuation_is_the_llama3_curriculum_up_to_12T_and_its_own_mix_after()
    {
        var recipe = CompiledRecipe.FromKernel<Llama3_405bAnneal.Kernel>();
        Assert.Equal(Llama3_405b.Hash, recipe.Earlier!.Hash);
        Assert.Equal((Llama3_405b.SequenceLength, Llama3_405b.Seed), (Llama3_405bAnneal.SequenceLength, Llama3_405bAnneal.Seed));
        Assert.Equal(1_464_843_750, recipe.SwitchSample);
        Assert.Equal(17_000_000_000_000, Llama3_405bAnneal.TotalTokens);
        double[] curriculum = new double[6], anneal = new double[6];
        foreach (long token in new[] { 0L, 8_000_000_000_000, 11_999_999_999_999 })
        {
            Llama3_405b.Weights(token, curriculum);
            Llama3_405bAnneal.Weights(token, anneal);
            Assert.Equal(curriculum, anneal);
            Llama3_405b.CumulativeTokens(token + 1, curriculum);
            Llama3_405bAnneal.CumulativeTokens(token + 1, anneal);
            Assert.Equal(curriculum, anneal);
        }
        // From the switch, the annealing mix instead of the reasoning-to-quality ramp.
        Llama3_405bAnneal.Weights(12_000_000_000_000, anneal);
        Assert.Equal(new[] { 0.38, 0.27, 0.14, 0.07, 0.05, 0.09 }, anneal.Select(w => Math.Round(w, 12)));
        Assert.All(Llama3_405bAnneal.Epochs.ToArray(), e => Assert.InRange(e, 0.0, 4.0));
    }

    [Fact]
    public void The_csharp_curriculum_compiles_to_the_same_recipe_as_the_json_one()
    {
        Assert.True(Llama3Curriculum.SourceNames.SequenceEqual(Llama3_405b.SourceNames));
        Assert.True(Llama3Curriculum.DeclaredTokens.SequenceEqual(Llama3_405b.DeclaredTokens));
        Assert.True(Llama3Curriculum.AllocatedTokens.SequenceEqual(Llama3_405b.AllocatedTokens));
        Assert.True(Llama3Curriculum.Epochs.SequenceEqual(Llama3_405b.Epochs));
        Assert.Equal(Llama3_405b.Samples, Llama3Curriculum.Samples);
        Assert.Equal((Llama3_405b.Sources.Web, Llama3_405b.Sources.Code, Llama3_405b.Sources.Multilingual), (Llama3Curriculum.Web.Index, Llama3Curriculum.Code.Index, Llama3Curriculum.Multilingual.Index));

        // Same canonical recipe but for the name and description, hence different hashes.
        Assert.NotEqual(Llama3_405b.Hash, Llama3Curriculum.Hash);
        var json = JsonNode.Parse(Llama3_405b.CanonicalJson)!.AsObject();
        var csharp = JsonNode.Parse(Llama3Curriculum.CanonicalJson)!.AsObject();
        foreach (var document in new[] { json, csharp })
        {
            document.Remove("name");
            document.Remove("description");
        }
        Assert.True(JsonNode.DeepEquals(json, csharp), $"JSON: {json.ToJsonString()}\nC#:   {csharp.ToJsonString()}");

        // Bit-identical weights and integrals, at phase boundaries and between them.
        long[] positions = { 0, 1, 4_000_000_000_000, 7_999_999_999_999, 8_000_000_000_000, 10_500_000_000_000, 12_999_999_999_999, 13_000_000_000_000, 15_599_999_999_999, 15_600_000_000_000 };
        Span<double> a = stackalloc double[6], b = stackalloc double[6];
        foreach (long token in positions)
        {
            Llama3_405b.Weights(token, a);
            Llama3Curriculum.Weights(token, b);
            Assert.True(a.SequenceEqual(b), $"weights differ at {token}");
            Llama3_405b.CumulativeTokens(token, a);
            Llama3Curriculum.CumulativeTokens(token, b);
            Assert.True(a.SequenceEqual(b), $"cumulative tokens differ at {token}");
        }
    }

    [Fact]
    public void The_llama3_curriculum_follows_reference_001_section_5()
    {
        Span<double> w = stackalloc double[Llama3Curriculum.SourceCount];
        // Phase starts hold the phase weights exactly (linear interpolation between them).
        Llama3Curriculum.Weights(0, w);
        Assert.Equal(new[] { 0.55, 0.20, 0.05, 0.05, 0.05, 0.10 }, w.ToArray(), (x, y) => Math.Abs(x - y) < 1e-12);
        Llama3Curriculum.Weights(8_000_000_000_000, w);
        Assert.Equal(new[] { 0.45, 0.30, 0.10, 0.05, 0.03, 0.07 }, w.ToArray(), (x, y) => Math.Abs(x - y) < 1e-12);
        Llama3Curriculum.Weights(13_000_000_000_000, w);
        Assert.Equal(new[] { 0.40, 0.25, 0.15, 0.06, 0.04, 0.10 }, w.ToArray(), (x, y) => Math.Abs(x - y) < 1e-12);
        // Halfway through the first ramp: the average of foundation and reasoning.
        Llama3Curriculum.Weights(4_000_000_000_000, w);
        Assert.Equal(0.50, w[Llama3Curriculum.Web.Index], 12);
        Assert.Equal(0.25, w[Llama3Curriculum.Code.Index], 12);
        // The run draws 7.165T web tokens: the exact integral, not a mid-run sample of the weights.
        Assert.Equal(7.165e12, Llama3Curriculum.AllocatedTokens[Llama3Curriculum.Web.Index], 0);
    }

    [Fact]
    public void The_temperature_schedule_moves_the_mix_toward_quality()
    {
        // w_i(t) ∝ base_i · quality_i^(1/T), T from 1.0 at the start to 0.3 at the end.
        double[] baseWeights = { 50, 25, 8, 5, 12 }, quality = { 0.4, 0.7, 0.9, 0.85, 0.6 };
        Span<double> w = stackalloc double[QualityTemperature.SourceCount];
        foreach (var (token, temperature) in new[] { (0L, 1.0), (QualityTemperature.TotalTokens / 2, 0.65), (QualityTemperature.TotalTokens, 0.3) })
        {
            var raw = baseWeights.Select((b, i) => b * Math.Pow(quality[i], 1 / temperature)).ToArray();
            QualityTemperature.Weights(token, w);
            for (int i = 0; i < raw.Length; i++) Assert.Equal(raw[i] / raw.Sum(), w[i], 12);
        }

        // The integral adds up to the tokens so far, and the run draws less web than its base weight would.
        Span<double> cumulative = stackalloc double[QualityTemperature.SourceCount];
        for (long token = 0; token <= QualityTemperature.TotalTokens; token += QualityTemperature.TotalTokens / 16)
        {
            QualityTemperature.CumulativeTokens(token, cumulative);
            double sum = 0;
            foreach (double c in cumulative) sum += c;
            Assert.Equal(token, sum, 1e-9 * QualityTemperature.TotalTokens);
        }
        Assert.InRange(QualityTemperature.AllocatedTokens[QualityTemperature.Sources.Web] / QualityTemperature.TotalTokens, 0.2, 0.35);
        Assert.All(QualityTemperature.Epochs.ToArray(), e => Assert.InRange(e, 0.0, 4.0));
    }
}
