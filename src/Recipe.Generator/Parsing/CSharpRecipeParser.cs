using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Recipe.Generator.Model;
using Recipe.Model;

namespace Recipe.Generator.Parsing;

/// <summary>
/// The C# front end: a <c>[Recipe]</c> class, its <c>[Phase]</c>/<c>[Temperature]</c> attributes and its
/// <c>[Source, Mix]</c> properties, translated into the same <see cref="Recipe.Model.Recipe"/> as JSON, with the
/// location of every attribute argument so findings land on the argument that caused them. Shared by the
/// generator (which emits) and <see cref="RecipeAnalyzer"/> (which reports).
/// </summary>
internal sealed class CSharpRecipeParser
{
    public const string RecipeAttributeName = "Recipe.Runtime.RecipeAttribute";
    private const string PhaseAttributeName = "Recipe.Runtime.PhaseAttribute";
    private const string TemperatureAttributeName = "Recipe.Runtime.TemperatureAttribute";
    private const string ContinuesAttributeName = "Recipe.Runtime.ContinuesAttribute";
    private const string SourceAttributeName = "Recipe.Runtime.SourceAttribute";
    private const string MixAttributeName = "Recipe.Runtime.MixAttribute";
    private const string SourceIdName = "Recipe.Runtime.SourceId";

    private readonly Dictionary<string, Location> _locations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SourceSpan> _spans = new(StringComparer.Ordinal);
    private readonly List<RecipeDiagnostic> _diagnostics = new();
    private readonly List<string> _failedPaths = new();
    private readonly HashSet<string> _unboundArguments = new(StringComparer.Ordinal);
    private readonly CancellationToken _cancellationToken;

    private CSharpRecipeParser(CancellationToken cancellationToken) => _cancellationToken = cancellationToken;

    /// <summary>The recipe read from the class, and where its values are.</summary>
    internal sealed class Result
    {
        public Result(ParsedRecipe parsed, RecipeTarget? target, IReadOnlyDictionary<string, Location> locations, IReadOnlyDictionary<string, string> declarable)
        {
            Parsed = parsed;
            Target = target;
            Locations = locations;
            Declarable = declarable;
        }

        public ParsedRecipe Parsed { get; }

        /// <summary>Null when the class cannot receive generated members (not static partial, nested).</summary>
        public RecipeTarget? Target { get; }

        public IReadOnlyDictionary<string, Location> Locations { get; }

        /// <summary>
        /// The RCP003 path of each [Mix] without [Source] that adding a [Source] would make a valid source (a
        /// <c>static partial SourceId</c> property of a phase recipe, its name unique), with the name it would take.
        /// </summary>
        public IReadOnlyDictionary<string, string> Declarable { get; }

        /// <summary>The location of the value at <paramref name="path"/>, or of its nearest located parent.</summary>
        public Location Locate(string path) => ValuePath.TryLocate(Locations, path, out var location) ? location : Location.None;
    }

    public static Result Parse(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        new CSharpRecipeParser(cancellationToken).ParseType(type);

    private void Remember(string path, Location? location)
    {
        if (location is null || !location.IsInSource) return;
        _locations[path] = location;
        var line = location.GetLineSpan();
        _spans[path] = new SourceSpan(location.SourceSpan.Start, location.SourceSpan.Length,
            line.StartLinePosition.Line, line.StartLinePosition.Character, line.EndLinePosition.Line, line.EndLinePosition.Character);
    }

    private void Report(string id, string path, string message)
    {
        _diagnostics.Add(DiagnosticIds.Create(id, path, message));
        _failedPaths.Add(path);
    }

    private Result ParseType(INamedTypeSymbol type)
    {
        Remember(ValuePath.Root, type.Locations.FirstOrDefault());
        AttributeData? recipeAttribute = null;
        AttributeData? temperatureAttribute = null;
        AttributeData? continuesAttribute = null;
        var phaseAttributes = new List<AttributeData>();
        foreach (var attribute in type.GetAttributes())
        {
            switch (attribute.AttributeClass?.ToDisplayString())
            {
                case RecipeAttributeName: recipeAttribute = attribute; break;
                case PhaseAttributeName: phaseAttributes.Add(attribute); break;
                case TemperatureAttributeName: temperatureAttribute = attribute; break;
                case ContinuesAttributeName: continuesAttribute = attribute; break;
            }
        }
        var target = Target(type);
        if (recipeAttribute is null)
        {
            return new Result(new ParsedRecipe(null, _diagnostics, _spans, _failedPaths), target, _locations, new Dictionary<string, string>());
        }

        var recipeSyntax = Syntax(recipeAttribute);
        Remember(ValuePath.Root, recipeSyntax?.GetLocation() ?? type.Locations.FirstOrDefault());
        var named = Named(recipeAttribute, recipeSyntax, ValuePath.Root);

        string name = named.TryGetValue("Name", out var nameValue) && nameValue.Value is string text && text.Length > 0 ? text : type.Name;
        long? totalTokens = RequiredQuantity(named, "TotalTokens", ValuePath.Member("totalTokens"), "[Recipe]", "TotalTokens = \"15.6T\"");
        // A continuation inherits its sequence length and seed (RecipeChain fills them in); one that restates them
        // with another value is RCP015, so what is written is kept apart from what applies.
        var continues = continuesAttribute is null ? null : ReadContinues(continuesAttribute);
        int? sequenceLength = null;
        int? statedSequenceLength = null;
        if (named.TryGetValue("SequenceLength", out var sequence)) sequenceLength = statedSequenceLength = (int)sequence.Value!;
        else if (continuesAttribute is not null) sequenceLength = 0;
        else if (!_unboundArguments.Contains(ValuePath.Member("sequenceLength"))) Report(DiagnosticIds.MalformedRecipe, ValuePath.Root, "[Recipe] needs SequenceLength, e.g. SequenceLength = 4096");
        long? statedSeed = named.TryGetValue("Seed", out var seedValue) ? Convert.ToInt64(seedValue.Value) : null;
        long seed = statedSeed ?? 0;
        long switchToken = continues?.At ?? 0;
        var mode = named.TryGetValue("Weights", out var modeValue) ? (WeightMode)(int)modeValue.Value! : WeightMode.Percent;
        var interpolation = named.TryGetValue("Interpolation", out var interpolationValue) ? (Interpolation)(int)interpolationValue.Value! : Interpolation.Step;
        double maxEpochs = named.TryGetValue("MaxEpochs", out var epochs) ? (double)epochs.Value! : Recipe.Model.Recipe.DefaultMaxEpochs;
        double syntheticCap = named.TryGetValue("SyntheticCap", out var cap) ? (double)cap.Value! : Recipe.Model.Recipe.DefaultSyntheticCap;
        string? description = named.TryGetValue("Description", out var descriptionValue) ? descriptionValue.Value as string : null;
        string? manifestLink = named.TryGetValue("Manifest", out var manifestValue) ? manifestValue.Value as string : null;
        if (manifestLink is not null && SourceManifest.LinkProblem(manifestLink, "Manifest") is { } manifestProblem)
        {
            Report(DiagnosticIds.MalformedRecipe, ValuePath.Member("manifest"), manifestProblem);
            manifestLink = null;
        }
        if (!Enum.IsDefined(typeof(WeightMode), mode)) Report(DiagnosticIds.MalformedRecipe, ValuePath.Member("weights"), $"Weights is {(int)mode}, not a WeightMode; use WeightMode.Percent, Fraction or Relative");
        if (!Enum.IsDefined(typeof(Interpolation), interpolation)) Report(DiagnosticIds.MalformedRecipe, ValuePath.Combine(ValuePath.Schedule, "interpolation"), $"Interpolation is {(int)interpolation}, not an Interpolation; use Interpolation.Step or Linear");

        // Phases, in the order they are written.
        phaseAttributes.Sort((a, b) => Position(a).CompareTo(Position(b)));
        var phaseNames = new List<string>();
        var phaseStarts = new List<long>();
        Temperature? temperature = null;
        if (temperatureAttribute is not null)
        {
            var syntax = Syntax(temperatureAttribute);
            Remember(ValuePath.Temperature, syntax?.GetLocation());
            Remember(ValuePath.Combine(ValuePath.Temperature, "start"), ArgumentLocation(syntax, 0));
            Remember(ValuePath.Combine(ValuePath.Temperature, "end"), ArgumentLocation(syntax, 1));
            var args = temperatureAttribute.ConstructorArguments;
            if (args.Length == 2 && args[0].Value is double start && args[1].Value is double end) temperature = new Temperature(start, end);
            if (phaseAttributes.Count > 0)
            {
                Report(DiagnosticIds.MalformedRecipe, ValuePath.Temperature,
                    "a [Temperature] recipe has one base weight per source and no [Phase]; remove the [Phase] attributes or [Temperature]");
            }
            phaseNames.Add("base");
            phaseStarts.Add(switchToken);
        }
        for (int p = 0; p < phaseAttributes.Count && temperature is null; p++)
        {
            var attribute = phaseAttributes[p];
            var syntax = Syntax(attribute);
            string path = ValuePath.Phase(p);
            Remember(path, syntax?.GetLocation());
            Remember(ValuePath.Combine(path, "name"), ArgumentLocation(syntax, 0));
            var phaseNamed = Named(attribute, syntax, path);
            string phaseName = attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is string n ? n : $"phase{p + 1}";
            phaseNames.Add(phaseName);
            phaseStarts.Add(Quantity(phaseNamed.TryGetValue("At", out var at) ? at.Value as string ?? "" : "0", "At", ValuePath.Combine(path, "at")) ?? 0);
        }

        // Sources, in declaration order.
        var sources = new List<Source>();
        var weights = phaseNames.Select(_ => new List<double>()).ToList();
        var properties = new List<SourceProperty>();
        var undeclared = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var sourceAttribute = Attribute(property, SourceAttributeName);
            var mix = Attribute(property, MixAttributeName);
            if (sourceAttribute is null && mix is null) continue;
            var source = sourceAttribute is not null
                ? ReadSource(property, sourceAttribute, mix, phaseNames, weights)
                : ReadUndeclared(property, mix!, phaseNames, weights);
            // A [Source] would make it a source the generator implements; until then a temperature recipe would want
            // a quality too, which a fix cannot know.
            if (sourceAttribute is null && IsSourceProperty(property) && temperatureAttribute is null)
            {
                undeclared[ValuePath.SourceProperty(source.Name, "mix")] = source.Name;
            }
            if (IsSourceProperty(property)) properties.Add(new SourceProperty(property.Name, Keyword(property.DeclaredAccessibility), sources.Count));
            sources.Add(source);
        }
        // Declaring a source whose name another source has would only trade RCP003 for RCP007.
        var spellings = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in sources) spellings[source.Name] = spellings.TryGetValue(source.Name, out int n) ? n + 1 : 1;
        var declarable = undeclared
            .Where(entry => spellings.TryGetValue(entry.Value, out int n) && n == 1)
            .ToDictionary(entry => entry.Key, entry => entry.Value, StringComparer.Ordinal);

        var phases = new List<Phase>();
        for (int p = 0; p < phaseNames.Count; p++) phases.Add(new Phase(phaseNames[p], phaseStarts[p], weights[p].ToEquatableArray()));

        // A [Continues] that does not read leaves nothing to check the recipe against (as in JSON).
        Recipe.Model.Recipe? recipe = totalTokens is null || sequenceLength is null || (continuesAttribute is not null && continues is null)
            ? null
            : new Recipe.Model.Recipe(name, totalTokens.Value, sequenceLength.Value, seed, mode, maxEpochs, syntheticCap, sources.ToEquatableArray(),
                new Schedule(interpolation, phases.ToEquatableArray(), temperature)) { Description = description };
        target = target is null ? null : target with { Properties = properties.ToEquatableArray() };
        var parsed = new ParsedRecipe(recipe, _diagnostics, _spans, _failedPaths)
        {
            Continues = continues,
            StatedSequenceLength = statedSequenceLength,
            StatedSeed = statedSeed,
            ManifestLink = manifestLink,
        };
        return new Result(parsed, target, _locations, declarable);
    }

    /// <summary>
    /// [Continues(typeof(Earlier), At = "12T")]: the earlier recipe's class by its full name, and the switch point. A
    /// class generated from a JSON recipe is not in the generator's own compilation yet, so there it does not bind:
    /// then its name as written, which <see cref="BuildRecipes"/> looks up among the JSON recipes' classes.
    /// </summary>
    private ContinuationReference? ReadContinues(AttributeData attribute)
    {
        var syntax = Syntax(attribute);
        string recipePath = ValuePath.Combine(ValuePath.Continues, "recipe");
        Remember(ValuePath.Continues, syntax?.GetLocation());
        Remember(recipePath, ArgumentLocation(syntax, 0));
        var named = Named(attribute, syntax, ValuePath.Continues);
        long? at = RequiredQuantity(named, "At", ValuePath.Combine(ValuePath.Continues, "at"), "[Continues]", "At = \"12T\"", ValuePath.Continues);
        string? target = EarlierName(attribute, syntax);
        if (target is null)
        {
            Report(DiagnosticIds.MalformedRecipe, recipePath, "[Continues] needs the earlier recipe's class, e.g. [Continues(typeof(LlamaV1), At = \"12T\")]");
            return null;
        }
        return at is null ? null : new ContinuationReference(target, at.Value, Embedded: null);
    }

    private static string? EarlierName(AttributeData attribute, AttributeSyntax? syntax)
    {
        if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is INamedTypeSymbol { TypeKind: not TypeKind.Error } type)
        {
            return FullName(type);
        }
        var first = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals is null && a.NameColon is null);
        return first?.Expression is TypeOfExpressionSyntax typeOf ? string.Concat(typeOf.Type.ToString().Where(c => !char.IsWhiteSpace(c))) : null;
    }

    /// <summary>"App.LlamaV1": the name a recipe class is looked up by (<see cref="BuildRecipes.ClassKey"/>).</summary>
    public static string FullName(INamedTypeSymbol type) =>
        type.ContainingType is not null ? type.ToDisplayString()
        : type.ContainingNamespace is null || type.ContainingNamespace.IsGlobalNamespace ? type.Name
        : type.ContainingNamespace.ToDisplayString() + "." + type.Name;

    private static AttributeData? Attribute(IPropertySymbol property, string name) =>
        property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == name);

    /// <summary>
    /// A [Mix] without [Source] (RCP003): a source the user meant to declare. Its weights count in the phase sums as
    /// if it were declared, so the one error is this, not an RCP001 per phase about sums that leave them out; nothing
    /// about its declaration (tokens, quality, the manifest) is checked, since there is none.
    /// </summary>
    private Source ReadUndeclared(IPropertySymbol property, AttributeData mix, List<string> phaseNames, List<List<double>> weights)
    {
        string name = property.Name.ToLowerInvariant();
        string path = ValuePath.Source(name);
        var values = ReadMix(mix, name, path, phaseNames, weights);
        string has = values.Count == 0 ? "has a [Mix] with no weights" : $"has weights [{string.Join(", ", values.Select(DiagnosticIds.Num))}]";
        Report(DiagnosticIds.UndeclaredSource, ValuePath.Combine(path, "mix"),
            $"'{property.Name}' {has} but no [Source] declaration, so the recipe has no source '{name}' to give them to; declare it with [Source(Tokens = \"...\")] or remove its [Mix]");
        _failedPaths.Add(path);
        return new Source(name, 0);
    }

    private Source ReadSource(IPropertySymbol property, AttributeData attribute, AttributeData? mix, List<string> phaseNames, List<List<double>> weights)
    {
        var syntax = Syntax(attribute);
        string name = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Name").Value.Value is string text && text.Length > 0
            ? text
            : property.Name.ToLowerInvariant();
        string path = ValuePath.Source(name);
        Remember(path, property.Locations.FirstOrDefault());
        Remember(ValuePath.Key(path), property.Locations.FirstOrDefault());
        var declared = Named(attribute, syntax, path);

        if (!IsSourceProperty(property))
        {
            Report(DiagnosticIds.MalformedRecipe, ValuePath.Key(path),
                $"source property '{property.Name}' must be declared '{Keyword(property.DeclaredAccessibility)} static partial SourceId {property.Name} {{ get; }}' so the generator can implement it");
        }

        long tokens = RequiredQuantity(declared, "Tokens", ValuePath.Combine(path, "tokens"), $"[Source] of '{property.Name}'", "Tokens = \"500B\"", path) ?? 0;

        ReadMix(mix, name, path, phaseNames, weights);

        return new Source(name, tokens)
        {
            Quality = declared.TryGetValue("Quality", out var quality) ? (double)quality.Value! : null,
            Synthetic = declared.TryGetValue("Synthetic", out var synthetic) && (bool)synthetic.Value!,
            MaxEpochs = declared.TryGetValue("MaxEpochs", out var maxEpochs) ? (double)maxEpochs.Value! : null,
            MaxFraction = declared.TryGetValue("MaxFraction", out var maxFraction) ? (double)maxFraction.Value! : null,
            Files = declared.TryGetValue("Files", out var files) && !files.IsNull
                ? files.Values.Select(v => v.Value as string ?? "").ToEquatableArray()
                : EquatableArray<string>.Empty,
            Format = CheckFormat(declared.TryGetValue("Format", out var format) ? format.Value as string : null, ValuePath.Combine(path, "format")),
            License = declared.TryGetValue("License", out var license) ? license.Value as string : null,
            Description = declared.TryGetValue("Description", out var description) ? description.Value as string : null,
        };
    }

    /// <summary>The weights of source <paramref name="name"/> as its [Mix] gives them; each phase's row gets one (0 where none is given).</summary>
    private List<double> ReadMix(AttributeData? mix, string name, string path, List<string> phaseNames, List<List<double>> weights)
    {
        var values = new List<double>();
        if (mix is not null)
        {
            var mixSyntax = Syntax(mix);
            string mixPath = ValuePath.Combine(path, "mix");
            Remember(mixPath, mixSyntax?.GetLocation());
            // Mix(null) compiles (a null params array): it has no Values, and reads as a row of no weights (RCP006).
            if (mix.ConstructorArguments.Length == 1 && mix.ConstructorArguments[0].Kind == TypedConstantKind.Array && !mix.ConstructorArguments[0].IsNull)
            {
                values.AddRange(mix.ConstructorArguments[0].Values.Select(v => Convert.ToDouble(v.Value)));
            }
            bool oneArgumentPerWeight = mixSyntax?.ArgumentList?.Arguments.Count == values.Count;
            for (int p = 0; p < phaseNames.Count; p++)
            {
                Remember(ValuePath.PhaseWeight(p, name), oneArgumentPerWeight ? ArgumentLocation(mixSyntax, p) : mixSyntax?.GetLocation());
            }
            if (values.Count != phaseNames.Count && phaseNames.Count > 0)
            {
                Report(DiagnosticIds.MixLengthMismatch, mixPath, RecipeMessages.MixLengthMismatch(name, values.Count, phaseNames.Count));
                _failedPaths.Add(ValuePath.Phases);
            }
        }
        for (int p = 0; p < phaseNames.Count; p++) weights[p].Add(p < values.Count ? values[p] : 0);
        return values;
    }

    private string? CheckFormat(string? format, string path)
    {
        if (format is null || Array.IndexOf(ShardFormats.All, format) >= 0) return format;
        Report(DiagnosticIds.MalformedRecipe, path, $"unknown format \"{format}\"; expected one of: {string.Join(", ", ShardFormats.All)}");
        return null;
    }

    private long? RequiredQuantity(Dictionary<string, TypedConstant> named, string argument, string path, string where, string example, string? ownerPath = null)
    {
        if (!named.TryGetValue(argument, out var value) || value.Value is not string text)
        {
            if (_unboundArguments.Contains(path)) return null;
            Report(DiagnosticIds.MalformedRecipe, ownerPath ?? ValuePath.Root, $"{where} needs {argument}, e.g. {example}");
            return null;
        }
        return Quantity(text, argument, path);
    }

    private long? Quantity(string text, string argument, string path)
    {
        if (Recipe.Model.Quantity.TryParse(text, out long value, out string error)) return value;
        Report(DiagnosticIds.MalformedRecipe, path, $"'{argument}': {error}");
        return null;
    }

    private static bool IsSourceProperty(IPropertySymbol property) =>
        property.IsStatic && property.IsPartialDefinition && property.SetMethod is null &&
        property.Type.ToDisplayString() == SourceIdName;

    private static RecipeTarget? Target(INamedTypeSymbol type)
    {
        bool isPartial = type.DeclaringSyntaxReferences.All(reference =>
            reference.GetSyntax() is ClassDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));
        if (!type.IsStatic || !isPartial || type.ContainingType is not null || type.IsGenericType) return null;
        string ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString();
        string path = type.Locations.FirstOrDefault()?.SourceTree?.FilePath ?? "";
        return new RecipeTarget(path, ns, type.Name, Keyword(type.DeclaredAccessibility), IsUserClass: true, EquatableArray<SourceProperty>.Empty);
    }

    /// <summary>The message for a class the generator cannot complete, or null.</summary>
    public static string? ShapeProblem(INamedTypeSymbol type) =>
        Target(type) is not null
            ? null
            : $"recipe class '{type.Name}' must be a top-level, non-generic 'static partial class' so the generator can add its weight functions";

    private static string Keyword(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "internal",
    };

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);

    private AttributeSyntax? Syntax(AttributeData attribute) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) as AttributeSyntax;

    private static int Position(AttributeData attribute) => attribute.ApplicationSyntaxReference?.Span.Start ?? 0;

    /// <summary>The attribute's named arguments, remembering where each is written as <paramref name="path"/>/camelCaseName.</summary>
    private Dictionary<string, TypedConstant> Named(AttributeData attribute, AttributeSyntax? syntax, string path)
    {
        var result = new Dictionary<string, TypedConstant>(StringComparer.Ordinal);
        foreach (var argument in attribute.NamedArguments)
        {
            // An argument the compiler could not bind (CS0029, CS0433...) has no value; the compiler reports it.
            if (argument.Value.Kind == TypedConstantKind.Error)
            {
                string argumentPath = ValuePath.Combine(path, Camel(argument.Key));
                _unboundArguments.Add(argumentPath);
                _failedPaths.Add(argumentPath);
                continue;
            }
            result[argument.Key] = argument.Value;
        }
        foreach (var location in NamedArgumentLocations(syntax)) Remember(ValuePath.Combine(path, Camel(location.Key)), location.Value);
        return result;
    }

    private static IEnumerable<KeyValuePair<string, Location>> NamedArgumentLocations(AttributeSyntax? syntax)
    {
        if (syntax?.ArgumentList is null) yield break;
        foreach (var argument in syntax.ArgumentList.Arguments)
        {
            if (argument.NameEquals is { } nameEquals)
            {
                yield return new KeyValuePair<string, Location>(nameEquals.Name.Identifier.ValueText, argument.Expression.GetLocation());
            }
        }
    }

    private static Location? ArgumentLocation(AttributeSyntax? syntax, int index)
    {
        if (syntax?.ArgumentList is null) return null;
        var positional = syntax.ArgumentList.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
        return index < positional.Count ? positional[index].Expression.GetLocation() : syntax.GetLocation();
    }
}
