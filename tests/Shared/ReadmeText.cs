using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Recipe.Tests.Shared;

/// <summary>One fenced block of README.md: its language ("" for a plain block), its text and its first line.</summary>
public sealed record ReadmeBlock(string Language, string Text, int Line)
{
    /// <summary>The lines of the block, without the fences.</summary>
    public string[] Lines => Text.Split('\n');

    /// <summary>A transcript block ("$ command", then what it prints): the command, without the prompt.</summary>
    public string Command => Lines[0].StartsWith("$ ", StringComparison.Ordinal)
        ? Lines[0][2..]
        : throw new InvalidOperationException($"README block at line {Line} is not a transcript: {Lines[0]}");

    /// <summary>A transcript block's output: every line after the command, joined by '\n', with no final newline.</summary>
    public string Output => string.Join("\n", Lines.Skip(1));

    /// <summary>A command's arguments split at spaces, from <paramref name="after"/> on (e.g. "--" for dotnet run).</summary>
    public static string[] Arguments(string command, string after) =>
        command.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(a => a != after).Skip(1).ToArray();

    public override string ToString() => $"README line {Line} ({(Language.Length == 0 ? "plain" : Language)}):\n{Text}";
}

/// <summary>
/// The fenced blocks of README.md, so that tests run the commands and code the README shows and compare what they
/// print with the blocks that follow them. Blocks are found by language and by a piece of their text.
/// </summary>
public sealed class ReadmeText
{
    public ReadmeText(string path)
    {
        Text = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        Blocks = Parse(Text);
    }

    public string Text { get; }

    public IReadOnlyList<ReadmeBlock> Blocks { get; }

    /// <summary>The blocks of <paramref name="language"/> whose text contains <paramref name="marker"/>, in order.</summary>
    public IReadOnlyList<ReadmeBlock> All(string language, string marker) =>
        Blocks.Where(b => b.Language == language && b.Text.Contains(marker, StringComparison.Ordinal)).ToList();

    /// <summary>The one block of <paramref name="language"/> whose text contains <paramref name="marker"/>.</summary>
    public ReadmeBlock Single(string language, string marker)
    {
        var found = All(language, marker);
        return found.Count == 1
            ? found[0]
            : throw new InvalidOperationException($"README has {found.Count} {language} blocks containing `{marker}`, not one");
    }

    /// <summary>The journey's first draft of mix.recipe.json (step 2), mistake included.</summary>
    public string JourneyRecipe => Single("json", "\"name\": \"mix\"").Text + "\n";

    /// <summary>The journey's recipe after the fix of step 3: the diff block's '-' line replaced by its '+' line.</summary>
    public string FixedJourneyRecipe
    {
        get
        {
            var diff = Blocks.Single(b => b.Language == "diff").Lines;
            string removed = diff.Single(l => l.StartsWith('-'))[1..], added = diff.Single(l => l.StartsWith('+'))[1..];
            string recipe = JourneyRecipe;
            int at = recipe.IndexOf(removed + "\n", StringComparison.Ordinal);
            if (at < 0 || recipe.IndexOf(removed + "\n", at + 1, StringComparison.Ordinal) >= 0)
            {
                throw new InvalidOperationException($"the fix's line is not once in the recipe: {removed}");
            }
            return recipe[..at] + added + recipe[(at + removed.Length)..];
        }
    }

    private static List<ReadmeBlock> Parse(string text)
    {
        var blocks = new List<ReadmeBlock>();
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal)) continue;
            int end = Array.FindIndex(lines, i + 1, l => l == "```");
            if (end < 0) throw new InvalidOperationException($"README block at line {i + 1} is not closed");
            blocks.Add(new ReadmeBlock(lines[i][3..].Trim(), string.Join("\n", lines[(i + 1)..end]), i + 2));
            i = end;
        }
        return blocks;
    }
}
