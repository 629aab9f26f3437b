using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Recipe.Model;
using Recipe.Model.Json;
using Recipe.Runtime.Sampling;
using Xunit.Abstractions;

namespace Recipe.Runtime.Tests;

/// <summary>
/// Continuations over random chains (each link static, step, linear or temperature, 1 to 3 links, sources appended):
/// the prefix before each switch is the earlier recipe's stream bit for bit; after it every count is within one sample
/// of c_k(n) + ∫ w'/L; each source's ordinals count up over the whole run, so no sequence comes twice within an
/// epoch; random access, counts and the inverse agree with the sequential stream; a state resumes up to the switch.
/// </summary>
public class ContinuationTests(ITestOutputHelper output)
{
    private static readonly ScheduleKind[] Kinds = { ScheduleKind.Static, ScheduleKind.Step, ScheduleKind.Linear, ScheduleKind.Temperature };

    [Fact]
    public void Random_chains_keep_the_earlier_stream_and_are_exact_after_each_switch()
    {
        var random = new Random(1302);
        int cases = 0;
        long samples = 0;
        for (int c = 0; c < 48; c++)
        {
            var chain = RandomChain(random, links: 1 + random.Next(3), out string description);
            var compiled = CompiledRecipe.FromRecipe(chain);
            var all = Streams.All(compiled.CreateSampler());
            try
            {
                CheckChain(compiled, all);
                CheckRandomAccess(compiled, all, random);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"Chain {c} ({description}): {e.Message}\n{RecipeHash.CanonicalJson(chain)}", e);
            }
            cases++;
            samples += all.Length;
        }
        output.WriteLine($"{cases} chains, {samples} samples");
    }

    /// <summary>Each link's prefix equals its earlier recipe's stream, the counts after its switch are exact, and ordinals count up.</summary>
    private static void CheckChain(CompiledRecipe recipe, SampleRef[] all)
    {
        int k = recipe.SourceCount;
        var counts = new long[k];
        var epochs = new Dictionary<(int, long), HashSet<long>>();
        for (long i = 0; i < all.Length; i++)
        {
            var sample = all[i];
            Assert.Equal(counts[sample.Source], sample.Ordinal);
            counts[sample.Source]++;
            var seen = epochs.TryGetValue((sample.Source, sample.Epoch), out var set) ? set : epochs[(sample.Source, sample.Epoch)] = new HashSet<long>();
            Assert.True(seen.Add(sample.Sequence), $"sample {i}: source {sample.Source} sequence {sample.Sequence} twice in epoch {sample.Epoch}");
        }

        long end = recipe.Samples;
        for (CompiledRecipe link = recipe; link.Earlier is { } earlier; end = link.SwitchSample, link = earlier)
        {
            long n = link.SwitchSample;
            var before = Streams.All(earlier.CreateSequentialSampler(SequencesOf(recipe, earlier.SourceCount)));
            for (long i = 0; i < n; i++)
            {
                if (all[i] != before[i]) throw new InvalidOperationException($"sample {i} before the switch at {n} to '{link.Name}' is {all[i]}, the earlier stream's {before[i]}");
            }
            // After the switch, up to the next one: |count_k(m) − c_k(n) − ∫_{nL}^{mL} w'_k / L| <= 1.
            var atSwitch = new long[k];
            for (long i = 0; i < n; i++) atSwitch[all[i].Source]++;
            var own = link.Schedule.Own!;
            var running = (long[])atSwitch.Clone();
            var integral = new double[link.SourceCount];
            long length = recipe.SequenceLength;
            for (long m = n + 1; m <= end; m++)
            {
                running[all[m - 1].Source]++;
                own.CumulativeTokens((m - n) * length, integral);
                for (int s = 0; s < link.SourceCount; s++)
                {
                    double deviation = Math.Abs(running[s] - atSwitch[s] - integral[s] / length);
                    if (!(deviation <= 1)) throw new InvalidOperationException($"after the switch to '{link.Name}' at {n}: source {s} has {running[s]} samples by {m}, {deviation} from its target");
                }
            }
        }
    }

    /// <summary>Locate, CountsBefore and IndexOf at random points agree with the stream filled in order.</summary>
    private static void CheckRandomAccess(CompiledRecipe recipe, SampleRef[] all, Random random)
    {
        var sampler = recipe.CreateSampler();
        var prefixCounts = new long[recipe.SourceCount];
        var counts = new long[recipe.SourceCount];
        var points = Enumerable.Range(0, 40).Select(_ => random.NextInt64(all.Length)).ToList();
        for (var link = recipe; link.Earlier is { } earlier; link = earlier)
        {
            points.AddRange(new[] { link.SwitchSample - 1, link.SwitchSample, link.SwitchSample + 1 }.Where(p => p >= 0 && p < all.Length));
        }
        foreach (long point in points)
        {
            Assert.Equal(all[point], sampler.Locate(point));
            Assert.Equal(point, sampler.IndexOf(all[point].Source, all[point].Ordinal));
            Array.Clear(prefixCounts);
            for (long i = 0; i < point; i++) prefixCounts[all[i].Source]++;
            sampler.CountsBefore(point, counts);
            Assert.Equal(prefixCounts, counts);
            var batch = new SampleRef[Math.Min(100, all.Length - point)];
            sampler.Fill(point, batch);
            Assert.Equal(all.AsSpan((int)point, batch.Length).ToArray(), batch);
        }
    }

    [Fact]
    public void A_state_of_an_earlier_recipe_resumes_up_to_the_switch_and_names_it_after()
    {
        var random = new Random(7);
        var chain = RandomChain(random, links: 3, out _);
        var v3 = CompiledRecipe.FromRecipe(chain);
        var v2 = v3.Earlier!;
        var v1 = v2.Earlier!;
        var sampler = v3.CreateSampler();
        // v1's stream is v3's up to v2's switch; v2's up to v3's.
        Assert.Equal(v2.SwitchSample, sampler.Resume(v1.CreateSampler().StateAt(v2.SwitchSample)));
        Assert.Equal(5, sampler.Resume(v1.CreateSampler().StateAt(5)));
        Assert.Equal(v3.SwitchSample, sampler.Resume(v2.CreateSampler().StateAt(v3.SwitchSample)));
        var late = Assert.Throws<InvalidOperationException>(() => sampler.Resume(v1.CreateSampler().StateAt(v2.SwitchSample + 1)));
        Assert.Contains($"past the switch to '{v2.Name}' at sample {v2.SwitchSample}", late.Message);
        var lateV2 = Assert.Throws<InvalidOperationException>(() => sampler.Resume(v2.CreateSampler().StateAt(v3.SwitchSample + 1)));
        Assert.Contains($"at sample {v3.SwitchSample}", lateV2.Message);
        // A recipe that is not down the chain is refused as before.
        var other = CompiledRecipe.FromRecipe(TestRecipes.Read(TestRecipes.RandomJson(new Random(3), ScheduleKind.Step, 3, 100)));
        Assert.Throws<InvalidOperationException>(() => sampler.Resume(other.CreateSampler().StateAt(0)));
    }

    [Fact]
    public void A_chain_of_files_reads_as_the_model_and_its_canonical_json_stands_alone()
    {
        string dir = Directory.CreateTempSubdirectory("recipe-chain-").FullName;
        try
        {
            var chain = RandomChain(new Random(11), links: 3, out _);
            var links = chain.Chain();
            for (int i = 0; i < links.Count; i++)
            {
                File.WriteAllText(Path.Combine(dir, $"v{i + 1}.recipe.json"), i == 0 ? RecipeHash.CanonicalJson(links[i]) : RecipeHash.LinkJson(links[i], $"v{i}.recipe.json"));
            }
            var fromFiles = CompiledRecipe.FromJson(Path.Combine(dir, $"v{links.Count}.recipe.json"));
            var fromModel = CompiledRecipe.FromRecipe(chain);
            Assert.Equal(fromModel.Hash, fromFiles.Hash);
            Assert.Equal(Streams.All(fromModel.CreateSampler()), Streams.All(fromFiles.CreateSampler()));

            var canonical = RecipeChain.Check(RecipeJsonReader.Read(RecipeHash.CanonicalJson(chain)));
            Assert.Equal(chain, canonical.Recipe);
            // The hash covers the chain: the same continuation text over another earlier recipe is another recipe.
            var otherEarlier = chain with { Continues = chain.Continues! with { Earlier = chain.Continues.Earlier with { Seed = chain.Seed + 1 } } };
            Assert.NotEqual(RecipeHash.Compute(chain), RecipeHash.Compute(otherEarlier));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static long[] SequencesOf(CompiledRecipe recipe, int sources) =>
        Enumerable.Range(0, sources).Select(recipe.DeclaredSequences).ToArray();

    /// <summary>A random root recipe and <paramref name="links"/> − 1 continuations of it, each of a random kind, some adding sources.</summary>
    internal static Recipe.Model.Recipe RandomChain(Random random, int links, out string description)
    {
        var kind = Kinds[random.Next(Kinds.Length)];
        var recipe = TestRecipes.Read(TestRecipes.RandomJson(random, kind, random.Next(2, 7), random.Next(200, 6000)));
        var kinds = new List<string> { kind.ToString() };
        for (int l = 1; l < links; l++)
        {
            kind = Kinds[random.Next(Kinds.Length)];
            kinds.Add(kind.ToString());
            recipe = Continue(random, recipe, kind);
        }
        description = string.Join(" -> ", kinds);
        return recipe;
    }

    /// <summary>A continuation of <paramref name="earlier"/> at a random whole sequence inside its own span.</summary>
    private static Recipe.Model.Recipe Continue(Random random, Recipe.Model.Recipe earlier, ScheduleKind kind)
    {
        long length = earlier.SequenceLength;
        long first = earlier.StartToken / length + 1, last = earlier.TotalTokens / length - 1;
        long at = length * (last <= first ? first : random.NextInt64(first, last + 1));
        if (at >= earlier.TotalTokens) at = earlier.StartToken + length;
        var sources = earlier.Sources.ToList();
        int added = random.Next(3);
        for (int a = 0; a < added; a++) sources.Add(new Source($"new{earlier.Sources.Count}x{a}", length * 1000));
        // The continuation's own phases, made as a recipe from 0 by the shared generator and moved to the switch.
        var own = TestRecipes.Read(TestRecipes.RandomJson(random, kind, sources.Count, random.Next(100, 5000), earlier.SequenceLength));
        var phases = own.Schedule.Phases.Select(p => p with { At = p.At + at }).ToArray();
        var withQuality = sources.Select((s, i) => s with { Quality = own.Sources[i].Quality }).ToArray();
        var continuation = new Recipe.Model.Recipe(earlier.Name + "+", at + own.TotalTokens, earlier.SequenceLength, earlier.Seed, own.WeightMode,
            1e9, 1, withQuality.ToEquatableArray(), own.Schedule with { Phases = phases.ToEquatableArray() })
        {
            Continues = new Continuation(earlier, at),
        };
        var errors = RecipeValidator.Validate(continuation).Where(d => d.Severity == RecipeSeverity.Error).ToList();
        if (errors.Count > 0) throw new InvalidOperationException("Test continuation does not check: " + string.Join("; ", errors));
        return continuation;
    }
}
