using System;
using System.Linq;
using Recipe.Model;
using Recipe.Runtime.Sampling;
using Xunit.Abstractions;

namespace Recipe.Runtime.Tests;

/// <summary>
/// What the fast paths must reproduce: the deadline scheduler skips evaluations it can prove unnecessary, the static
/// closed form replaces the scheduler, the AVX-512 lanes replace the scalar permutation. Each is checked against a
/// plain reference computed here.
/// </summary>
[Collection(VectorPathsCollection.Name)]
public class ScheduleReferenceTests(ITestOutputHelper output)
{
    /// <summary>
    /// Earliest-deadline-first by brute force from the evaluated integral at every slot: source k's next sample is
    /// released once T_k(n) exceeds its count and due at the first slot where T_k reaches count + 1; the released
    /// source due first takes the slot (ties to the lower index).
    /// </summary>
    private static int[] ReferenceSources(WeightSchedule schedule)
    {
        int sources = schedule.SourceCount;
        long length = schedule.Recipe.SequenceLength;
        long samples = schedule.Recipe.Samples;
        long limit = 2 * samples + 1024;
        var integral = new double[sources][];
        for (int k = 0; k < sources; k++)
        {
            integral[k] = new double[limit + 1];
            for (long n = 0; n <= limit; n++) integral[k][n] = schedule.CumulativeTokens(n * length, k);
        }
        long FirstReaching(int k, double target)
        {
            for (long n = 1; n <= limit; n++)
            {
                if (integral[k][n] >= target) return n;
            }
            return long.MaxValue;
        }
        var counts = new long[sources];
        var result = new int[samples];
        for (long slot = 1; slot <= samples; slot++)
        {
            int chosen = -1;
            long best = long.MaxValue;
            for (int k = 0; k < sources; k++)
            {
                if (!(integral[k][slot] > counts[k] * (double)length)) continue;
                long deadline = FirstReaching(k, (counts[k] + 1) * (double)length);
                if (chosen < 0 || deadline < best)
                {
                    chosen = k;
                    best = deadline;
                }
            }
            Assert.True(chosen >= 0, $"no source is released at slot {slot}");
            result[slot - 1] = chosen;
            counts[chosen]++;
        }
        return result;
    }

    [Theory]
    [InlineData(ScheduleKind.Static)]
    [InlineData(ScheduleKind.Step)]
    [InlineData(ScheduleKind.Linear)]
    [InlineData(ScheduleKind.Temperature)]
    public void The_stream_is_earliest_deadline_first_on_the_evaluated_integral(ScheduleKind kind)
    {
        var random = new Random(7100 + (int)kind);
        int compared = 0;
        // Random static mixes often have a short period and take the closed form instead: draw until 16 did not.
        for (int c = 0; c < 200 && compared < 16; c++)
        {
            var recipe = TestRecipes.Read(TestRecipes.RandomJson(random, kind, random.Next(2, 17), random.Next(1, 4000)));
            var schedule = WeightSchedule.For(recipe);
            if (PeriodicSchedule.TryCreate(CompiledRecipe.FromRecipe(recipe)) is not null) continue;
            var expected = ReferenceSources(schedule);
            var actual = Streams.All(CompiledRecipe.FromRecipe(recipe).CreateSampler()).Select(sample => sample.Source).ToArray();
            Assert.Equal(expected, actual);
            compared++;
        }
        output.WriteLine($"{kind}: {compared} recipes identical to the brute-force schedule");
        Assert.True(compared == 16, $"only {compared} recipes went through the deadline scheduler");
    }

    [Fact]
    public void The_scalar_paths_give_the_same_streams_as_the_vector_paths()
    {
        var random = new Random(515);
        for (int c = 0; c < 12; c++)
        {
            var kind = (ScheduleKind)(c % 4);
            var recipe = TestRecipes.Read(TestRecipes.RandomJson(random, kind, random.Next(2, 9), random.Next(1000, 30_000)));
            var vector = Streams.All(CompiledRecipe.FromRecipe(recipe).CreateSampler());
            SampleRef[] scalar;
            VectorPaths.Disable(true);
            try
            {
                scalar = Streams.All(CompiledRecipe.FromRecipe(recipe).CreateSampler());
            }
            finally
            {
                VectorPaths.Disable(false);
            }
            Assert.Equal(vector, scalar);
        }
        output.WriteLine($"vector paths {(VectorPaths.Enabled ? "present" : "absent")} on this machine");
    }

    /// <summary>Percent weights of whole numbers, a few sources, any length: the shape of published static mixes.</summary>
    private static string WholePartsJson(Random random, int sources, long samples, out long[] parts)
    {
        parts = new long[sources];
        for (int k = 0; k < sources; k++) parts[k] = random.Next(4) == 0 ? 0 : random.Next(1, 60);
        if (parts.All(part => part == 0)) parts[0] = 1;
        string weights = string.Join(", ", parts.Select((part, k) => $"\"s{k}\": {part}"));
        string declared = string.Join(", ", parts.Select((_, k) => $"\"s{k}\": {{ \"tokens\": {samples * 64} }}"));
        return $$"""
        { "name": "whole-parts", "totalTokens": {{samples * 64}}, "sequenceLength": 64, "seed": 3, "weights": "relative", "maxEpochs": 1000000,
          "sources": { {{declared}} },
          "schedule": { "phases": [ { "name": "all", "at": 0, "weights": { {{weights}} } } ] } }
        """;
    }

    [Fact]
    public void A_static_mix_of_whole_parts_repeats_every_period_and_is_exact()
    {
        var random = new Random(31);
        for (int c = 0; c < 30; c++)
        {
            var recipe = TestRecipes.Read(WholePartsJson(random, random.Next(2, 9), random.Next(1, 20_000), out long[] parts));
            var periodic = PeriodicSchedule.TryCreate(CompiledRecipe.FromRecipe(recipe));
            Assert.NotNull(periodic);
            long gcd = parts.Where(part => part > 0).Aggregate((a, b) => { while (b != 0) (a, b) = (b, a % b); return a; });
            Assert.Equal(parts.Sum() / gcd, periodic!.Period);

            var sampler = CompiledRecipe.FromRecipe(recipe).CreateSampler();
            Assert.Null(sampler.Index);
            var all = Streams.All(sampler);
            for (long i = 0; i + periodic.Period < all.Length; i++)
            {
                var later = all[i + periodic.Period];
                Assert.Equal(all[i].Source, later.Source);
                Assert.Equal(all[i].Ordinal + parts[all[i].Source] / gcd, later.Ordinal);
            }
            var deviation = Streams.Exactness(sampler);
            Assert.True(deviation.Worst <= 1 - 1.0 / periodic.Period + 1e-9, $"deviation {deviation} for period {periodic.Period}");
        }
    }

    [Fact]
    public void A_static_mix_of_the_published_shape_takes_exactly_its_parts_of_every_hundred()
    {
        var recipe = TestRecipes.Read("""
            { "name": "published-shape", "totalTokens": 6400000, "sequenceLength": 64, "seed": 1,
              "sources": { "web": { "tokens": "6.4M" }, "code": { "tokens": "6.4M" }, "math": { "tokens": "6.4M" }, "rest": { "tokens": "6.4M" } },
              "schedule": { "phases": [ { "name": "all", "at": 0, "weights": { "web": 50, "code": 25, "math": 8, "rest": 17 } } ] } }
            """);
        var sampler = CompiledRecipe.FromRecipe(recipe).CreateSampler();
        var counts = new long[4];
        var all = Streams.All(sampler);
        for (int i = 0; i < all.Length; i++)
        {
            counts[all[i].Source]++;
            if ((i + 1) % 100 == 0) Assert.Equal(new long[] { 50, 25, 8, 17 }.Select(part => part * (i + 1) / 100), counts);
        }
    }

    [Fact]
    public void Large_whole_parts_with_a_common_divisor_reduce_to_their_short_period()
    {
        var recipe = TestRecipes.Read("""
            { "name": "reducible", "totalTokens": 6400000, "sequenceLength": 64, "seed": 1, "weights": "relative",
              "sources": { "a": { "tokens": "6.4M" }, "b": { "tokens": "6.4M" } },
              "schedule": { "phases": [ { "name": "all", "at": 0, "weights": { "a": 20000000, "b": 60000000 } } ] } }
            """);
        var periodic = PeriodicSchedule.TryCreate(CompiledRecipe.FromRecipe(recipe));
        Assert.NotNull(periodic);
        Assert.Equal(4, periodic!.Period);
        var counts = new long[2];
        periodic.CountsBefore(periodic.Period, counts);
        Assert.Equal(new long[] { 1, 3 }, counts);
    }

    [Fact]
    public void IndexOf_an_absurd_ordinal_of_a_static_mix_throws_instead_of_overflowing()
    {
        var sampler = CompiledRecipe.FromKernel<Recipes.TestStatic.Kernel>().CreateSampler();
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.IndexOf(0, long.MaxValue / 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.IndexOf(3, sampler.Samples));
    }

    [Theory]
    [InlineData("0.3333333333333333, 0.6666666666666666")]
    [InlineData("0.1234567891, 0.8765432109")]
    [InlineData("1e-12, 1")]
    public void A_static_mix_without_a_short_period_runs_the_deadline_scheduler(string weights)
    {
        string[] parts = weights.Split(", ");
        var recipe = TestRecipes.Read($$"""
            { "name": "long-period", "totalTokens": 6400000, "sequenceLength": 64, "seed": 1, "weights": "relative", "maxEpochs": 1000000,
              "sources": { "a": { "tokens": "6.4M" }, "b": { "tokens": "6.4M" } },
              "schedule": { "phases": [ { "name": "all", "at": 0, "weights": { "a": {{parts[0]}}, "b": {{parts[1]}} } } ] } }
            """);
        var compiled = CompiledRecipe.FromRecipe(recipe);
        Assert.Null(PeriodicSchedule.TryCreate(compiled));
        var sampler = compiled.CreateSampler();
        Assert.True(sampler.Index!.Checkpoints > 1);
        Assert.True(Streams.Exactness(sampler).Worst <= 1);
    }

    [Fact]
    public void The_vector_lanes_give_the_scalar_permutation_bit_for_bit()
    {
        var lanes = PermutationLanes.TryCreate(PermutationLanes.Width);
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported || !System.Runtime.Intrinsics.X86.Avx512DQ.IsSupported)
        {
            Assert.Null(lanes);
            output.WriteLine("no AVX-512 here: the sampler resolves sequences one by one");
            return;
        }
        Assert.NotNull(lanes);
        var random = new Random(12);
        long[] interesting = { 1, 2, 3, 4, 5, 7, 8, 255, 256, 257, 65537, 1L << 31, (1L << 31) + 1, 1953125000, (1L << 40) - 3, (1L << 62) + 12345 };
        var permutations = new SequencePermutation[PermutationLanes.Width];
        var starts = new long[PermutationLanes.Width];
        var epochs = new long[PermutationLanes.Width];
        int walked = 0, compared = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            for (int k = 0; k < permutations.Length; k++)
            {
                long size = random.Next(3) == 0 ? interesting[random.Next(interesting.Length)] : random.NextInt64(1, 1L << random.Next(1, 50));
                long epoch = size > 1L << 58 ? 0 : random.Next(5);
                epochs[k] = epoch;
                permutations[k] = new SequencePermutation(size, SequencePermutation.Key(random.Next(), k, epoch));
                starts[k] = epoch * size;
                lanes!.Set(k, permutations[k], epoch, starts[k], starts[k] + size);
            }
            var sources = new int[PermutationLanes.Width];
            var ordinals = new long[PermutationLanes.Width];
            for (int i = 0; i < sources.Length; i++)
            {
                int k = random.Next(permutations.Length);
                sources[i] = k;
                ordinals[i] = starts[k] + random.NextInt64(permutations[k].Size);
            }
            var resolved = new SampleRef[PermutationLanes.Width];
            if (!lanes!.TryResolve(sources, ordinals, resolved))
            {
                walked++;
                continue;
            }
            for (int i = 0; i < resolved.Length; i++)
            {
                int k = sources[i];
                var expected = permutations[k][ordinals[i] - starts[k]];
                Assert.Equal(new SampleRef(k, ordinals[i], epochs[k], expected), resolved[i]);
                compared++;
            }
        }
        output.WriteLine($"{compared} lanes identical; {walked} groups left to the scalar path (cycle walking)");
        Assert.True(compared > 10_000);
    }
}
