using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Recipe.Runtime.Sampling;
using Xunit.Abstractions;

namespace Recipe.Runtime.Tests;

/// <summary>
/// Within a source, ordinals map to sequences through a seeded permutation per epoch (Feistel +
/// cycle walking), and a new epoch uses a new permutation.
/// </summary>
public class SequencePermutationTests(ITestOutputHelper output)
{
    private static readonly ulong[] Keys =
    {
        0,
        SequencePermutation.Key(42, 0, 0),
        SequencePermutation.Key(42, 3, 17),
        0xFFFFFFFFFFFFFFFFUL,
    };

    private static void AssertBijective(long size, ulong key)
    {
        var permutation = new SequencePermutation(size, key);
        Assert.Equal(size, permutation.Size);
        var seen = new BitArray(checked((int)size));
        for (long i = 0; i < size; i++)
        {
            long value = permutation[i];
            if (value < 0 || value >= size) Assert.Fail($"size {size}, key {key:x16}: [{i}] = {value} is outside [0, {size}).");
            if (seen[(int)value]) Assert.Fail($"size {size}, key {key:x16}: {value} appears twice (again at {i}).");
            seen[(int)value] = true;
        }
    }

    [Fact]
    public void Is_a_bijection_for_every_size_from_1_to_3000()
    {
        foreach (ulong key in Keys)
        {
            for (long size = 1; size <= 3000; size++) AssertBijective(size, key);
        }
    }

    [Theory]
    [InlineData(65521L)]
    [InlineData(99991L)]
    [InlineData(1024L)]
    [InlineData(65536L)]
    [InlineData(100000L)]
    [InlineData(1L << 20)]
    [InlineData((1L << 20) + 1)]
    public void Is_a_bijection_for_primes_powers_of_two_and_round_sizes(long size)
    {
        foreach (ulong key in Keys) AssertBijective(size, key);
    }

    [Fact]
    public void Actually_shuffles_and_depends_on_the_key()
    {
        const long size = 10_000;
        var a = new SequencePermutation(size, SequencePermutation.Key(1, 0, 0));
        var b = new SequencePermutation(size, SequencePermutation.Key(1, 0, 1));
        int fixedPoints = 0, same = 0;
        for (long i = 0; i < size; i++)
        {
            if (a[i] == i) fixedPoints++;
            if (a[i] == b[i]) same++;
        }
        output.WriteLine($"size {size}: {fixedPoints} fixed points, {same} positions where two keys agree (about 1 expected for each)");
        Assert.True(fixedPoints < 20, $"{fixedPoints} fixed points of {size}: hardly a shuffle.");
        Assert.True(same < 20, $"two keys agree at {same} of {size} positions.");
    }

    [Fact]
    public void Keys_differ_per_seed_source_and_epoch()
    {
        var keys = new HashSet<ulong>();
        for (long seed = 0; seed < 8; seed++)
        {
            for (int source = 0; source < 8; source++)
            {
                for (long epoch = 0; epoch < 8; epoch++) Assert.True(keys.Add(SequencePermutation.Key(seed, source, epoch)));
            }
        }
    }

    [Fact]
    public void Rejects_an_empty_domain_and_indices_outside_it()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequencePermutation(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequencePermutation(-5, 1));
        var permutation = new SequencePermutation(10, 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => permutation[10]);
        Assert.Contains("[0, 10)", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => permutation[-1]);
    }

    /// <summary>
    /// In the sampler's output, for every source, the sequences of ordinals [e·S, (e+1)·S) are a permutation of
    /// 0..S−1 (no sequence repeats within an epoch), and consecutive epochs are in different orders.
    /// </summary>
    [Fact]
    public void No_sequence_repeats_within_an_epoch_and_epochs_are_reshuffled()
    {
        // The static mix (shares 0.6, 0.3, 0.099, 0.001 of 500,000 samples) with small sources: many epochs each.
        long[] sequences = { 9_973, 1_000, 4_096, 37 };
        var sampler = CompiledRecipe.FromKernel<Recipes.TestStatic.Kernel>().CreateSampler(sequencesPerSource: sequences);
        Assert.Equal(sequences, sampler.SequencesPerSource.ToArray());
        var perSource = sequences.Select(_ => new List<long>()).ToArray();
        foreach (var sample in Streams.All(sampler))
        {
            long s = sequences[sample.Source];
            Assert.Equal(perSource[sample.Source].Count, sample.Ordinal);
            Assert.Equal(sample.Ordinal / s, sample.Epoch);
            perSource[sample.Source].Add(sample.Sequence);
        }
        for (int source = 0; source < sequences.Length; source++)
        {
            long s = sequences[source];
            var stream = perSource[source];
            long epochs = (stream.Count + s - 1) / s;
            long[]? previous = null;
            int reshuffled = 0;
            for (long e = 0; e < epochs; e++)
            {
                var epoch = stream.Skip((int)(e * s)).Take((int)s).ToArray();
                var distinct = new HashSet<long>(epoch);
                Assert.True(distinct.Count == epoch.Length, $"source {source}, epoch {e}: a sequence repeats.");
                Assert.All(epoch, sequence => Assert.InRange(sequence, 0, s - 1));
                if (epoch.Length == s)
                {
                    Assert.Equal(s, distinct.Count); // a full epoch is a permutation of 0..S-1
                    if (previous is not null)
                    {
                        Assert.False(previous.SequenceEqual(epoch), $"source {source}: epochs {e - 1} and {e} are in the same order.");
                        reshuffled++;
                    }
                    previous = epoch;
                }
            }
            output.WriteLine($"source {source}: {stream.Count} samples over {s} sequences = {epochs} epochs, {reshuffled} reshuffles checked");
            Assert.True(epochs >= 2, $"source {source} should run several epochs in this test");
        }
    }

    [Fact]
    public void The_seed_changes_the_sequences_but_not_the_mix()
    {
        string json = TestRecipes.Text(TestRecipes.StaticFile);
        var a = Streams.All(CompiledRecipe.FromRecipe(TestRecipes.Read(json)).CreateSampler());
        var b = Streams.All(CompiledRecipe.FromRecipe(TestRecipes.Read(json.Replace("\"seed\": 7", "\"seed\": 8", StringComparison.Ordinal))).CreateSampler());
        Assert.Equal(a.Length, b.Length);
        int sameSequence = 0;
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal((a[i].Source, a[i].Ordinal, a[i].Epoch), (b[i].Source, b[i].Ordinal, b[i].Epoch));
            if (a[i].Sequence == b[i].Sequence) sameSequence++;
        }
        Assert.True(sameSequence < a.Length / 100, $"{sameSequence} of {a.Length} samples read the same sequence under another seed.");
    }

    [Fact]
    public void A_source_with_no_sequences_is_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CompiledRecipe.FromKernel<Recipes.TestStatic.Kernel>().CreateSampler(sequencesPerSource: new long[] { 10, 0, 10, 10 }));
        Assert.Contains("code", error.Message);
    }
}
