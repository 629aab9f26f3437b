using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Recipe.Model;
using Recipe.Runtime;
using Recipe.Runtime.Data;
using Recipe.Runtime.Loading;
using Recipe.Runtime.Sampling;

namespace Recipe.Cli;

/// <summary>What <c>recipe inspect</c> was asked for.</summary>
/// <param name="DataRoot">The folder the sources' <c>files</c> globs are relative to.</param>
/// <param name="PerSource">Random samples to show of each source.</param>
/// <param name="Tokenizer">One of <see cref="Vocabularies.Names"/>.</param>
/// <param name="Seed">Picks which samples are shown.</param>
/// <param name="Sources">Only these sources (empty: every source).</param>
/// <param name="Samples">Show these global samples instead of random ones (empty: random ones).</param>
/// <param name="MaxChars">Characters of each sample's text (or ids) to print.</param>
/// <param name="Shifted">Windows of L + 1 tokens, as the loader reads them with shifted targets.</param>
/// <param name="Json">Machine-readable output.</param>
/// <param name="Progress">Progress lines even when stderr is not a terminal.</param>
internal sealed record InspectOptions(
    string DataRoot, int PerSource, string Tokenizer, long Seed, IReadOnlyList<string> Sources, IReadOnlyList<long> Samples,
    int MaxChars, bool Shifted, bool Json, bool Progress);

/// <summary>
/// <c>recipe inspect R --data ROOT</c>: decodes samples of each source so users can look at what training will read.
/// The samples are the run's own: the sampler over the real shards (sequences per source as the loader counts them)
/// says which sequence of which source global sample i is, and the window is read exactly as the loader reads it.
/// Random samples of a source are distinct ordinals of that source drawn with a seeded permutation, mapped back to
/// global samples with <see cref="Sampler.IndexOf"/>, so each source shows the same samples whatever
/// other sources are asked for.
/// </summary>
internal static class Inspector
{
    /// <summary>One sample shown: where the run takes it from and its tokens.</summary>
    /// <param name="Sample">The global sample index.</param>
    /// <param name="Ref">What the sampler says it is.</param>
    /// <param name="Start">The window's first token in the source's stream.</param>
    /// <param name="Tokens">The window, as the loader reads it.</param>
    private sealed record Pick(long Sample, SampleRef Ref, long Start, int[] Tokens);

    /// <summary>Everything the output shows: the picks, the sources' totals in the run and how each source is decoded.</summary>
    private sealed record Inspection(
        CompiledRecipe Recipe, IReadOnlyList<TokenSource> Sources, long[] Totals, IReadOnlyList<int> Order,
        IReadOnlyList<Pick> Picks, IReadOnlyDictionary<int, TokenizerChoice> Choices, InspectOptions Options);

    private const string Indent = "  ";

    public static int Run(CliIO io, Recipe.Model.Recipe recipe, InspectOptions options)
    {
        if (options.PerSource < 1) throw new UsageException($"--per-source must be at least 1, not {options.PerSource}");
        if (options.MaxChars < 1) throw new UsageException($"--max-chars must be at least 1, not {options.MaxChars}");
        if (options.Sources.Count > 0 && options.Samples.Count > 0) throw new UsageException("--sample picks global samples of any source; leave out --source");
        var names = recipe.Sources.Select(s => s.Name).ToList();
        var wanted = new List<int>();
        foreach (string name in options.Sources)
        {
            int k = names.IndexOf(name);
            if (k < 0) throw new UsageException($"recipe '{recipe.Name}' has no source '{name}'; its sources are {string.Join(", ", names)}");
            if (!wanted.Contains(k)) wanted.Add(k);
        }
        if (wanted.Count == 0 && options.Samples.Count == 0) wanted.AddRange(Enumerable.Range(0, names.Count));
        foreach (long sample in options.Samples)
        {
            if (sample < 0 || sample >= recipe.Samples)
            {
                throw new UsageException($"--sample {sample} is outside the run of '{recipe.Name}': samples are 0 to {recipe.Samples - 1}");
            }
        }
        foreach (var source in recipe.Sources)
        {
            if (source.Files.Count == 0)
            {
                throw new CliException($"source '{source.Name}' of recipe '{recipe.Name}' lists no files; give it \"files\" patterns relative to the data root, such as \"{source.Name}/*.bin\"");
            }
        }

        var compiled = CompiledRecipe.FromRecipe(recipe);
        var sources = LoaderCore.OpenSources(compiled, options.DataRoot);
        try
        {
            foreach (var diagnostic in SourceChecks.Check(recipe, sources, options.Shifted, "data root " + options.DataRoot)) io.Warning($"{diagnostic.Id}: {diagnostic.Message}");
            var sampler = CreateSampler(io, compiled, sources, options);
            var totals = new long[names.Count];
            sampler.CountsBefore(recipe.Samples, totals);
            var picks = options.Samples.Count > 0 ? ChosenPicks(sampler, sources, options) : RandomPicks(sampler, sources, wanted, totals, options);
            var vocabularies = new Vocabularies();
            var order = options.Samples.Count > 0 ? picks.Select(p => p.Ref.Source).Distinct().ToList() : wanted;
            var choices = order.ToDictionary(k => k, k => vocabularies.Choose(
                options.Tokenizer, sources[k].Files[0].DType, Evidence(sources[k], picks.Where(p => p.Ref.Source == k).ToList(), options)));
            var inspection = new Inspection(compiled, sources, totals, order, picks, choices, options);
            io.Out.Write(options.Json ? Json(inspection) : Text(inspection));
            return ExitCodes.Clean;
        }
        finally
        {
            foreach (var source in sources) source.Dispose();
        }
    }

    // The loader's stream: every source sized by its real whole sequences, the index from the cache or built (with progress).
    private static Sampler CreateSampler(CliIO io, CompiledRecipe recipe, IReadOnlyList<TokenSource> sources, InspectOptions options)
    {
        long[] sequences;
        try
        {
            sequences = SourceChecks.SequenceCounts(sources, recipe.SequenceLength, options.Shifted);
        }
        catch (InvalidOperationException e)
        {
            throw new CliException($"{e.Message.TrimEnd('.')} (data root {options.DataRoot})");
        }
        if (!recipe.NeedsIndex) return recipe.CreateSampler(index: null, sequences);
        // The loaders' cache: a recipe inspected or opened before is not indexed again (and shows no pass).
        var cache = SamplerIndexCache.Default;
        if (cache.TryGet(recipe) is { } cached) return recipe.CreateSampler(cached, sequences);
        using var bar = io.Progress("indexing", recipe.Samples, options.Progress);
        var index = cache.GetOrBuild(recipe, progress: new FractionProgress(bar, recipe.Samples));
        bar.Finish();
        return recipe.CreateSampler(index, sequences);
    }

    private static int Width(CompiledRecipe recipe, InspectOptions options) => recipe.SequenceLength + (options.Shifted ? 1 : 0);

    private static List<Pick> ChosenPicks(Sampler sampler, IReadOnlyList<TokenSource> sources, InspectOptions options) =>
        options.Samples.Select(i => Take(sampler, sources, i, options)).ToList();

    // n distinct ordinals of each source, the first n of a seeded permutation of its samples in the run.
    private static List<Pick> RandomPicks(Sampler sampler, IReadOnlyList<TokenSource> sources, IReadOnlyList<int> wanted, long[] totals, InspectOptions options)
    {
        var picks = new List<Pick>();
        foreach (int k in wanted)
        {
            if (totals[k] == 0) continue;
            var permutation = new SequencePermutation(totals[k], SequencePermutation.Key(options.Seed, k, epoch: 0));
            var samples = new List<long>();
            for (long j = 0; j < Math.Min(options.PerSource, totals[k]); j++) samples.Add(sampler.IndexOf(k, permutation[j]));
            samples.Sort();
            picks.AddRange(samples.Select(i => Take(sampler, sources, i, options)));
        }
        return picks;
    }

    // The tokens a source's tokenizer is chosen by: the windows shown, and for auto, each one extended with the
    // tokens that follow it in the source up to a share of Vocabularies.EvidenceTokens.
    private static List<int[]> Evidence(TokenSource source, IReadOnlyList<Pick> picks, InspectOptions options)
    {
        if (options.Tokenizer != "auto") return picks.Select(p => p.Tokens).ToList();
        int share = Vocabularies.EvidenceTokens / Math.Max(1, picks.Count);
        return picks.Select(p =>
        {
            var tokens = new int[Math.Min(Math.Max(share, p.Tokens.Length), source.Count - p.Start)];
            source.CopyTokens(p.Start, tokens);
            return tokens;
        }).ToList();
    }

    // The window the loader reads for global sample i.
    private static Pick Take(Sampler sampler, IReadOnlyList<TokenSource> sources, long sample, InspectOptions options)
    {
        var at = sampler.Locate(sample);
        int length = sampler.Recipe.SequenceLength;
        var tokens = new int[length + (options.Shifted ? 1 : 0)];
        sources[at.Source].Window(at.Sequence, length, options.Shifted, tokens);
        return new Pick(sample, at, at.Sequence * length, tokens);
    }

    /// <summary>A position in a window where something starts: a document (formats that record them) or the next file.</summary>
    private readonly record struct Mark(int At, string Label, long? Document, string? File);

    // The file a stream position lies in, and the offset in it.
    private static (int File, long Offset) FileAt(TokenSource source, long position)
    {
        int f = source.FileAt(position);
        return (f, position - source.FileStart(f));
    }

    // Documents and files that start inside the window, and the document the window starts in (Megatron).
    private static List<Mark> Marks(TokenSource source, Pick pick, out long? firstDocument)
    {
        var marks = new List<Mark>();
        firstDocument = null;
        var (f, offset) = FileAt(source, pick.Start);
        for (int at = 0; at < pick.Tokens.Length && f < source.Files.Count; f++, offset = 0)
        {
            var file = source.Files[f];
            if (file.Count == 0) continue;
            if (at > 0) marks.Add(new Mark(at, $"⟨file {file.Name}⟩", null, file.Name));
            int take = (int)Math.Min(file.Count - offset, pick.Tokens.Length - at);
            if (file.DocumentCount is long count && count > 0)
            {
                long d = DocumentAt(file, offset, count);
                if (at == 0) firstDocument = d;
                for (long e = d; e < count; e++)
                {
                    long start = file.GetDocument(e).Start;
                    if (start >= offset + take) break;
                    if (start >= offset) marks.Add(new Mark(at + (int)(start - offset), $"⟨doc {N(e)}⟩", e, null));
                }
            }
            at += take;
        }
        return marks;
    }

    // The last document starting at or before token offset of the file.
    private static long DocumentAt(TokenFile file, long offset, long count)
    {
        long lo = 0, hi = count - 1;
        while (lo < hi)
        {
            long mid = lo + (hi - lo + 1) / 2;
            if (file.GetDocument(mid).Start <= offset) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    // The window as the user reads it: decoded runs of known ids, <#id> for ids outside the vocabulary (which the
    // tokenizer would silently drop), marks where documents and files start; or the ids themselves.
    private static string Render(int[] tokens, IReadOnlyList<Mark> marks, Vocabulary? vocabulary)
    {
        var text = new StringBuilder();
        var run = new List<int>();
        void Flush()
        {
            if (run.Count == 0) return;
            if (vocabulary is null) text.AppendJoin(' ', run).Append(' ');
            else text.Append(vocabulary.Decode(run));
            run.Clear();
        }
        int m = 0;
        for (int i = 0; i < tokens.Length; i++)
        {
            for (; m < marks.Count && marks[m].At == i; m++)
            {
                Flush();
                text.Append(marks[m].Label);
                if (vocabulary is null) text.Append(' ');
            }
            if (vocabulary is not null && !vocabulary.Knows(tokens[i]))
            {
                Flush();
                text.Append("<#").Append(tokens[i].ToString(CultureInfo.InvariantCulture)).Append('>');
            }
            else run.Add(tokens[i]);
        }
        Flush();
        return vocabulary is null ? text.ToString().TrimEnd(' ') : text.ToString();
    }

    private static string Text(Inspection inspection)
    {
        var (recipe, sources, totals, order, picks, choices, options) = inspection;
        var output = new StringBuilder();
        // Wrapping breaks after a space: headings drop it; sample bodies keep it, so joining their lines gives the text.
        void Lines(string text, string first, string rest, bool body = false)
        {
            foreach (string line in TextLayout.Wrap(text, first, rest)) output.Append(body ? line : line.TrimEnd()).Append('\n');
        }
        string what = options.Samples.Count > 0
            ? $"sample{(options.Samples.Count == 1 ? "" : "s")} {string.Join(", ", options.Samples.Select(N))}"
            : $"{options.PerSource} random per source, seed {options.Seed}";
        Lines($"{recipe.Name}: {N(recipe.Samples)} samples of {Width(recipe, options)} tokens; {what}", "", Indent);
        foreach (int k in order)
        {
            var source = sources[k];
            output.Append('\n');
            if (totals[k] == 0)
            {
                Lines($"{source.Name}: no samples in the run (its weight is 0 throughout)", "", Indent);
                continue;
            }
            string share = ((double)totals[k] / recipe.Samples * 100).ToString("0.##", CultureInfo.InvariantCulture);
            Lines($"{source.Name}: {N(totals[k])} samples in the run ({share}%)", "", Indent);
            Lines(choices[k].Describe(), Indent, Indent + Indent);
            foreach (var pick in picks.Where(p => p.Ref.Source == k))
            {
                var marks = Marks(source, pick, out long? document);
                var (f, offset) = FileAt(source, pick.Start);
                string inDocument = document is long d ? $", doc {N(d)}" : "";
                output.Append('\n');
                Lines($"sample {N(pick.Sample)} · {source.Name} #{N(pick.Ref.Ordinal)} · epoch {N(pick.Ref.Epoch)} · sequence {N(pick.Ref.Sequence)} · " +
                    $"{source.Files[f].Name} @ {N(offset)}{inDocument}", "", Indent);
                string rendered = Render(pick.Tokens, marks, choices[k].Vocabulary);
                string shown = Truncate(rendered, options.MaxChars);
                Lines(TextLayout.Visible(shown), Indent, Indent, body: true);
                if (shown.Length < rendered.Length) Lines($"… {N(rendered.Length - shown.Length)} more characters (--max-chars)", Indent, Indent);
            }
        }
        return output.ToString();
    }

    // At most max characters, never half a surrogate pair.
    private static string Truncate(string text, int max)
    {
        if (text.Length <= max) return text;
        int cut = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return text.Substring(0, cut);
    }

    private static string Json(Inspection inspection)
    {
        var (recipe, sources, totals, order, picks, choices, options) = inspection;
        using var stream = new MemoryStream();
        // Not indented: a sample's tokens would take a line each.
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("name", recipe.Name);
            json.WriteString("hash", recipe.Hash);
            json.WriteNumber("samples", recipe.Samples);
            json.WriteNumber("sequenceLength", recipe.SequenceLength);
            json.WriteBoolean("shifted", options.Shifted);
            json.WriteNumber("seed", options.Seed);
            json.WriteStartArray("sources");
            foreach (int k in order)
            {
                json.WriteStartObject();
                json.WriteString("name", sources[k].Name);
                json.WriteNumber("index", k);
                json.WriteNumber("samples", totals[k]);
                json.WriteString("tokenizer", choices[k].Name);
                if (choices[k].Reason is { } reason) json.WriteString("reason", reason);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("picked");
            foreach (var pick in picks)
            {
                var source = sources[pick.Ref.Source];
                var vocabulary = choices[pick.Ref.Source].Vocabulary;
                var marks = Marks(source, pick, out long? document);
                var (f, offset) = FileAt(source, pick.Start);
                json.WriteStartObject();
                json.WriteNumber("sample", pick.Sample);
                json.WriteString("source", source.Name);
                json.WriteNumber("ordinal", pick.Ref.Ordinal);
                json.WriteNumber("epoch", pick.Ref.Epoch);
                json.WriteNumber("sequence", pick.Ref.Sequence);
                json.WriteString("file", source.Files[f].Name);
                json.WriteNumber("offset", offset);
                if (document is long d) json.WriteNumber("document", d);
                json.WriteStartArray("documentStarts");
                foreach (var mark in marks.Where(m => m.Document is not null))
                {
                    json.WriteStartObject();
                    json.WriteNumber("at", mark.At);
                    json.WriteNumber("document", mark.Document!.Value);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteStartArray("fileStarts");
                foreach (var mark in marks.Where(m => m.File is not null))
                {
                    json.WriteStartObject();
                    json.WriteNumber("at", mark.At);
                    json.WriteString("file", mark.File);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteStartArray("tokens");
                foreach (int token in pick.Tokens) json.WriteNumberValue(token);
                json.WriteEndArray();
                // The decoded text of the ids the vocabulary knows (unknown ones are counted, not guessed).
                if (vocabulary is null) json.WriteNull("text");
                else json.WriteString("text", vocabulary.Decode(pick.Tokens.Where(vocabulary.Knows)));
                json.WriteNumber("unknownIds", vocabulary is null ? 0 : pick.Tokens.Count(t => !vocabulary.Knows(t)));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
