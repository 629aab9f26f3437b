using System;
using System.Collections.Generic;
using System.IO;

namespace Recipe.Generator.Tests;

/// <summary>Valid recipes, one per schedule shape, shared by the snapshot, incrementality and mutation tests.</summary>
public static class TestRecipes
{
    /// <summary>The published Llama 3 example (linear, three phases, six sources), as copied to the test output.</summary>
    public static string Llama3 { get; } = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Examples", "llama3-405b.recipe.json"));

    /// <summary>Five step phases: enough for the emitted if-tree to branch on both sides.</summary>
    public const string FivePhaseStep = """
        {
          "name": "five-phase-step",
          "totalTokens": "2T",
          "sequenceLength": 4096,
          "seed": 7,
          "sources": {
            "web":  { "tokens": "2T" },
            "code": { "tokens": "1T" },
            "math": { "tokens": "400B" }
          },
          "schedule": {
            "interpolation": "step",
            "phases": [
              { "name": "warmup",    "at": 0,      "weights": { "web": 80, "code": 15, "math": 5 } },
              { "name": "broad",     "at": "400B", "weights": { "web": 70, "code": 20, "math": 10 } },
              { "name": "code",      "at": "800B", "weights": { "web": 55, "code": 30, "math": 15 } },
              { "name": "reasoning", "at": "1.2T", "weights": { "web": 50, "code": 30, "math": 20 } },
              { "name": "anneal",    "at": "1.6T", "weights": { "web": 40, "code": 35, "math": 25 } }
            ]
          }
        }
        """;

    /// <summary>One phase: a static mix, written as fractions.</summary>
    public const string StaticMix = """
        {
          "name": "static-mix",
          "totalTokens": "300B",
          "sequenceLength": 2048,
          "weights": "fraction",
          "sources": {
            "web":   { "tokens": "1T" },
            "code":  { "tokens": "200B" },
            "books": { "tokens": "50B" }
          },
          "schedule": {
            "phases": [
              { "name": "all", "at": 0, "weights": { "web": 0.7, "code": 0.2, "books": 0.1 } }
            ]
          }
        }
        """;

    /// <summary>The quality-temperature schedule: base weights sharpened toward quality as T falls from 1 to 0.3.</summary>
    public const string Temperature = """
        {
          "name": "quality-temperature",
          "totalTokens": "1T",
          "sequenceLength": 4096,
          "seed": 3,
          "sources": {
            "web":  { "tokens": "2T",   "quality": 0.4 },
            "code": { "tokens": "1T",   "quality": 0.7 },
            "math": { "tokens": "500B", "quality": 0.9 }
          },
          "schedule": {
            "temperature": { "start": 1.0, "end": 0.3 },
            "weights": { "web": 60, "code": 25, "math": 15 }
          }
        }
        """;

    /// <summary>Relative weights (normalised by the model), moving linearly between two phases.</summary>
    public const string Relative = """
        {
          "name": "relative-weights",
          "totalTokens": "500B",
          "sequenceLength": 2048,
          "weights": "relative",
          "sources": {
            "web":   { "tokens": "1T" },
            "code":  { "tokens": "400B" },
            "books": { "tokens": "300B" }
          },
          "schedule": {
            "interpolation": "linear",
            "phases": [
              { "name": "early", "at": 0,      "weights": { "web": 3, "code": 1, "books": 1 } },
              { "name": "late",  "at": "300B", "weights": { "web": 2, "code": 2, "books": 1 } }
            ]
          }
        }
        """;

    /// <summary>A C# recipe: attributes on a static partial class, sources as partial properties.</summary>
    public const string CSharpRecipe = """
        using Recipe.Model;
        using Recipe.Runtime;

        namespace Demo.Mixes;

        [Recipe(TotalTokens = "1T", SequenceLength = 2048, Interpolation = Interpolation.Linear)]
        [Phase("warmup", At = "0")]
        [Phase("main", At = "100B")]
        [Phase("anneal", At = "900B")]
        public static partial class TinyMix
        {
            [Source(Tokens = "800B", Quality = 0.4), Mix(70, 60, 40)] public static partial SourceId Web { get; }
            [Source(Tokens = "300B", Quality = 0.8), Mix(20, 30, 40)] public static partial SourceId Code { get; }
            [Source(Tokens = "100B", Quality = 0.9), Mix(10, 10, 20)] public static partial SourceId Math { get; }
        }
        """;

    /// <summary>Every JSON recipe above, by file name.</summary>
    public static IReadOnlyList<(string FileName, string Text)> Json { get; } = new[]
    {
        ("llama3-405b.recipe.json", Llama3),
        ("five-phase-step.recipe.json", FivePhaseStep),
        ("static-mix.recipe.json", StaticMix),
        ("quality-temperature.recipe.json", Temperature),
        ("relative-weights.recipe.json", Relative),
    };
}
