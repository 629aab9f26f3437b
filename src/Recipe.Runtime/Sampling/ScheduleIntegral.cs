using System;
using Recipe.Model;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// The exact integral of a recipe's weights, as the sampler evaluates it. Implemented by structs so that the
/// deadline scheduler of a <see cref="CompiledRecipe{TIntegral}"/> is specialised by the JIT: no virtual call on the
/// hot path.
/// </summary>
public interface IScheduleIntegral
{
    /// <summary>Tokens source <paramref name="source"/> has contributed by position <paramref name="token"/>.</summary>
    double Cumulative(long token, int source);
}

/// <summary>The integral evaluated by a generated kernel (unrolled, constants folded).</summary>
public readonly struct KernelIntegral<TKernel> : IScheduleIntegral
    where TKernel : IRecipeKernel
{
    public double Cumulative(long token, int source) => TKernel.CumulativeTokens(token, source);
}

/// <summary>
/// The integral evaluated by the model, for recipes loaded from JSON at run time. Bit-identical to the generated
/// kernel of the same recipe (the emitter renders the model's constants in the model's operation order), so both
/// give the same stream. Thread-safe: the temperature quadrature's scratch is per thread.
/// </summary>
public readonly struct ModelIntegral : IScheduleIntegral
{
    private readonly WeightSchedule _schedule;

    public ModelIntegral(WeightSchedule schedule) => _schedule = schedule;

    public double Cumulative(long token, int source) => _schedule.CumulativeTokens(token, source);
}
