using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Recipe.Tests.Shared;

/// <summary>
/// A recipe written for a test, as a <c>*.recipe.json</c> text (<see cref="ToJson"/>) or as a C# recipe class
/// (<see cref="ToCSharp"/>), so that a test says only what differs from a small valid recipe:
/// <code>RecipeBuilder.Named("mix").Source("web", "10B").Source("code", "10B").Phase("p0", "0", ("web", 60), ("code", 40))</code>
/// The texts are laid out one source and one phase per line, so a test can point at a value with
/// <see cref="TextPosition"/>. The builder writes what it is told, valid or not: checking is the code under test.
/// Each method changes this builder and returns it: start a new one per recipe.
/// </summary>
public sealed class RecipeBuilder
{
    private readonly string _name;
    private string _totalTokens = "10B";
    private int? _sequenceLength = 1000;
    private long? _seed;
    private string? _weights;
    private string? _interpolation;
    private double? _maxEpochs;
    private double? _syntheticCap;
    private (double Start, double End)? _temperature;
    private readonly List<(string Key, string Json)> _extra = new();
    private readonly List<SourceSpec> _sources = new();
    private readonly List<PhaseSpec> _phases = new();

    private RecipeBuilder(string name) => _name = name;

    /// <summary>A recipe named <paramref name="name"/> of 10B tokens in sequences of 1000, with no source or phase yet.</summary>
    public static RecipeBuilder Named(string name) => new(name);

    /// <summary>Tokens in the whole run, a quantity such as "1M".</summary>
    public RecipeBuilder Tokens(string totalTokens) => Set(() => _totalTokens = totalTokens);

    /// <summary>Tokens per sample; null leaves it out.</summary>
    public RecipeBuilder SequenceLength(int? sequenceLength) => Set(() => _sequenceLength = sequenceLength);

    public RecipeBuilder Seed(long seed) => Set(() => _seed = seed);

    /// <summary>"percent", "fraction" or "relative".</summary>
    public RecipeBuilder Weights(string mode) => Set(() => _weights = mode);

    public RecipeBuilder Linear() => Set(() => _interpolation = "linear");

    public RecipeBuilder MaxEpochs(double maxEpochs) => Set(() => _maxEpochs = maxEpochs);

    public RecipeBuilder SyntheticCap(double syntheticCap) => Set(() => _syntheticCap = syntheticCap);

    /// <summary>A temperature schedule from <paramref name="start"/> to <paramref name="end"/>; the base weights are one phase's.</summary>
    public RecipeBuilder Temperature(double start, double end, params (string Source, double Weight)[] baseWeights) => Set(() =>
    {
        _temperature = (start, end);
        _phases.Clear();
        _phases.Add(new PhaseSpec("base", "0", baseWeights));
    });

    /// <summary>A top-level property written as raw JSON (a value of the wrong type, an unknown key); JSON only.</summary>
    public RecipeBuilder Property(string key, string json) => Set(() => _extra.Add((key, json)));

    /// <summary>A source; <paramref name="json"/> adds raw JSON properties to it (JSON only).</summary>
    public RecipeBuilder Source(string name, string tokens, double? quality = null, bool synthetic = false,
        double? maxEpochs = null, double? maxFraction = null, string? json = null) =>
        Set(() => _sources.Add(new SourceSpec(name, tokens, quality, synthetic, maxEpochs, maxFraction, json)));

    /// <summary>A phase from <paramref name="at"/> (a quantity such as "5B") with the weights it names; others weigh 0.</summary>
    public RecipeBuilder Phase(string name, string at, params (string Source, double Weight)[] weights) =>
        Set(() => _phases.Add(new PhaseSpec(name, at, weights)));

    private RecipeBuilder Set(Action change)
    {
        change();
        return this;
    }

    // ---------------------------------------------------------------- JSON

    /// <summary>The recipe as a <c>*.recipe.json</c> text (LF line endings, two-space indent, one source or phase a line).</summary>
    public string ToJson()
    {
        var members = new List<string> { $"\"name\": {Str(_name)}", $"\"totalTokens\": {Str(_totalTokens)}" };
        if (_sequenceLength is { } sequenceLength) members.Add($"\"sequenceLength\": {sequenceLength.ToString(CultureInfo.InvariantCulture)}");
        if (_seed is { } seed) members.Add($"\"seed\": {seed.ToString(CultureInfo.InvariantCulture)}");
        if (_weights is not null) members.Add($"\"weights\": {Str(_weights)}");
        if (_maxEpochs is { } maxEpochs) members.Add($"\"maxEpochs\": {JsonNumber(maxEpochs)}");
        if (_syntheticCap is { } cap) members.Add($"\"syntheticCap\": {JsonNumber(cap)}");
        members.AddRange(_extra.Select(e => $"{Str(e.Key)}: {e.Json}"));

        var sources = _sources.Select(s => $"    {Str(s.Name)}: {{ {string.Join(", ", SourceMembers(s))} }}");
        members.Add("\"sources\": {\n" + string.Join(",\n", sources) + "\n  }");

        var schedule = new List<string>();
        if (_temperature is { } t)
        {
            schedule.Add($"    \"temperature\": {{ \"start\": {JsonNumber(t.Start)}, \"end\": {JsonNumber(t.End)} }}");
            schedule.Add($"    \"weights\": {JsonWeights(_phases.Single().Weights)}");
        }
        else
        {
            if (_interpolation is not null) schedule.Add($"    \"interpolation\": {Str(_interpolation)}");
            var phases = _phases.Select(p => $"      {{ \"name\": {Str(p.Name)}, \"at\": {Str(p.At)}, \"weights\": {JsonWeights(p.Weights)} }}");
            schedule.Add(_phases.Count == 0 ? "    \"phases\": []" : "    \"phases\": [\n" + string.Join(",\n", phases) + "\n    ]");
        }
        members.Add("\"schedule\": {\n" + string.Join(",\n", schedule) + "\n  }");
        return "{\n" + string.Join(",\n", members.Select(m => "  " + m)) + "\n}\n";
    }

    private static IEnumerable<string> SourceMembers(SourceSpec s)
    {
        yield return $"\"tokens\": {Str(s.Tokens)}";
        if (s.Quality is { } quality) yield return $"\"quality\": {JsonNumber(quality)}";
        if (s.Synthetic) yield return "\"synthetic\": true";
        if (s.MaxEpochs is { } maxEpochs) yield return $"\"maxEpochs\": {JsonNumber(maxEpochs)}";
        if (s.MaxFraction is { } maxFraction) yield return $"\"maxFraction\": {JsonNumber(maxFraction)}";
        if (s.Json is not null) yield return s.Json;
    }

    private static string JsonWeights(IEnumerable<(string Source, double Weight)> weights) =>
        "{ " + string.Join(", ", weights.Select(w => $"{Str(w.Source)}: {JsonNumber(w.Weight)}")) + " }";

    /// <summary>A JSON number; an infinity becomes 1e400, which overflows a double the same way. JSON has no NaN.</summary>
    private static string JsonNumber(double value) => value switch
    {
        double.PositiveInfinity => "1e400",
        double.NegativeInfinity => "-1e400",
        _ when double.IsNaN(value) => throw new ArgumentException("JSON has no NaN; write the recipe in C# (ToCSharp) to test one"),
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Str(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    // ---------------------------------------------------------------- C#

    /// <summary>
    /// The recipe as a C# recipe class in namespace Demo: [Recipe], one [Phase] a line (or [Temperature]), and per
    /// source a [Source] and a [Mix] of one weight per phase over a <c>public static partial SourceId</c> property named
    /// after it. A weight naming no declared source becomes a property with [Mix] and no [Source]. The class is named
    /// after the recipe (PascalCase).
    /// </summary>
    public string ToCSharp()
    {
        if (_extra.Count > 0 || _sources.Any(s => s.Json is not null))
        {
            throw new NotSupportedException("raw JSON properties have no C# form");
        }
        var text = new StringBuilder();
        text.Append("using Recipe.Model;\nusing Recipe.Runtime;\n\nnamespace Demo;\n\n");

        var recipe = new List<string> { $"TotalTokens = {Str(_totalTokens)}" };
        if (_sequenceLength is { } sequenceLength) recipe.Add($"SequenceLength = {sequenceLength.ToString(CultureInfo.InvariantCulture)}");
        if (_seed is { } seed) recipe.Add($"Seed = {seed.ToString(CultureInfo.InvariantCulture)}");
        if (_weights is not null) recipe.Add($"Weights = WeightMode.{Pascal(_weights)}");
        if (_interpolation is not null) recipe.Add($"Interpolation = Interpolation.{Pascal(_interpolation)}");
        if (_maxEpochs is { } maxEpochs) recipe.Add($"MaxEpochs = {CSharpNumber(maxEpochs)}");
        if (_syntheticCap is { } cap) recipe.Add($"SyntheticCap = {CSharpNumber(cap)}");
        text.Append($"[Recipe({string.Join(", ", recipe)})]\n");
        if (_temperature is { } t) text.Append($"[Temperature({CSharpNumber(t.Start)}, {CSharpNumber(t.End)})]\n");
        else foreach (var phase in _phases) text.Append($"[Phase({Str(phase.Name)}, At = {Str(phase.At)})]\n");
        text.Append($"public static partial class {Pascal(_name)}\n{{\n");

        var properties = new HashSet<string>(StringComparer.Ordinal);
        var members = new List<string>();
        foreach (var source in _sources)
        {
            string property = Unique(properties, Pascal(source.Name));
            var arguments = new List<string>();
            if (property.ToLowerInvariant() != source.Name) arguments.Add($"Name = {Str(source.Name)}");
            arguments.Add($"Tokens = {Str(source.Tokens)}");
            if (source.Quality is { } quality) arguments.Add($"Quality = {CSharpNumber(quality)}");
            if (source.Synthetic) arguments.Add("Synthetic = true");
            if (source.MaxEpochs is { } epochs) arguments.Add($"MaxEpochs = {CSharpNumber(epochs)}");
            if (source.MaxFraction is { } fraction) arguments.Add($"MaxFraction = {CSharpNumber(fraction)}");
            members.Add($"    [Source({string.Join(", ", arguments)})]\n    [Mix({Mix(source.Name)})]\n    public static partial SourceId {property} {{ get; }}\n");
        }
        var declared = new HashSet<string>(_sources.Select(s => s.Name), StringComparer.Ordinal);
        foreach (string undeclared in _phases.SelectMany(p => p.Weights).Select(w => w.Source).Where(n => !declared.Contains(n)).Distinct())
        {
            string property = Unique(properties, Pascal(undeclared));
            members.Add($"    [Mix({Mix(undeclared)})]\n    public static partial SourceId {property} {{ get; }}\n");
        }
        text.Append(string.Join("\n", members));
        text.Append("}\n");
        return text.ToString();
    }

    private string Mix(string source) =>
        string.Join(", ", _phases.Select(p => CSharpNumber(p.Weights.Where(w => w.Source == source).Select(w => w.Weight).DefaultIfEmpty(0).First())));

    private static string CSharpNumber(double value) => value switch
    {
        double.PositiveInfinity => "double.PositiveInfinity",
        double.NegativeInfinity => "double.NegativeInfinity",
        _ when double.IsNaN(value) => "double.NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Unique(HashSet<string> taken, string name)
    {
        string candidate = name;
        for (int n = 2; !taken.Add(candidate); n++) candidate = name + n.ToString(CultureInfo.InvariantCulture);
        return candidate;
    }

    /// <summary>"llama3-405b" → "Llama3405b", "web" → "Web".</summary>
    private static string Pascal(string name) =>
        string.Concat(name.Split('-', '_', ' ', '.').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p.Substring(1)));

    private sealed record SourceSpec(string Name, string Tokens, double? Quality, bool Synthetic, double? MaxEpochs, double? MaxFraction, string? Json);

    private sealed record PhaseSpec(string Name, string At, (string Source, double Weight)[] Weights);
}
