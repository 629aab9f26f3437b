using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Recipe.Model.Json;

/// <summary>
/// The JSON front end: translates a <c>*.recipe.json</c> text (the format README.md describes and
/// schema/recipe.schema.json defines) into a <see cref="Recipe"/>,
/// reporting every syntax and shape problem as RCP009 (or RCP003/RCP007) at the exact span, and remembering the
/// span of every value so that the validator's findings can be located too. It never throws on bad input.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed class RecipeJsonReader
{
    private static readonly string[] RecipeProperties =
        { "$schema", "name", "description", "manifest", "continues", "totalTokens", "sequenceLength", "seed", "weights", "maxEpochs", "syntheticCap", "sources", "schedule" };

    private static readonly string[] SourceProperties =
        { "tokens", "quality", "synthetic", "maxEpochs", "maxFraction", "files", "format", "license", "description" };

    private static readonly string[] ScheduleProperties = { "interpolation", "phases", "temperature", "weights" };
    private static readonly string[] PhaseProperties = { "name", "at", "weights" };
    private static readonly string[] TemperatureProperties = { "start", "end" };
    private static readonly string[] ContinuesProperties = { "recipe", "at" };

    private readonly LineMap _lines;
    private readonly List<RecipeDiagnostic> _diagnostics = new();
    private readonly Dictionary<string, SourceSpan> _spans = new(StringComparer.Ordinal);
    private readonly List<string> _failedPaths = new();
    private bool _fatal;

    private readonly string _text;

    private RecipeJsonReader(string text)
    {
        _text = text;
        _lines = new LineMap(text);
    }

    /// <summary>Reads a recipe text; see <see cref="ParsedRecipe"/>.</summary>
    public static ParsedRecipe Read(string text)
    {
        var reader = new RecipeJsonReader(text);
        var root = JsonParser.Parse(text, out var syntaxError);
        if (root is null)
        {
            var error = syntaxError!;
            reader.Report(DiagnosticIds.MalformedRecipe, reader._lines.Span(error.Offset, error.Offset < text.Length ? 1 : 0),
                $"malformed JSON: {error.Message}");
            return reader.Result(null);
        }
        var recipe = reader.ReadRecipe(root);
        return reader.Result(reader._fatal ? null : recipe);
    }

    /// <summary>
    /// Reads a recipe file's bytes (UTF-8, a byte order mark allowed). A byte sequence that is not UTF-8 is an RCP009
    /// at that byte rather than a silently substituted U+FFFD.
    /// </summary>
    public static ParsedRecipe Read(byte[] utf8)
    {
        if (utf8 is null) throw new ArgumentNullException(nameof(utf8));
        int start = utf8.Length >= 3 && utf8[0] == 0xEF && utf8[1] == 0xBB && utf8[2] == 0xBF ? 3 : 0;
        try
        {
            return Read(StrictUtf8.GetString(utf8, start, utf8.Length - start));
        }
        catch (System.Text.DecoderFallbackException)
        {
            int bad = FirstInvalidUtf8(utf8, start);
            // The text before the bad byte is valid: the span is at the character it would have started.
            string before = StrictUtf8.GetString(utf8, start, bad - start);
            var reader = new RecipeJsonReader(before);
            reader.Report(DiagnosticIds.MalformedRecipe, reader._lines.Span(before.Length, 0),
                $"the file is not UTF-8: byte 0x{utf8[bad]:X2} at byte offset {bad} does not start a valid UTF-8 sequence; save the recipe as UTF-8");
            return reader.Result(null);
        }
    }

    /// <summary>
    /// Reads a recipe file's text as a compiler decoded it: a byte that is not UTF-8 has become U+FFFD, so the first
    /// U+FFFD is an RCP009 at that character rather than a description or name silently holding it.
    /// </summary>
    public static ParsedRecipe ReadDecoded(string text)
    {
        if (text is null) throw new ArgumentNullException(nameof(text));
        int replaced = text.IndexOf('\uFFFD');
        if (replaced < 0) return Read(text);
        var reader = new RecipeJsonReader(text);
        reader.Report(DiagnosticIds.MalformedRecipe, reader._lines.Span(replaced, 1),
            "the file is not UTF-8 here: a byte that does not start a valid UTF-8 sequence was read as U+FFFD (or the file holds U+FFFD itself); save the recipe as UTF-8");
        return reader.Result(null);
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // The offset of the first byte that does not begin a complete, valid UTF-8 sequence.
    private static int FirstInvalidUtf8(byte[] bytes, int start)
    {
        int i = start;
        while (i < bytes.Length)
        {
            int length = SequenceLength(bytes, i);
            if (length == 0) return i;
            i += length;
        }
        return bytes.Length;
    }

    // The length of the valid UTF-8 sequence at i (RFC 3629: no overlongs, no surrogates, at most U+10FFFF), or 0.
    private static int SequenceLength(byte[] b, int i)
    {
        byte lead = b[i];
        if (lead < 0x80) return 1;
        int length = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
        if (length == 0 || i + length > b.Length) return 0;
        byte second = b[i + 1];
        byte low = lead == 0xE0 ? (byte)0xA0 : lead == 0xF0 ? (byte)0x90 : (byte)0x80;
        byte high = lead == 0xED ? (byte)0x9F : lead == 0xF4 ? (byte)0x8F : (byte)0xBF;
        if (second < low || second > high) return 0;
        for (int k = 2; k < length; k++)
        {
            if ((b[i + k] & 0xC0) != 0x80) return 0;
        }
        return length;
    }

    private ParsedRecipe Result(Recipe? recipe) => new(recipe, _diagnostics, _spans, _failedPaths)
    {
        ManifestLink = _manifestLink,
        Continues = _continues,
        StatedSequenceLength = _statedSequenceLength,
        StatedSeed = _statedSeed,
    };

    private string? _manifestLink;
    private ContinuationReference? _continues;
    private long? _statedSequenceLength;
    private long? _statedSeed;

    private void Report(string id, SourceSpan span, string message) =>
        _diagnostics.Add(DiagnosticIds.Create(id, "", message) with { Span = span });

    private void Report(string id, JsonNode node, string message) => Report(id, _lines.Span(node.Start, node.Length), message);

    private void ReportKey(string id, JsonMember member, string message) =>
        Report(id, _lines.Span(member.NameStart, member.NameLength), message);

    /// <summary>A value that could not be read: the validator's findings under it would only repeat the error.</summary>
    private void Failed(string path) => _failedPaths.Add(path);

    private void Remember(string path, JsonMember member)
    {
        _spans[path] = _lines.Span(member.Value.Start, member.Value.Length);
        _spans[ValuePath.Key(path)] = _lines.Span(member.NameStart, member.NameLength);
    }

    private Dictionary<string, JsonMember> Members(JsonNode node, string path, string where, string[] known)
    {
        var result = new Dictionary<string, JsonMember>(StringComparer.Ordinal);
        foreach (var member in node.Members)
        {
            if (Array.IndexOf(known, member.Name) < 0)
            {
                ReportKey(DiagnosticIds.MalformedRecipe, member, RecipeMessages.UnknownProperty(member.Name, where, known));
                continue;
            }
            if (result.ContainsKey(member.Name))
            {
                ReportKey(DiagnosticIds.MalformedRecipe, member, $"property '{member.Name}' appears twice in {where}; keep one");
                continue;
            }
            result.Add(member.Name, member);
            Remember(ValuePath.Combine(path, member.Name), member);
        }
        return result;
    }

    private bool Require(Dictionary<string, JsonMember> members, string name, JsonNode owner, string where, out JsonMember member)
    {
        if (members.TryGetValue(name, out member!)) return true;
        Report(DiagnosticIds.MalformedRecipe, _lines.Span(owner.Start, 1), RecipeMessages.MissingProperty(name, where));
        return false;
    }

    private Recipe? ReadRecipe(JsonNode root)
    {
        if (root.Kind != JsonKind.Object)
        {
            Report(DiagnosticIds.MalformedRecipe, root, $"a recipe is a JSON object, not {root.Describe()}");
            _fatal = true;
            return null;
        }
        _spans[ValuePath.Root] = _lines.Span(root.Start, 1);
        var members = Members(root, ValuePath.Root, "the recipe", RecipeProperties);

        string? name = null;
        if (Require(members, "name", root, "the recipe", out var nameMember)) name = String(nameMember, ValuePath.Member("name"));
        if (name is { Length: 0 })
        {
            Report(DiagnosticIds.MalformedRecipe, nameMember.Value, "the recipe name is empty; name it, e.g. \"llama3-405b\"");
            name = null;
        }

        bool continuation = false;
        if (members.TryGetValue("continues", out var continuesMember))
        {
            // A continuation inherits its sequence length and seed, so neither is required; the reference is resolved
            // (and the inherited values filled in) by RecipeChain, which sees the other recipes.
            continuation = true;
            _continues = ReadContinues(continuesMember.Value);
            if (_continues is null) _fatal = true;
        }

        long? totalTokens = Require(members, "totalTokens", root, "the recipe", out var total) ? Quantity(total, ValuePath.Member("totalTokens")) : null;
        long? sequenceLength = null;
        if (members.TryGetValue("sequenceLength", out var sequence) || (!continuation && Require(members, "sequenceLength", root, "the recipe", out sequence)))
        {
            sequenceLength = _statedSequenceLength = Integer(sequence, ValuePath.Member("sequenceLength"));
        }
        else if (continuation)
        {
            sequenceLength = 0;
        }
        if (sequenceLength is { } length && (length > int.MaxValue || length < int.MinValue))
        {
            Report(DiagnosticIds.InvalidRunShape, sequence.Value, $"sequenceLength {length} is too large; a sample holds at most {int.MaxValue} tokens");
            sequenceLength = _statedSequenceLength = null;
        }
        long seed = 0;
        if (members.TryGetValue("seed", out var seedMember)) seed = (_statedSeed = Integer(seedMember, ValuePath.Member("seed"))) ?? 0;
        var mode = members.TryGetValue("weights", out var modeMember)
            ? Enum(modeMember, ValuePath.Member("weights"), new[] { "percent", "fraction", "relative" }, new[] { WeightMode.Percent, WeightMode.Fraction, WeightMode.Relative }, WeightMode.Percent)
            : WeightMode.Percent;
        double maxEpochs = members.TryGetValue("maxEpochs", out var epochsMember) ? Number(epochsMember, ValuePath.Member("maxEpochs")) ?? Recipe.DefaultMaxEpochs : Recipe.DefaultMaxEpochs;
        double syntheticCap = members.TryGetValue("syntheticCap", out var capMember) ? Number(capMember, ValuePath.Member("syntheticCap")) ?? Recipe.DefaultSyntheticCap : Recipe.DefaultSyntheticCap;
        string? description = members.TryGetValue("description", out var descriptionMember) ? String(descriptionMember, ValuePath.Member("description")) : null;
        if (members.TryGetValue("$schema", out var schema)) String(schema, ValuePath.Member("$schema"));
        if (members.TryGetValue("manifest", out var manifest)) _manifestLink = ManifestLink(manifest);

        var sources = Require(members, "sources", root, "the recipe", out var sourcesMember) ? ReadSources(sourcesMember.Value) : null;
        Schedule? schedule = null;
        if (sources is not null && Require(members, "schedule", root, "the recipe", out var scheduleMember))
        {
            schedule = ReadSchedule(scheduleMember.Value, sources, _continues?.At ?? 0);
        }

        if (name is null || totalTokens is null || sequenceLength is null || sources is null || schedule is null)
        {
            _fatal = true;
            return null;
        }
        return new Recipe(name, totalTokens.Value, (int)sequenceLength.Value, seed, mode, maxEpochs, syntheticCap, sources.ToEquatableArray(), schedule)
        {
            Description = description,
        };
    }

    private List<Source>? ReadSources(JsonNode node)
    {
        if (node.Kind != JsonKind.Object)
        {
            Report(DiagnosticIds.MalformedRecipe, node, RecipeMessages.WrongType("sources", "an object of sources by name", node.Describe()));
            return null;
        }
        var sources = new List<Source>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in node.Members)
        {
            string path = ValuePath.Source(member.Name);
            if (!names.Add(member.Name))
            {
                ReportKey(DiagnosticIds.DuplicateName, member, $"source '{member.Name}' is declared twice; merge the two declarations");
                continue;
            }
            Remember(path, member);
            sources.Add(ReadSource(member, path));
        }
        return sources;
    }

    private Source ReadSource(JsonMember declaration, string path)
    {
        string name = declaration.Name;
        var node = declaration.Value;
        if (node.Kind != JsonKind.Object)
        {
            Report(DiagnosticIds.MalformedRecipe, node, RecipeMessages.WrongType($"source '{name}'", "an object such as { \"tokens\": \"500B\" }", node.Describe()));
            Failed(path);
            return new Source(name, 0);
        }
        var members = Members(node, path, $"source '{name}'", SourceProperties);
        long tokens = 0;
        if (Require(members, "tokens", node, $"source '{name}'", out var tokensMember))
        {
            tokens = Quantity(tokensMember, ValuePath.Combine(path, "tokens")) ?? 0;
        }
        else
        {
            Failed(ValuePath.Combine(path, "tokens"));
        }

        string[] files = Array.Empty<string>();
        if (members.TryGetValue("files", out var filesMember))
        {
            if (filesMember.Value.Kind != JsonKind.Array)
            {
                Report(DiagnosticIds.MalformedRecipe, filesMember.Value, RecipeMessages.WrongType("files", "an array of paths or globs", filesMember.Value.Describe()));
            }
            else
            {
                var list = new List<string>();
                foreach (var item in filesMember.Value.Items)
                {
                    if (item.Kind == JsonKind.String) list.Add(item.Text!);
                    else Report(DiagnosticIds.MalformedRecipe, item, RecipeMessages.WrongType("files", "an array of strings", $"an array holding {item.Describe()}"));
                }
                files = list.ToArray();
            }
        }

        string? format = null;
        if (members.TryGetValue("format", out var formatMember))
        {
            format = String(formatMember, ValuePath.Combine(path, "format"));
            if (format is not null && Array.IndexOf(ShardFormats.All, format) < 0)
            {
                Report(DiagnosticIds.MalformedRecipe, formatMember.Value, $"unknown format \"{format}\"; expected one of: {string.Join(", ", ShardFormats.All)}");
                format = null;
            }
        }

        return new Source(name, tokens)
        {
            Quality = members.TryGetValue("quality", out var quality) ? Number(quality, ValuePath.Combine(path, "quality")) : null,
            Synthetic = members.TryGetValue("synthetic", out var synthetic) && Bool(synthetic, ValuePath.Combine(path, "synthetic")),
            MaxEpochs = members.TryGetValue("maxEpochs", out var maxEpochs) ? Number(maxEpochs, ValuePath.Combine(path, "maxEpochs")) : null,
            MaxFraction = members.TryGetValue("maxFraction", out var maxFraction) ? Number(maxFraction, ValuePath.Combine(path, "maxFraction")) : null,
            Files = new EquatableArray<string>(files),
            Format = format,
            License = members.TryGetValue("license", out var license) ? String(license, ValuePath.Combine(path, "license")) : null,
            Description = members.TryGetValue("description", out var description) ? String(description, ValuePath.Combine(path, "description")) : null,
        };
    }

    /// <summary>
    /// "continues": { "recipe": path or an embedded recipe object (the canonical form), "at": quantity }. An embedded
    /// recipe is read by a reader of its own; its problems are reported as one RCP015 at it.
    /// </summary>
    private ContinuationReference? ReadContinues(JsonNode node)
    {
        string path = ValuePath.Continues;
        if (node.Kind != JsonKind.Object)
        {
            Report(DiagnosticIds.MalformedRecipe, node, RecipeMessages.WrongType("continues", "an object { \"recipe\": \"earlier.recipe.json\", \"at\": \"8T\" }", node.Describe()));
            return null;
        }
        var members = Members(node, path, "\"continues\"", ContinuesProperties);
        long? at = Require(members, "at", node, "\"continues\"", out var atMember) ? Quantity(atMember, ValuePath.Combine(path, "at")) : null;
        if (!Require(members, "recipe", node, "\"continues\"", out var recipeMember) || at is null) return null;
        var value = recipeMember.Value;
        if (value.Kind == JsonKind.String)
        {
            if (value.Text!.Length > 0) return new ContinuationReference(value.Text, at.Value, Embedded: null);
            Report(DiagnosticIds.MalformedRecipe, value, "\"recipe\" is empty; name the earlier recipe's file relative to this one, e.g. \"llama3-v1.recipe.json\"");
            return null;
        }
        if (value.Kind == JsonKind.Object)
        {
            var embedded = Read(_text.Substring(value.Start, value.Length));
            var problem = embedded.Recipe is null ? embedded.Diagnostics.FirstOrDefault(d => d.Severity == RecipeSeverity.Error) : null;
            if (embedded.Recipe is not null && problem is null) return new ContinuationReference(null, at.Value, embedded);
            Report(DiagnosticIds.BadContinuation, value, $"the embedded earlier recipe does not read: {problem?.Message ?? "it has errors"}");
            return null;
        }
        Report(DiagnosticIds.MalformedRecipe, value, RecipeMessages.WrongType("recipe", "the earlier recipe's file name, e.g. \"llama3-v1.recipe.json\"", value.Describe()));
        return null;
    }

    private Schedule? ReadSchedule(JsonNode node, List<Source> sources, long start)
    {
        if (node.Kind != JsonKind.Object)
        {
            Report(DiagnosticIds.MalformedRecipe, node, RecipeMessages.WrongType("schedule", "an object with \"phases\" (or \"temperature\" and \"weights\")", node.Describe()));
            return null;
        }
        var members = Members(node, ValuePath.Schedule, "the schedule", ScheduleProperties);
        if (members.TryGetValue("temperature", out var temperatureMember))
        {
            foreach (string misplaced in new[] { "phases", "interpolation" })
            {
                if (members.TryGetValue(misplaced, out var extra))
                {
                    ReportKey(DiagnosticIds.MalformedRecipe, extra, $"'{misplaced}' does not apply to a temperature schedule, which has one set of base \"weights\"; remove it or remove \"temperature\"");
                }
            }
            var temperature = ReadTemperature(temperatureMember.Value);
            if (!Require(members, "weights", node, "a temperature schedule", out var baseWeights)) return null;
            // The base weights are the single phase at 0: alias their spans to that phase's paths.
            Remember(ValuePath.PhaseWeights(0), baseWeights);
            var weights = ReadWeights(baseWeights.Value, ValuePath.PhaseWeights(0), "the base weights", sources);
            if (temperature is null || weights is null) return null;
            return new Schedule(Interpolation.Linear, new[] { new Phase("base", start, weights.ToEquatableArray()) }.ToEquatableArray(), temperature);
        }
        if (members.TryGetValue("weights", out var stray))
        {
            // A string there is the recipe's weight mode ("percent", "fraction", "relative") one level too deep.
            ReportKey(DiagnosticIds.MalformedRecipe, stray, stray.Value.Kind == JsonKind.String
                ? $"\"weights\": \"{stray.Value.Text}\" is the recipe's weight mode: move it to the recipe's top level, beside \"sources\" and \"schedule\""
                : "schedule-level \"weights\" belong to a temperature schedule; put weights inside \"phases\" or add \"temperature\"");
        }

        var interpolation = members.TryGetValue("interpolation", out var interpolationMember)
            ? Enum(interpolationMember, ValuePath.Combine(ValuePath.Schedule, "interpolation"), new[] { "step", "linear" }, new[] { Interpolation.Step, Interpolation.Linear }, Interpolation.Step)
            : Interpolation.Step;
        if (!Require(members, "phases", node, "the schedule", out var phasesMember)) return null;
        if (phasesMember.Value.Kind != JsonKind.Array)
        {
            Report(DiagnosticIds.MalformedRecipe, phasesMember.Value, RecipeMessages.WrongType("phases", "an array of phases", phasesMember.Value.Describe()));
            return null;
        }
        var phases = new List<Phase>();
        bool ok = true;
        var items = phasesMember.Value.Items;
        for (int p = 0; p < items.Count; p++)
        {
            var phase = ReadPhase(items[p], p, sources);
            if (phase is null) ok = false; else phases.Add(phase);
        }
        return ok ? new Schedule(interpolation, phases.ToEquatableArray()) : null;
    }

    private Temperature? ReadTemperature(JsonNode node)
    {
        if (node.Kind != JsonKind.Object)
        {
            Report(DiagnosticIds.MalformedRecipe, node, RecipeMessages.WrongType("temperature", "an object { \"start\": 1.0, \"end\": 0.3 }", node.Describe()));
            return null;
        }
        var members = Members(node, ValuePath.Temperature, "the temperature", TemperatureProperties);
        double? start = Require(members, "start", node, "the temperature", out var startMember) ? Number(startMember, ValuePath.Combine(ValuePath.Temperature, "start")) : null;
        double? end = Require(members, "end", node, "the temperature", out var endMember) ? Number(endMember, ValuePath.Combine(ValuePath.Temperature, "end")) : null;
        return start is null || end is null ? null : new Temperature(start.Value, end.Value);
    }

    private Phase? ReadPhase(JsonNode node, int index, List<Source> sources)
    {
        string path = ValuePath.Phase(index);
        _spans[path] = _lines.Span(node.Start, node.Length);
        if (node.Kind != JsonKind.Object)
        {
            Report(DiagnosticIds.MalformedRecipe, node, RecipeMessages.WrongType($"phase {index + 1}", "an object { \"at\": ..., \"weights\": {...} }", node.Describe()));
            return null;
        }
        var members = Members(node, path, $"phase {index + 1}", PhaseProperties);
        string name = (members.TryGetValue("name", out var nameMember) ? String(nameMember, ValuePath.Combine(path, "name")) : null) ?? $"phase{index + 1}";
        long? at = Require(members, "at", node, $"phase '{name}'", out var atMember) ? Quantity(atMember, ValuePath.Combine(path, "at")) : null;
        double[]? weights = Require(members, "weights", node, $"phase '{name}'", out var weightsMember)
            ? ReadWeights(weightsMember.Value, ValuePath.Combine(path, "weights"), $"phase '{name}'", sources)
            : null;
        return at is null || weights is null ? null : new Phase(name, at.Value, weights.ToEquatableArray());
    }

    private double[]? ReadWeights(JsonNode node, string path, string where, List<Source> sources)
    {
        if (node.Kind != JsonKind.Object)
        {
            Report(DiagnosticIds.MalformedRecipe, node, RecipeMessages.WrongType($"weights of {where}", "an object of weights by source name", node.Describe()));
            return null;
        }
        var weights = new double[sources.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = SourceIndex(sources);
        foreach (var member in node.Members)
        {
            if (!index.Exact.TryGetValue(member.Name, out int source))
            {
                string message = RecipeMessages.UndeclaredSource(member.Name, where, sources.Select(s => s.Name));
                if (index.IgnoringCase.TryGetValue(member.Name, out int close)) message += $" (did you mean '{sources[close].Name}'?)";
                ReportKey(DiagnosticIds.UndeclaredSource, member, message);
                continue;
            }
            if (!seen.Add(member.Name))
            {
                ReportKey(DiagnosticIds.MalformedRecipe, member, $"the weight of '{member.Name}' is given twice in {where}; keep one");
                continue;
            }
            string weightPath = ValuePath.Combine(path, member.Name);
            Remember(weightPath, member);
            if (Number(member, weightPath) is { } weight)
            {
                weights[source] = weight;
            }
            else
            {
                // The phase's sum and the source's use depend on the value that could not be read.
                Failed(path);
                Failed(ValuePath.Source(member.Name));
            }
        }
        return weights;
    }

    /// <summary>The "manifest" value: a <c>*.sources.json</c> path (the build reads only those), or null with RCP009.</summary>
    private string? ManifestLink(JsonMember member)
    {
        string? link = String(member, ValuePath.Member("manifest"));
        if (link is null) return null;
        if (SourceManifest.LinkProblem(link, "\"manifest\"") is not { } problem) return link;
        Report(DiagnosticIds.MalformedRecipe, member.Value, problem);
        return null;
    }

    /// <summary>
    /// Source indices by exact name and by name ignoring case (the first so spelt), built once per source list so
    /// that reading the weights of every phase is linear in the number of sources.
    /// </summary>
    private (Dictionary<string, int> Exact, Dictionary<string, int> IgnoringCase) SourceIndex(List<Source> sources)
    {
        if (_sourceIndex is { } cached && ReferenceEquals(_indexedSources, sources)) return cached;
        var exact = new Dictionary<string, int>(sources.Count, StringComparer.Ordinal);
        var ignoringCase = new Dictionary<string, int>(sources.Count, StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < sources.Count; i++)
        {
            exact.Add(sources[i].Name, i);
            if (!ignoringCase.ContainsKey(sources[i].Name)) ignoringCase.Add(sources[i].Name, i);
        }
        _indexedSources = sources;
        return (_sourceIndex = (exact, ignoringCase)).Value;
    }

    private List<Source>? _indexedSources;
    private (Dictionary<string, int> Exact, Dictionary<string, int> IgnoringCase)? _sourceIndex;

    private string? String(JsonMember member, string path)
    {
        if (member.Value.Kind == JsonKind.String) return member.Value.Text;
        Report(DiagnosticIds.MalformedRecipe, member.Value, RecipeMessages.WrongType(member.Name, "a string", member.Value.Describe()));
        Failed(path);
        return null;
    }

    private bool Bool(JsonMember member, string path)
    {
        if (member.Value.Kind == JsonKind.True) return true;
        if (member.Value.Kind == JsonKind.False) return false;
        Report(DiagnosticIds.MalformedRecipe, member.Value, RecipeMessages.WrongType(member.Name, "true or false", member.Value.Describe()));
        Failed(path);
        return false;
    }

    private double? Number(JsonMember member, string path)
    {
        if (member.Value.Kind == JsonKind.Number &&
            double.TryParse(member.Value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            return value;
        }
        Report(DiagnosticIds.MalformedRecipe, member.Value, RecipeMessages.WrongType(member.Name, "a number", member.Value.Describe()));
        Failed(path);
        return null;
    }

    private long? Integer(JsonMember member, string path)
    {
        var node = member.Value;
        if (node.Kind == JsonKind.Number &&
            decimal.TryParse(node.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value) &&
            value == decimal.Truncate(value))
        {
            if (value >= long.MinValue && value <= long.MaxValue) return (long)value;
            Report(DiagnosticIds.InvalidRunShape, node, $"'{member.Name}' is {node.Text}, outside the 64-bit range; use an integer from 0 to {long.MaxValue}");
            Failed(path);
            return null;
        }
        Report(DiagnosticIds.MalformedRecipe, node, RecipeMessages.WrongType(member.Name, "a whole number", node.Describe()));
        Failed(path);
        return null;
    }

    private long? Quantity(JsonMember member, string path)
    {
        var node = member.Value;
        if (node.Kind is JsonKind.Number or JsonKind.String)
        {
            if (Model.Quantity.TryParse(node.Text!, out long value, out string error)) return value;
            Report(DiagnosticIds.MalformedRecipe, node, $"'{member.Name}': {error}");
        }
        else
        {
            Report(DiagnosticIds.MalformedRecipe, node, RecipeMessages.WrongType(member.Name, "a quantity (a number or a string such as \"15.6T\")", node.Describe()));
        }
        Failed(path);
        return null;
    }

    private T Enum<T>(JsonMember member, string path, string[] names, T[] values, T fallback)
    {
        var node = member.Value;
        if (node.Kind == JsonKind.String)
        {
            int index = Array.IndexOf(names, node.Text);
            if (index >= 0) return values[index];
            Report(DiagnosticIds.MalformedRecipe, node, $"'{member.Name}' is \"{node.Text}\"; expected one of: {string.Join(", ", names)}");
        }
        else
        {
            Report(DiagnosticIds.MalformedRecipe, node, RecipeMessages.WrongType(member.Name, $"one of {string.Join(", ", names.Select(n => "\"" + n + "\""))}", node.Describe()));
        }
        Failed(path);
        return fallback;
    }
}
