using System;
using Recipe.Model;

namespace Recipe.Runtime;

/// <summary>
/// Marks a <c>static partial class</c> as a data-mixture recipe. Sources are its <c>static partial SourceId</c>
/// properties marked <see cref="SourceAttribute"/>; phases are <see cref="PhaseAttribute"/>s on the class, in order;
/// each source's <see cref="MixAttribute"/> gives one weight per phase.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RecipeAttribute : Attribute
{
    /// <summary>Recipe name; the class name when omitted.</summary>
    public string? Name { get; set; }

    /// <summary>Tokens in the run, e.g. "15.6T".</summary>
    public string TotalTokens { get; set; } = "";

    public int SequenceLength { get; set; }

    public long Seed { get; set; }

    public WeightMode Weights { get; set; } = WeightMode.Percent;

    public Interpolation Interpolation { get; set; } = Interpolation.Step;

    public double MaxEpochs { get; set; } = Recipe.Model.Recipe.DefaultMaxEpochs;

    public double SyntheticCap { get; set; } = Recipe.Model.Recipe.DefaultSyntheticCap;

    public string? Description { get; set; }

    /// <summary>
    /// The data manifest the build checks this recipe against (RCP013): a <c>*.sources.json</c> path relative to the
    /// recipe's file, as <c>recipe scan</c> writes it. Without it, the manifest paired by name (<c>Curriculum.cs</c>
    /// with <c>Curriculum.sources.json</c> beside it), if there is one.
    /// </summary>
    public string? Manifest { get; set; }
}

/// <summary>
/// Makes a [Recipe] class a continuation of an earlier recipe: the run is the earlier recipe's stream up to
/// <see cref="At"/> (a whole number of sequences), this recipe's phases after it, with each source's ordinals going on.
/// The earlier recipe is a [Recipe] class or the class generated from a <c>*.recipe.json</c> of the build. The
/// continuation inherits SequenceLength and Seed (leave them out), declares the earlier sources first and in their
/// order (new ones may follow), and its first [Phase] starts at <see cref="At"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ContinuesAttribute : Attribute
{
    public ContinuesAttribute(Type recipe) => Recipe = recipe;

    /// <summary>The recipe this one continues.</summary>
    public Type Recipe { get; }

    /// <summary>Token position where this recipe's phases take over, e.g. "12T".</summary>
    public string At { get; set; } = "";
}

/// <summary>A phase of the schedule: from <see cref="At"/> tokens on, the mix is each source's Mix weight at this phase's position.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class PhaseAttribute : Attribute
{
    public PhaseAttribute(string name) => Name = name;

    public string Name { get; }

    /// <summary>Token position where the phase starts, e.g. "8T".</summary>
    public string At { get; set; } = "0";
}

/// <summary>The quality-temperature schedule: w_i(t) ∝ Mix_i · quality_i^(1/T), T linear from start to end.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TemperatureAttribute : Attribute
{
    public TemperatureAttribute(double start, double end)
    {
        Start = start;
        End = end;
    }

    public double Start { get; }

    public double End { get; }
}

/// <summary>Declares a token source on a <c>static partial SourceId</c> property of a recipe class.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class SourceAttribute : Attribute
{
    /// <summary>Source name; the property name in lower case when omitted.</summary>
    public string? Name { get; set; }

    /// <summary>Tokens the source holds, e.g. "8T".</summary>
    public string Tokens { get; set; } = "";

    /// <summary>Quality in (0, 1]; 0 means not set.</summary>
    public double Quality { get; set; }

    public bool Synthetic { get; set; }

    /// <summary>Repetition limit; 0 means the recipe's.</summary>
    public double MaxEpochs { get; set; }

    /// <summary>Largest share of the mix; 0 means no limit.</summary>
    public double MaxFraction { get; set; }

    public string[]? Files { get; set; }

    public string? Format { get; set; }

    public string? License { get; set; }

    public string? Description { get; set; }
}

/// <summary>The weights of a source, one per phase in phase order (one base weight for a temperature schedule).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class MixAttribute : Attribute
{
    public MixAttribute(params double[] weights) => Weights = weights;

    public double[] Weights { get; }
}

/// <summary>Lists a compiled recipe type in its assembly, so tools find every recipe without running user code.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class CompiledRecipeAttribute : Attribute
{
    public CompiledRecipeAttribute(Type recipe, string name, string hash, string canonicalJson)
    {
        Recipe = recipe;
        Name = name;
        Hash = hash;
        CanonicalJson = canonicalJson;
    }

    public Type Recipe { get; }

    public string Name { get; }

    public string Hash { get; }

    /// <summary>The recipe in canonical JSON; reading it back gives the compiled recipe's model.</summary>
    public string CanonicalJson { get; }
}
