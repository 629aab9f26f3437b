using System.Collections.Generic;
using System.Linq;
using Recipe.Model;
using Recipe.Runtime;
using Recipe.Runtime.Loading;

namespace Recipe.Loading.Tests;

/// <summary>
/// Opening sources checks them against the recipe with the model's rules: RCP013 when a source holds fewer tokens
/// than declared, RCP002 when the real sizes imply more epochs than the source's limit; errors throw or are logged
/// per <see cref="LoaderOptions.SourceChecks"/>, warnings are logged.
/// </summary>
public class SourceCheckTests
{
    // math draws 24,000 tokens over the run: 0.1 → 0.3 of the first 48,000 tokens, then 0.3 of the last 48,000.
    private const double MathAllocated = 24000;

    [Fact]
    public void Sources_that_match_the_recipe_give_no_finding()
    {
        using var data = FixtureData.Create();
        var logged = new List<RecipeDiagnostic>();
        using var loader = BatchLoader.Open(CompiledRecipe.FromRecipe(FixtureData.Recipe()), data.Root, new LoaderOptions { BatchSize = 4, Log = logged.Add });
        Assert.Empty(loader.Diagnostics);
        Assert.Empty(logged);
    }

    [Fact]
    public void A_source_with_fewer_tokens_than_declared_is_RCP013_and_stops_the_loader()
    {
        using var data = FixtureData.Create(web: 4000);
        var recipe = FixtureData.Recipe();
        var logged = new List<RecipeDiagnostic>();
        var error = Assert.Throws<SourceCheckException>(() =>
            BatchLoader.Open(CompiledRecipe.FromRecipe(recipe), data.Root, new LoaderOptions { BatchSize = 4, Log = logged.Add }));

        var finding = Assert.Single(error.Diagnostics);
        Assert.Equal(DiagnosticIds.ManifestMismatch, finding.Id);
        Assert.Equal(RecipeSeverity.Error, finding.Severity);
        Assert.Equal("/sources/web/tokens", finding.Path);
        // The message is the validator's, for a manifest of the measured counts: what `recipe check` would say.
        var manifest = new SourceManifest("data root " + data.Root, new Dictionary<string, long> { ["web"] = 4000, ["code"] = 3001, ["math"] = 1500 });
        var expected = RecipeValidator.Validate(recipe, manifest).Single(d => d.Id == DiagnosticIds.ManifestMismatch);
        Assert.Equal(expected.Message, finding.Message);
        Assert.Contains("4000 tokens", finding.Message);
        Assert.Contains("error RCP013", error.Message);
        Assert.Empty(logged);
    }

    [Fact]
    public void With_LogOnly_an_RCP013_is_logged_and_the_loader_runs_on_the_real_sizes()
    {
        using var data = FixtureData.Create(web: 4000);
        var logged = new List<RecipeDiagnostic>();
        using var loader = BatchLoader.Open(CompiledRecipe.FromRecipe(FixtureData.Recipe()), data.Root,
            new LoaderOptions { BatchSize = 4, SourceChecks = SourceCheckMode.LogOnly, Log = logged.Add });
        Assert.Equal(DiagnosticIds.ManifestMismatch, Assert.Single(logged).Id);
        Assert.Equal(loader.Diagnostics, logged);
        Assert.Equal(250, loader.SequencesPerSource[0]);
        Assert.Equal(loader.Steps, BatchCopy.Drain(loader).Count);
    }

    [Fact]
    public void Real_sizes_that_imply_more_epochs_than_allowed_give_RCP002_with_the_real_numbers()
    {
        using var data = FixtureData.Create();
        // Declared: 24,000 / 3,200 = 7.5 epochs, under the limit of 8. Real: 1,500 tokens, 93 whole sequences.
        var recipe = FixtureData.Recipe(text => text.Replace("\"math\": { \"tokens\": 1500,", "\"math\": { \"tokens\": 3200, \"maxEpochs\": 8,"));
        Assert.DoesNotContain(RecipeValidator.Validate(recipe), d => d.Id == DiagnosticIds.SourceOverRepeated);

        var logged = new List<RecipeDiagnostic>();
        using var loader = BatchLoader.Open(CompiledRecipe.FromRecipe(recipe), data.Root, new LoaderOptions { BatchSize = 4, SourceChecks = SourceCheckMode.LogOnly, Log = logged.Add });

        Assert.Equal(new[] { DiagnosticIds.ManifestMismatch, DiagnosticIds.SourceOverRepeated }, logged.Select(d => d.Id));
        var repeated = logged[1];
        Assert.Equal(RecipeSeverity.Warning, repeated.Severity);
        Assert.Equal("/sources/math/tokens", repeated.Path);
        var real = RealSizes(recipe, 4496, 2992, 1488);
        Assert.Equal(RecipeMessages.OverRepeated(real, RecipePlan.For(real).Sources[2]), repeated.Message);
        Assert.Contains((MathAllocated / 1488).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " epochs", repeated.Message);
    }

    [Fact]
    public void With_ThrowOnErrors_the_exception_carries_the_RCP002_warning_too()
    {
        using var data = FixtureData.Create();
        var recipe = FixtureData.Recipe(text => text.Replace("\"math\": { \"tokens\": 1500,", "\"math\": { \"tokens\": 3200, \"maxEpochs\": 8,"));
        var error = Assert.Throws<SourceCheckException>(() => BatchLoader.Open(CompiledRecipe.FromRecipe(recipe), data.Root, new LoaderOptions { BatchSize = 4, Log = null }));
        Assert.Equal(new[] { DiagnosticIds.ManifestMismatch, DiagnosticIds.SourceOverRepeated }, error.Diagnostics.Select(d => d.Id));
        Assert.Contains("warning RCP002", error.Message);
    }

    [Fact]
    public void Epochs_count_whole_sequences_so_a_tail_that_fills_none_can_tip_a_source_over_its_limit()
    {
        using var data = FixtureData.Create();
        // Declared 1,500 tokens: 24,000 / 1,500 = exactly 16 epochs, at the limit. The loader cycles through 93 whole
        // sequences (1,488 tokens): 16.13 epochs, over it. A warning only: the shards hold every declared token.
        var recipe = FixtureData.Recipe(text => text.Replace("\"math\": { \"tokens\": 1500,", "\"math\": { \"tokens\": 1500, \"maxEpochs\": 16,"));
        Assert.DoesNotContain(RecipeValidator.Validate(recipe), d => d.Id == DiagnosticIds.SourceOverRepeated);
        var logged = new List<RecipeDiagnostic>();
        using var loader = BatchLoader.Open(CompiledRecipe.FromRecipe(recipe), data.Root, new LoaderOptions { BatchSize = 4, Log = logged.Add });
        var finding = Assert.Single(logged);
        Assert.Equal(DiagnosticIds.SourceOverRepeated, finding.Id);
        Assert.Contains("'math'", finding.Message);
        Assert.True(loader.TryNext(out _));
    }

    [Fact]
    public void The_check_can_run_without_a_loader()
    {
        using var data = FixtureData.Create(code: 2000);
        var recipe = FixtureData.Recipe();
        using var sources = new SourceList(LoaderCore.OpenSources(CompiledRecipe.FromRecipe(recipe), data.Root));
        var findings = SourceChecks.Check(recipe, sources.Items, shifted: false, where: "scan.sources.json");
        var finding = Assert.Single(findings);
        Assert.Equal("/sources/code/tokens", finding.Path);
        Assert.Contains("per scan.sources.json", finding.Message);
    }

    private static Recipe.Model.Recipe RealSizes(Recipe.Model.Recipe recipe, params long[] tokens) =>
        recipe with { Sources = new EquatableArray<Source>(recipe.Sources.Select((s, i) => s with { Tokens = tokens[i] }).ToArray()) };
}
