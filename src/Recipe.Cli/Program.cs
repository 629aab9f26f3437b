using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Recipe.Cli;
using Recipe.Model;

// Exit codes: 0 clean, 1 the recipe has errors (or a file cannot be read), 2 usage.
var recipeArgument = new Argument<FileInfo>("recipe") { Description = "A *.recipe.json file." };
var recipesArgument = new Argument<FileInfo[]>("recipes") { Description = "*.recipe.json files.", Arity = ArgumentArity.OneOrMore };
var formatOption = new Option<string>("--format", "-f") { Description = "table, json or markdown.", DefaultValueFactory = _ => "table" };
formatOption.AcceptOnlyFromAmong("table", "json", "markdown");

var check = new Command("check", "Report the diagnostics of recipe files (the same checks and messages as the build).") { recipesArgument };
check.SetAction(parse => Guard(() =>
{
    int exit = 0;
    foreach (var file in parse.GetValue(recipesArgument)!)
    {
        var loaded = RecipeFiles.Load(file.FullName);
        foreach (string problem in loaded.Problems) Console.Error.WriteLine(problem);
        if (loaded.Checked.Recipe is null) exit = 1;
        else Console.WriteLine($"{file.Name}: ok ({loaded.Problems.Count} warning{(loaded.Problems.Count == 1 ? "" : "s")})");
    }
    return exit;
}));

var plan = new Command("plan", "Tokens, share and epochs per source and phase, from the exact integral of the schedule.") { recipeArgument, formatOption };
plan.SetAction(parse => Guard(() =>
{
    var loaded = RecipeFiles.Load(parse.GetValue(recipeArgument)!.FullName);
    foreach (string problem in loaded.Problems) Console.Error.WriteLine(problem);
    if (loaded.Checked.Recipe is not { } recipe) return 1;
    var recipePlan = RecipePlan.For(recipe);
    Console.Write(parse.GetValue(formatOption) switch
    {
        "json" => PlanOutput.Json(recipePlan),
        "markdown" => PlanOutput.Markdown(recipePlan),
        _ => PlanOutput.Table(recipePlan),
    });
    return 0;
}));

var root = new RootCommand("recipe: check and plan data-mixture recipes.") { check, plan };
var result = root.Parse(args);
if (result.Errors.Count > 0)
{
    foreach (var error in result.Errors) Console.Error.WriteLine($"recipe: {error.Message}");
    return 2;
}
return result.Invoke();

// One clear line instead of a stack trace.
static int Guard(Func<int> action)
{
    try
    {
        return action();
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"recipe: {e.Message}");
        return 1;
    }
}
