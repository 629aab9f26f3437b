using System;
using System.Collections.Generic;
using Recipe.Model;
using Recipe.Runtime.Data;
using Recipe.Runtime.Sampling;

namespace Recipe.Runtime.Loading;

/// <summary>
/// What every loader shares whatever assembles its batches (<see cref="BatchLoader{TIntegral}"/> on the CPU, the
/// device loader of Recipe.Runtime.Device on an accelerator): sources checked against the recipe, the sampler over
/// their real sequence counts, the rank slice, the run's steps and the resume state. One copy, so both loaders
/// accept the same inputs, report the same findings and read the same stream.
/// </summary>
internal sealed class LoaderCore<TIntegral> : IDisposable
    where TIntegral : struct, IScheduleIntegral
{
    private readonly bool _ownsSources;

    public LoaderCore(WeightSchedule schedule, TIntegral integral, IReadOnlyList<TokenSource> sources, LoaderOptions options, SamplerIndex? index, bool ownsSources, string? where)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var recipe = schedule.Recipe;
        SourceChecks.CheckShape(recipe, sources);
        Length = recipe.SequenceLength;
        Shifted = options.Shifted;
        Width = checked(Length + (Shifted ? 1 : 0));

        Diagnostics = SourceChecks.Check(recipe, sources, Shifted, where);
        Report(recipe, Diagnostics, options);

        var sequences = SourceChecks.SequenceCounts(sources, Length, Shifted);
        Sampler = new Sampler<TIntegral>(schedule, integral, index ?? SamplerIndex.Build(schedule, integral), sequences);
        Sources = new List<TokenSource>(sources).ToArray();
        _ownsSources = ownsSources;
        Slice = new RankSlice(options.Rank, options.WorldSize, options.BatchSize * options.WorldSize).Validate();
        Steps = recipe.Samples / Slice.GlobalBatchSize;
    }

    /// <summary>Not thread-safe: one assembling thread at a time.</summary>
    public Sampler<TIntegral> Sampler { get; }

    public TokenSource[] Sources { get; }

    public IReadOnlyList<RecipeDiagnostic> Diagnostics { get; }

    public int Length { get; }

    public bool Shifted { get; }

    public int Width { get; }

    public RankSlice Slice { get; }

    public long Steps { get; }

    /// <summary>What <c>Next</c> throws past the last batch.</summary>
    public InvalidOperationException RunOver() =>
        new($"The run of recipe '{Sampler.Recipe.Name}' is over: all {Steps} batches of {Slice.GlobalBatchSize} samples were returned.");

    public SamplerState StateAt(long step) => Sampler.StateAt(step * Slice.GlobalBatchSize);

    /// <summary>The step to continue from after <paramref name="state"/>; throws when it belongs to another stream or batch size.</summary>
    public long RestoreStep(SamplerState state)
    {
        long next = Sampler.Resume(state);
        int global = Slice.GlobalBatchSize;
        if (next % global != 0)
        {
            throw new ArgumentException(
                $"The saved state is at sample {next}, not at a boundary of this loader's global batch of {global} samples ({Slice.Count} per rank × {Slice.WorldSize} ranks); resume with the global batch size of the run that saved it.",
                nameof(state));
        }
        return next / global;
    }

    /// <summary>Unmaps the sources when the loader opened them.</summary>
    public void Dispose()
    {
        if (!_ownsSources) return;
        foreach (var source in Sources) source.Dispose();
    }

    private static void Report(Recipe.Model.Recipe recipe, IReadOnlyList<RecipeDiagnostic> diagnostics, LoaderOptions options)
    {
        bool errors = false;
        foreach (var diagnostic in diagnostics) errors |= diagnostic.Severity == RecipeSeverity.Error;
        if (errors && options.SourceChecks == SourceCheckMode.ThrowOnErrors) throw new SourceCheckException(recipe.Name, diagnostics);
        if (options.Log is null) return;
        foreach (var diagnostic in diagnostics) options.Log(diagnostic);
    }
}
