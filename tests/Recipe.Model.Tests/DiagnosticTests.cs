using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Recipe.Model;
using Recipe.Model.Json;
using Recipe.Tests.Shared;

namespace Recipe.Model.Tests;

/// <summary>
/// Every rule of the diagnostics table in README.md (RCP001..RCP014; RCP016 is the build's, see the generator tests), said once: each row is a recipe that breaks
/// exactly one rule, read by the JSON front end and checked by the validator as the generator and the CLI do, with
/// the ID, severity, value path and the facts its message must state; each clean row is the nearest recipe that
/// breaks nothing. The front-end tests (tests/Recipe.Generator.Tests) check where each ID lands in the text; the
/// C#-only rules (RCP006, [Mix] without [Source]) live there.
/// </summary>
public class DiagnosticTests
{
    private const RecipeSeverity Error = RecipeSeverity.Error;
    private const RecipeSeverity Warning = RecipeSeverity.Warning;

    /// <summary>
    /// A recipe that breaks one rule. <see cref="Path"/> is the validator's value path, or null for a finding of the
    /// JSON front end itself (located by its span only).
    /// </summary>
    public sealed record Rule(string Name, RecipeBuilder Recipe, string Id, RecipeSeverity Severity, string? Path, string[] Facts)
    {
        public SourceManifest? Manifest { get; init; }

        /// <summary>IDs that the broken recipe cannot help reporting too, after the rule's own finding.</summary>
        public string[] AlsoReported { get; init; } = [];
    }

    private static SourceManifest Manifest(params (string Name, long Tokens)[] sources) =>
        new("data.sources.json", sources.ToDictionary(s => s.Name, s => s.Tokens));

    private static RecipeBuilder WebCode(double web, double code) =>
        RecipeBuilder.Named("mix").Source("web", "10B").Source("code", "10B").Phase("p0", "0", ("web", web), ("code", code));

    private static RecipeBuilder ThreePhases(string at1 = "5B", string at2 = "7B") =>
        RecipeBuilder.Named("mix").Source("web", "10B").Source("code", "10B")
            .Phase("p0", "0", ("web", 60), ("code", 40))
            .Phase("p1", at1, ("web", 50), ("code", 50))
            .Phase("p2", at2, ("web", 40), ("code", 60));

    private static RecipeBuilder Temperature(double start = 1.0, double end = 0.3, double? codeQuality = 0.8, double code = 40) =>
        RecipeBuilder.Named("mix").Source("web", "10B", quality: 0.4).Source("code", "10B", quality: codeQuality)
            .Temperature(start, end, ("web", 60), ("code", code));

    private static RecipeBuilder Synthetic(double web = 80, double syn = 20) =>
        RecipeBuilder.Named("mix").Source("web", "10B").Source("syn", "10B", synthetic: true).Phase("p0", "0", ("web", web), ("syn", syn));

    public static readonly Rule[] Rules =
    {
        // RCP001: 60 + 50 = 110, off by 10; the message says how to opt out.
        new("RCP001 percent", WebCode(60, 50), "RCP001", Error, "/schedule/phases/0/weights",
            ["weights of phase 'p0' sum to 110, not 100 (off by 10)", "set \"weights\": \"relative\" to normalise"]),
        new("RCP001 fraction", WebCode(0.6, 0.5).Weights("fraction"), "RCP001", Error, "/schedule/phases/0/weights",
            ["weights of phase 'p0' sum to 1.1, not 1 (off by 0.1)"]),
        new("RCP001 relative all zero", WebCode(0, 0).Weights("relative").Phase("p1", "5B", ("web", 1), ("code", 1)), "RCP001", Error, "/schedule/phases/0/weights",
            ["weights of phase 'p0' sum to 0; give at least one source a positive weight"]),
        new("RCP001 in a later phase", ThreePhases().Phase("p3", "9B", ("web", 50), ("code", 40)), "RCP001", Error, "/schedule/phases/3/weights",
            ["weights of phase 'p3' sum to 90, not 100 (off by -10)"]),
        new("RCP001 temperature base weights", Temperature(code: 30), "RCP001", Error, "/schedule/phases/0/weights",
            ["base weights of the temperature schedule sum to 90"]),

        // RCP002: books 0.5 · 10B = 5B over 1B = 5 epochs > 4; 5B / 4 − 1B = 250M more; 4 · 1B / 10B = 40% would fit.
        new("RCP002 step", RecipeBuilder.Named("mix").Source("web", "10B").Source("books", "1B").Phase("p0", "0", ("web", 50), ("books", 50)),
            "RCP002", Warning, "/sources/books/tokens",
            ["source 'books' is repeated 5 epochs over the run, above its limit of 4", "5B tokens allocated vs 1B available",
             "add 250M tokens of data", "cut its weight to at most 40% of the mix"]),
        // a: (0.8 + 0.2) / 2 · 100B + 0.2 · 100B = 70B over 10B = 7 epochs, though the mid-run weight 0.2 would claim
        // 0.2 · 200B / 10B = 4; 70B / 4 − 10B = 7.5B more; scale 4 / 7; 4 · 10B / 200B = 20% of the run.
        new("RCP002 linear, from the integral", RecipeBuilder.Named("mix").Tokens("200B").Source("a", "10B").Source("b", "200B").Linear()
                .Phase("p0", "0", ("a", 80), ("b", 20)).Phase("p1", "100B", ("a", 20), ("b", 80)),
            "RCP002", Warning, "/sources/a/tokens",
            ["source 'a' is repeated 7 epochs over the run, above its limit of 4", "70B tokens allocated vs 10B available",
             "add 7.5B tokens of data", "scale its weights by 0.571 (at most 20% of the run)"]),
        // code: 0.4 · 10B over 10B = 0.4 epochs, above its own limit of 0.25.
        new("RCP002 under a source's own limit", RecipeBuilder.Named("mix").Source("web", "10B").Source("code", "10B", maxEpochs: 0.25)
                .Phase("p0", "0", ("web", 60), ("code", 40)),
            "RCP002", Warning, "/sources/code/tokens", ["source 'code' is repeated 0.4 epochs over the run, above its limit of 0.25"]),

        // RCP003 (JSON front end): a weight naming no declared source.
        new("RCP003", WebCode(60, 40).Phase("p1", "5B", ("web", 60), ("code", 40), ("books", 0)), "RCP003", Error, null,
            ["'books' in phase 'p1' is not a declared source (declared: web, code)"]),
        new("RCP003 another case", WebCode(60, 40).Phase("p1", "5B", ("web", 100), ("Code", 0)), "RCP003", Error, null,
            ["'Code' in phase 'p1' is not a declared source", "(did you mean 'code'?)"]),

        // RCP004
        new("RCP004 first phase not at 0", RecipeBuilder.Named("mix").Source("web", "10B").Phase("p0", "1B", ("web", 100)),
            "RCP004", Error, "/schedule/phases/0/at", ["the first phase 'p0' starts at 1B; it must start at 0"]),
        new("RCP004 at the previous start", ThreePhases(at2: "5B"), "RCP004", Error, "/schedule/phases/2/at",
            ["phase 'p2' starts at 5B, not after phase 'p1' at 5B; phases must be strictly increasing"]),
        new("RCP004 before the previous start", ThreePhases(at2: "4B"), "RCP004", Error, "/schedule/phases/2/at",
            ["phase 'p2' starts at 4B, not after phase 'p1' at 5B"]),
        new("RCP004 at the end of the run", ThreePhases(at2: "10B"), "RCP004", Error, "/schedule/phases/2/at",
            ["phase 'p2' starts at 10B, at or after the end of the run (10B); move it before the end or remove it"]),
        new("RCP004 no phase", RecipeBuilder.Named("mix").Source("web", "10B"), "RCP004", Error, "/schedule/phases",
            ["the schedule has no phase; add one at 0 with the weights of every source"]),

        // RCP005; a weight that is not valid is not summed as well (no RCP001 beside it).
        new("RCP005 negative weight", WebCode(-10, 110), "RCP005", Error, "/schedule/phases/0/weights/web",
            ["weight of 'web' in phase 'p0' is -10; weights must be finite and not negative"]),
        new("RCP005 infinite weight", WebCode(double.PositiveInfinity, 40), "RCP005", Error, "/schedule/phases/0/weights/web",
            ["weight of 'web' in phase 'p0' is Infinity"]),
        new("RCP005 quality above 1", RecipeBuilder.Named("mix").Source("web", "10B", quality: 1.5).Phase("p0", "0", ("web", 100)),
            "RCP005", Error, "/sources/web/quality", ["source 'web' has quality 1.5; quality must be in (0, 1]"]),
        new("RCP005 zero tokens", RecipeBuilder.Named("mix").Source("web", "0").Phase("p0", "0", ("web", 100)),
            "RCP005", Error, "/sources/web/tokens", ["source 'web' declares 0 tokens; a source must hold a positive number of tokens"]),
        new("RCP005 source max epochs 0", RecipeBuilder.Named("mix").Source("web", "10B", maxEpochs: 0).Phase("p0", "0", ("web", 100)),
            "RCP005", Error, "/sources/web/maxEpochs", ["source 'web' has maxEpochs 0; it must be a positive number of epochs"]),
        new("RCP005 max fraction above 1", RecipeBuilder.Named("mix").Source("web", "10B", maxFraction: 1.5).Phase("p0", "0", ("web", 100)),
            "RCP005", Error, "/sources/web/maxFraction", ["source 'web' has maxFraction 1.5; it is a share of the mix in (0, 1]"]),
        new("RCP005 recipe max epochs 0", WebCode(60, 40).MaxEpochs(0), "RCP005", Error, "/maxEpochs",
            ["maxEpochs is 0; it must be a positive number of epochs"]),
        new("RCP005 synthetic cap above 1", WebCode(60, 40).SyntheticCap(1.5), "RCP005", Error, "/syntheticCap",
            ["syntheticCap is 1.5; it is a share of all tokens between 0 and 1 (default 0.15)"]),

        // RCP007
        new("RCP007 sources in two cases", RecipeBuilder.Named("mix").Source("web", "10B").Source("Web", "10B").Phase("p0", "0", ("web", 60), ("Web", 40)),
            "RCP007", Error, "/sources/Web#", ["source 'Web' is declared twice (names are case-insensitive; 'web' came first); rename or merge one"]),
        new("RCP007 one source key twice", RecipeBuilder.Named("mix").Source("web", "10B").Source("web", "5B").Phase("p0", "0", ("web", 100)),
            "RCP007", Error, null, ["source 'web' is declared twice"]),
        new("RCP007 phases in two cases", RecipeBuilder.Named("mix").Source("web", "10B").Phase("p0", "0", ("web", 100)).Phase("P0", "5B", ("web", 100)),
            "RCP007", Error, "/schedule/phases/1/name", ["phase 'P0' is named twice (names are case-insensitive); give phase 2 another name"]),

        // RCP008: syn takes 20% of 10B; the default cap is 15%: over by 0.05 · 10B = 500M.
        new("RCP008", Synthetic(), "RCP008", Warning, "/sources/syn/synthetic",
            ["synthetic sources (syn) take 20% of all tokens, above the cap of 15% by 500M tokens; lower their weights or raise syntheticCap"]),

        // RCP009, from the validator (the JSON front end's own are in JsonFrontEndTests).
        // A phase with no source to weigh sums to 0 as well.
        new("RCP009 no source", RecipeBuilder.Named("mix").Phase("p0", "0"), "RCP009", Error, "/sources",
            ["the recipe declares no source; declare at least one under \"sources\""]) { AlsoReported = ["RCP001"] },
        new("RCP009 unknown source property", RecipeBuilder.Named("mix").Source("web", "10B", json: "\"colour\": \"red\"").Phase("p0", "0", ("web", 100)),
            "RCP009", Error, null,
            ["unknown property 'colour' in source 'web'; expected one of: tokens, quality, synthetic, maxEpochs, maxFraction, files, format, license, description"]),

        // RCP010
        new("RCP010 sequence length 0", WebCode(60, 40).SequenceLength(0), "RCP010", Error, "/sequenceLength",
            ["sequenceLength is 0; a sample needs at least 1 token"]),
        new("RCP010 run shorter than a sequence", WebCode(60, 40).Tokens("500"), "RCP010", Error, "/totalTokens",
            ["totalTokens is 500, less than one sequence of 1000 tokens; raise totalTokens"]),
        new("RCP010 negative seed", WebCode(60, 40).Seed(-1), "RCP010", Error, "/seed",
            ["seed is -1; use an integer from 0 to 9223372036854775807"]),
        new("RCP010 seed beyond 64 bits", WebCode(60, 40).Property("seed", "18446744073709551616"), "RCP010", Error, null,
            ["'seed' is 18446744073709551616, outside the 64-bit range"]),

        // RCP011
        new("RCP011 zero everywhere", WebCode(100, 0), "RCP011", Warning, "/sources/code#",
            ["source 'code' has weight 0 in every phase, so the run never reads it; give it a weight or remove it"]),
        new("RCP011 named by no phase", RecipeBuilder.Named("mix").Source("web", "10B").Source("code", "10B").Phase("p0", "0", ("web", 100)),
            "RCP011", Warning, "/sources/code#", ["source 'code' has weight 0 in every phase"]),

        // RCP012
        new("RCP012 from the start", RecipeBuilder.Named("mix").Source("web", "10B", maxFraction: 0.5).Source("code", "10B").Phase("p0", "0", ("web", 60), ("code", 40)),
            "RCP012", Warning, "/sources/web/maxFraction",
            ["source 'web' reaches 60% of the mix at token 0, above its maxFraction of 50%; lower its weight there or raise maxFraction"]),
        // Linear 60% → 70% at 5B → 40% at 7B: a piecewise-linear weight peaks at a phase start.
        new("RCP012 linear peak", RecipeBuilder.Named("mix").Source("web", "10B", maxFraction: 0.65).Source("code", "10B").Linear()
                .Phase("p0", "0", ("web", 60), ("code", 40)).Phase("p1", "5B", ("web", 70), ("code", 30)).Phase("p2", "7B", ("web", 40), ("code", 60)),
            "RCP012", Warning, "/sources/web/maxFraction", ["source 'web' reaches 70% of the mix at token 5B, above its maxFraction of 65%"]),

        // RCP013
        new("RCP013 missing from the manifest", WebCode(60, 40), "RCP013", Error, "/sources/code#",
            ["source 'code' is not in the data manifest data.sources.json; run 'recipe scan' on its shards or fix the name"])
            { Manifest = Manifest(("web", 10_000_000_000)) },
        new("RCP013 fewer tokens than declared", WebCode(60, 40), "RCP013", Error, "/sources/web/tokens",
            ["source 'web' declares 10B tokens but its shards hold 9B (9000000000 tokens per data.sources.json), 1B short; declare the measured count or add data"])
            { Manifest = Manifest(("web", 9_000_000_000), ("code", 10_000_000_000)) },

        // RCP014
        new("RCP014 start at 0", Temperature(start: 0), "RCP014", Error, "/schedule/temperature/start",
            ["temperature starts at 0; T must stay above 0 (typical: 1.0 falling to 0.3)"]),
        new("RCP014 end below 0", Temperature(end: -0.3), "RCP014", Error, "/schedule/temperature/end",
            ["temperature ends at -0.3; T must stay above 0"]),
        new("RCP014 source without quality", Temperature(codeQuality: null), "RCP014", Error, "/sources/code#",
            ["source 'code' has no quality, which the temperature schedule needs; add \"quality\" in (0, 1]"]),
    };

    /// <summary>The nearest recipes that break nothing: each rule's boundary, where a check must stay quiet.</summary>
    public static readonly (string Name, RecipeBuilder Recipe, SourceManifest? Manifest)[] CleanRecipes =
    {
        ("sums to 100", WebCode(60, 40), null),
        ("sum within the tolerance", WebCode(66.6666667, 33.3333333), null), // |100.0000000 − 100| ≤ 100 · 1e-6
        ("fractions 0.1 + 0.2 + 0.7, not exactly 1 in binary", RecipeBuilder.Named("mix").Weights("fraction")
            .Source("web", "10B").Source("code", "10B").Source("math", "10B").Phase("p0", "0", ("web", 0.1), ("code", 0.2), ("math", 0.7)), null),
        ("relative weights of any positive sum", WebCode(3, 7).Weights("relative"), null),
        ("exactly at the epoch limit", RecipeBuilder.Named("mix").Source("web", "10B").Source("code", "1.25B")
            .Phase("p0", "0", ("web", 50), ("code", 50)), null), // code: 5B over 1.25B = 4 epochs
        ("within a source's own raised limit", RecipeBuilder.Named("mix").Source("web", "10B").Source("code", "1B", maxEpochs: 6)
            .Phase("p0", "0", ("web", 50), ("code", 50)), null), // code: 5 epochs ≤ 6
        ("strictly increasing phases inside the run", ThreePhases(), null),
        ("quality exactly 1 and just above 0", RecipeBuilder.Named("mix").Source("web", "10B", quality: 1).Source("code", "10B", quality: 0.001)
            .Phase("p0", "0", ("web", 60), ("code", 40)), null),
        ("names differing by more than case", RecipeBuilder.Named("mix").Source("web", "10B").Source("web2", "10B")
            .Phase("a", "0", ("web", 60), ("web2", 40)).Phase("a2", "5B", ("web", 50), ("web2", 50)), null),
        ("synthetic exactly at the cap", Synthetic(85, 15), null),
        ("synthetic under a raised cap", Synthetic().SyntheticCap(0.25), null),
        ("known source properties", RecipeBuilder.Named("mix").Source("web", "10B", json: "\"license\": \"cc-by\", \"format\": \"llmc\", \"files\": [\"web/*.bin\"]")
            .Phase("p0", "0", ("web", 100)), null),
        ("a run of exactly one sequence, seed 0", WebCode(60, 40).Tokens("1000").Seed(0), null),
        ("a source weighted in a later phase only", RecipeBuilder.Named("mix").Source("web", "10B").Source("code", "10B")
            .Phase("p0", "0", ("web", 100), ("code", 0)).Phase("p1", "5B", ("web", 50), ("code", 50)), null),
        ("exactly at the max fraction", RecipeBuilder.Named("mix").Source("web", "10B", maxFraction: 0.6).Source("code", "10B")
            .Phase("p0", "0", ("web", 60), ("code", 40)), null),
        ("shards holding at least the declared tokens", WebCode(60, 40), Manifest(("web", 10_000_000_000), ("code", 12_000_000_000))),
        ("a temperature schedule with qualities everywhere", Temperature(), null),
        ("no quality outside a temperature schedule", WebCode(60, 40), null),
        ("the Llama 3 curriculum", RecipeBuilder.Named("llama3-405b").Tokens("15.6T").SequenceLength(8192).Seed(42).MaxEpochs(4).Linear()
            .Source("web", "8T", quality: 0.4).Source("code", "4T", quality: 0.7).Source("math", "1.5T", quality: 0.9)
            .Source("books", "0.8T", quality: 0.85).Source("wiki", "0.3T", quality: 0.95).Source("multilingual", "1.5T", quality: 0.5)
            .Phase("foundation", "0", ("web", 55), ("code", 20), ("math", 5), ("books", 5), ("wiki", 5), ("multilingual", 10))
            .Phase("reasoning", "8T", ("web", 45), ("code", 30), ("math", 10), ("books", 5), ("wiki", 3), ("multilingual", 7))
            .Phase("quality", "13T", ("web", 40), ("code", 25), ("math", 15), ("books", 6), ("wiki", 4), ("multilingual", 10)), null),
    };

    public static TheoryData<string> RuleNames() => new(Rules.Select(r => r.Name));

    public static TheoryData<string> CleanNames() => new(CleanRecipes.Select(r => r.Name));

    private static IReadOnlyList<RecipeDiagnostic> Check(RecipeBuilder recipe, SourceManifest? manifest) =>
        RecipeJsonReader.Read(recipe.ToJson()).Check(manifest).Diagnostics;

    [Theory]
    [MemberData(nameof(RuleNames))]
    public void Each_rule_reports_its_id_severity_path_and_facts(string name)
    {
        var rule = Rules.Single(r => r.Name == name);
        var diagnostics = Check(rule.Recipe, rule.Manifest);
        string all = string.Join("\n", diagnostics.Select(Diagnose.Describe));
        Assert.True(diagnostics.Select(d => d.Id).SequenceEqual(rule.AlsoReported.Prepend(rule.Id)),
            $"expected {string.Join(", ", rule.AlsoReported.Prepend(rule.Id))}, got:\n{all}\nin\n{rule.Recipe.ToJson()}");
        var d = diagnostics[0];
        Assert.Equal((rule.Id, rule.Severity), (d.Id, d.Severity));
        Assert.Equal(DiagnosticIds.DefaultSeverity(rule.Id), rule.Severity);
        if (rule.Path is not null) Assert.Equal(rule.Path, d.Path);
        Assert.True(d.Span.HasValue, $"{all}: not located");
        foreach (string fact in rule.Facts) Assert.Contains(fact, d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CleanNames))]
    public void The_nearest_valid_recipe_reports_nothing(string name)
    {
        var (_, recipe, manifest) = CleanRecipes.Single(r => r.Name == name);
        Diagnose.None(Check(recipe, manifest));
    }

    [Fact]
    public void Every_id_of_the_readme_table_has_a_rule_or_a_front_end_test()
    {
        // RCP006 (a [Mix] of the wrong length) exists only in C#: CSharpDiagnosticTests. RCP015 needs a chain of
        // recipes: ContinuationDiagnosticTests. RCP016 is about which manifest the build finds for a recipe file,
        // not the recipe: JsonDiagnosticTests and CSharpDiagnosticTests.
        var covered = Rules.Select(r => r.Id).Append("RCP006").Append("RCP015").Append("RCP016").Distinct().OrderBy(id => id, StringComparer.Ordinal);
        Assert.Equal(DiagnosticIds.All.Select(e => e.Id), covered);
    }

    [Fact]
    public void Every_reported_id_has_the_severity_of_the_readme_table()
    {
        var errors = new[] { "RCP001", "RCP003", "RCP004", "RCP005", "RCP006", "RCP007", "RCP009", "RCP010", "RCP013", "RCP014", "RCP015" };
        var warnings = new[] { "RCP002", "RCP008", "RCP011", "RCP012" };
        foreach (string id in errors) Assert.Equal(RecipeSeverity.Error, DiagnosticIds.DefaultSeverity(id));
        foreach (string id in warnings) Assert.Equal(RecipeSeverity.Warning, DiagnosticIds.DefaultSeverity(id));
        Assert.Equal(RecipeSeverity.Info, DiagnosticIds.DefaultSeverity(DiagnosticIds.NoManifest));
    }

    [Fact]
    public void Messages_write_numbers_the_same_way_under_any_current_culture()
    {
        // code: 0.5 · 10B / 2B = 2.5 epochs > its maxEpochs of 2. Every number in a message is invariant ("1.25B",
        // "62.5%"), or a comma-decimal machine would print "2,5".
        var recipe = RecipeBuilder.Named("mix").Source("web", "10B").Source("code", "2B", maxEpochs: 2).Phase("p0", "0", ("web", 50), ("code", 50));
        var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        comma.NumberFormat.NumberDecimalSeparator = ",";
        comma.NumberFormat.NumberGroupSeparator = ".";
        var saved = CultureInfo.CurrentCulture;
        IReadOnlyList<RecipeDiagnostic> diagnostics;
        try
        {
            CultureInfo.CurrentCulture = comma;
            diagnostics = Check(recipe, null);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
        Assert.Contains("repeated 2.5 epochs", Assert.Single(diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recipe_with_an_error_is_not_handed_on()
    {
        Assert.Null(RecipeJsonReader.Read(WebCode(60, 50).ToJson()).Check().Recipe);
    }

    [Fact]
    public void A_recipe_with_only_warnings_is_handed_on()
    {
        Assert.NotNull(RecipeJsonReader.Read(Synthetic().ToJson()).Check().Recipe);
    }

    [Fact]
    public void Validator_findings_are_located_the_same_with_CRLF_line_endings()
    {
        string lf = WebCode(60, 50).ToJson();
        var expected = TextPosition.Of(lf, "\"weights\": »{ \"web\": 60");
        Diagnose.Single(Diagnose.Json(lf.Replace("\n", "\r\n")), "RCP001", Error, expected.Line, expected.Column);
    }
}
