using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Recipe.Generator.Tests;

/// <summary>
/// A source name holding the characters RFC 6901 escapes ('/' and '~') gets one value path whoever builds it, so a
/// finding of the validator lands on the value the front end read, in JSON and in C#.
/// </summary>
public class ValuePathLocationTests
{
    private const string Name = "web/en~1";

    [Fact]
    public void A_finding_about_a_json_source_whose_name_has_slash_and_tilde_lands_on_its_value()
    {
        string json = $$"""
            {
              "name": "slashes",
              "totalTokens": "1M",
              "sequenceLength": 1024,
              "sources": {
                "{{Name}}": { "tokens": "1M", "quality": 2 },
                "code": { "tokens": "1M" }
              },
              "schedule": { "phases": [ { "name": "all", "at": 0, "weights": { "{{Name}}": 50, "code": 50 } } ] }
            }
            """;
        var run = GeneratorHarness.Generate(new[] { ("/src/slashes.recipe.json", json) });
        var (line, column) = Find(json, "\"quality\": 2", "2");
        var diagnostic = DiagnosticAssert.Single(run.RecipeDiagnostics, "RCP005", DiagnosticSeverity.Error, "/src/slashes.recipe.json", line, column);
        Assert.Contains($"source '{Name}' has quality 2", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_finding_about_a_csharp_source_whose_name_has_slash_and_tilde_lands_on_its_argument()
    {
        string source = $$"""
            using Recipe.Runtime;

            namespace App;

            [Recipe(TotalTokens = "1M", SequenceLength = 1024)]
            [Phase("all", At = "0")]
            public static partial class Slashes
            {
                [Source(Name = "{{Name}}", Tokens = "1M", Quality = 2.0), Mix(50)] public static partial SourceId Web { get; }
                [Source(Tokens = "1M"), Mix(50)] public static partial SourceId Code { get; }
            }
            """;
        var run = GeneratorHarness.Generate(Array.Empty<(string, string)>(), source);
        var diagnostics = GeneratorHarness.AnalyzerDiagnostics(run.Output).Where(d => d.Id.StartsWith("RCP", StringComparison.Ordinal));
        var (line, column) = Find(source, "Quality = 2.0", "2.0");
        var diagnostic = DiagnosticAssert.Single(diagnostics, "RCP005", DiagnosticSeverity.Error, "Recipe0.cs", line, column);
        Assert.Contains($"source '{Name}' has quality 2", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    /// <summary>One-based line and column of <paramref name="part"/> within the first <paramref name="context"/> of <paramref name="text"/>.</summary>
    private static (int Line, int Column) Find(string text, string context, string part)
    {
        int offset = text.IndexOf(context, StringComparison.Ordinal) + context.IndexOf(part, StringComparison.Ordinal);
        int lineStart = text.LastIndexOf('\n', offset - 1) + 1;
        return (text.Take(offset).Count(c => c == '\n') + 1, offset - lineStart + 1);
    }
}
