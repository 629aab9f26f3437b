using System.IO;
using System.Linq;

namespace Recipe.Generator.Tests;

public class SmokeTests
{
    [Fact]
    public void Llama3_example_generates_code_that_compiles()
    {
        string text = File.ReadAllText(Path.Combine(System.AppContext.BaseDirectory, "Examples", "llama3-405b.recipe.json"));
        var run = GeneratorHarness.Generate(new[] { ("/src/llama3-405b.recipe.json", text) });
        // It lists data files with no manifest beside it: the build notes that (RCP016, info) and nothing else.
        Assert.Equal("RCP016", Assert.Single(run.Result.Diagnostics).Id);
        Assert.Null(run.Result.Results[0].Exception);
        var source = run.Result.Results[0].GeneratedSources.Single();
        System.Console.WriteLine(source.SourceText);
        Assert.Empty(run.CompileErrors);
    }
}
