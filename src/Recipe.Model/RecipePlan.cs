using System;
using System.Collections.Generic;

namespace Recipe.Model;

/// <summary>
/// What a recipe does over the whole run, from the exact integral of w(t) (never from a mid-run sample of the
/// weights): tokens per source and per phase, epochs, synthetic share, and what it would take to stay under
/// each source's repetition limit.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed class RecipePlan
{
    private RecipePlan(Recipe recipe, SourcePlan[] sources, PhasePlan[] phases, LinkPlan[] links, double syntheticShare)
    {
        Recipe = recipe;
        Sources = sources;
        Phases = phases;
        Links = links;
        SyntheticShare = syntheticShare;
    }

    public Recipe Recipe { get; }

    public IReadOnlyList<SourcePlan> Sources { get; }

    /// <summary>The phases of the whole run (<see cref="RunPhases"/>), each with its tokens.</summary>
    public IReadOnlyList<PhasePlan> Phases { get; }

    /// <summary>
    /// The recipes of the run's chain, the first first, each over the span it decides; one link for a recipe that
    /// continues nothing.
    /// </summary>
    public IReadOnlyList<LinkPlan> Links { get; }

    /// <summary>Share of all tokens that come from synthetic sources.</summary>
    public double SyntheticShare { get; }

    /// <summary>Plans a recipe that <see cref="RecipeValidator"/> found free of errors.</summary>
    public static RecipePlan For(Recipe recipe) => For(WeightSchedule.For(recipe));

    public static RecipePlan For(WeightSchedule schedule)
    {
        var recipe = schedule.Recipe;
        double total = recipe.TotalTokens;
        double[] allocated = schedule.CumulativeTokens(recipe.TotalTokens);

        var sources = new SourcePlan[recipe.Sources.Count];
        double synthetic = 0;
        for (int i = 0; i < sources.Length; i++)
        {
            var source = recipe.Sources[i];
            double maxEpochs = recipe.MaxEpochsOf(source);
            double epochs = allocated[i] / source.Tokens;
            double extra = Math.Max(0, allocated[i] / maxEpochs - source.Tokens);
            sources[i] = new SourcePlan(
                source.Name,
                source.Tokens,
                allocated[i],
                allocated[i] / total,
                epochs,
                maxEpochs,
                extra,
                largestFittingShare: maxEpochs * source.Tokens / total,
                fittingScale: epochs > maxEpochs ? maxEpochs / epochs : 1.0);
            if (source.Synthetic) synthetic += allocated[i];
        }

        var phases = new List<PhasePlan>();
        var starts = RunPhases(recipe);
        double[] before = schedule.CumulativeTokens(starts[0].At);
        for (int p = 0; p < starts.Count; p++)
        {
            long end = p + 1 < starts.Count ? starts[p + 1].At : recipe.TotalTokens;
            double[] after = schedule.CumulativeTokens(end);
            var tokens = new double[after.Length];
            for (int i = 0; i < tokens.Length; i++) tokens[i] = after[i] - before[i];
            phases.Add(new PhasePlan(starts[p].Name, starts[p].At, end, tokens));
            before = after;
        }

        return new RecipePlan(recipe, sources, phases.ToArray(), PlanLinks(schedule), synthetic / total);
    }

    private static LinkPlan[] PlanLinks(WeightSchedule schedule)
    {
        var recipe = schedule.Recipe;
        var chain = recipe.Chain();
        var links = new LinkPlan[chain.Count];
        double[] before = new double[recipe.Sources.Count];
        for (int l = 0; l < chain.Count; l++)
        {
            long start = chain[l].StartToken;
            long end = l + 1 < chain.Count ? chain[l + 1].StartToken : recipe.TotalTokens;
            double[] byEnd = schedule.CumulativeTokens(end);
            var tokens = new double[byEnd.Length];
            var epochs = new double[byEnd.Length];
            for (int i = 0; i < byEnd.Length; i++)
            {
                tokens[i] = byEnd[i] - before[i];
                epochs[i] = byEnd[i] / recipe.Sources[i].Tokens;
            }
            links[l] = new LinkPlan(chain[l], start, end, tokens, epochs);
            before = byEnd;
        }
        return links;
    }

    /// <summary>
    /// The phases of the whole run in token order: for a continuation, those of its earlier recipes that start before
    /// each switch, then its own.
    /// </summary>
    public static IReadOnlyList<Phase> RunPhases(Recipe recipe)
    {
        var phases = new List<Phase>();
        if (recipe.Continues is { } continuation)
        {
            foreach (var phase in RunPhases(continuation.Earlier))
            {
                if (phase.At < continuation.At) phases.Add(phase);
            }
        }
        phases.AddRange(recipe.Schedule.Phases);
        return phases;
    }
}
