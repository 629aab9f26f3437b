using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.ML.Tokenizers;
using Recipe.Runtime.Data;

namespace Recipe.Cli;

/// <summary>
/// One tiktoken encoding as <c>recipe inspect</c> decodes with it. The vocabulary comes from the
/// Microsoft.ML.Tokenizers.Data.* package of that encoding, embedded in the tool: nothing is downloaded.
/// </summary>
/// <param name="Name">tiktoken's name for the encoding.</param>
/// <param name="Ranks">Ids [0, Ranks) are byte-pair tokens; the special tokens lie above them, with gaps between.</param>
/// <param name="Size">One past the largest id, special tokens included (tiktoken's <c>n_vocab</c>).</param>
internal sealed record VocabularyInfo(string Name, int Ranks, int Size);

/// <summary>A loaded encoding: which ids it knows, decoding, and re-encoding (for <c>--tokenizer auto</c>).</summary>
internal sealed class Vocabulary
{
    private readonly TiktokenTokenizer _tokenizer;
    private readonly HashSet<int> _special;

    private Vocabulary(VocabularyInfo info, TiktokenTokenizer tokenizer)
    {
        Info = info;
        _tokenizer = tokenizer;
        _special = new HashSet<int>(tokenizer.SpecialTokens?.Values ?? Enumerable.Empty<int>());
    }

    public VocabularyInfo Info { get; }

    public string Name => Info.Name;

    /// <summary>Whether <paramref name="id"/> is a token of this encoding (the tokenizer silently drops any other id).</summary>
    public bool Knows(int id) => (uint)id < (uint)Info.Ranks || _special.Contains(id);

    /// <summary>The text of ids this encoding knows (see <see cref="Knows"/>).</summary>
    public string Decode(IEnumerable<int> ids) => _tokenizer.Decode(ids);

    /// <summary>The ids of <paramref name="text"/>; special tokens written in it are encoded as special tokens.</summary>
    public IReadOnlyList<int> Encode(string text) => _tokenizer.EncodeToIds(text);

    public IReadOnlyDictionary<string, int> SpecialTokens => _tokenizer.SpecialTokens ?? new Dictionary<string, int>();

    /// <summary>
    /// The encodings, smallest vocabulary first (the order <c>auto</c> breaks ties in). gpt2 and r50k_base are one
    /// vocabulary under two names (tiktoken ships both); the sizes are tiktoken's <c>n_vocab</c>.
    /// </summary>
    public static IReadOnlyList<VocabularyInfo> All { get; } = new[]
    {
        new VocabularyInfo("gpt2", 50256, 50257),
        new VocabularyInfo("r50k_base", 50256, 50257),
        new VocabularyInfo("cl100k_base", 100256, 100277),
        new VocabularyInfo("o200k_base", 199998, 200019),
    };

    /// <summary>Loads an encoding from its data package.</summary>
    public static Vocabulary Load(VocabularyInfo info) => new(info, info.Name switch
    {
        // 2.0.1's CreateForEncoding knows r50k_base, cl100k_base and o200k_base; gpt2 is reached as a model name.
        "gpt2" => TiktokenTokenizer.CreateForModel("gpt2"),
        _ => TiktokenTokenizer.CreateForEncoding(info.Name),
    });
}

/// <summary>How one source's tokens are shown: with a vocabulary, or as ids; and why.</summary>
/// <param name="Vocabulary">The encoding, or null for token ids.</param>
/// <param name="Reason">Why (for <c>auto</c>), or what to know about the choice; null when there is nothing to say.</param>
internal sealed record TokenizerChoice(Vocabulary? Vocabulary, string? Reason)
{
    public string Name => Vocabulary?.Name ?? "ids";

    /// <summary>The name and the reason, as the line under the source's heading prints them.</summary>
    public string Describe() => Reason is null ? Name : Vocabulary is null ? $"{Name}: {Reason}" : $"{Name} ({Reason})";
}

/// <summary>
/// Chooses and loads the vocabularies of <c>recipe inspect</c>. <c>auto</c> keeps the encodings that know every id
/// of the source's samples and whose size its dtype can store (a 16-bit dtype holds no id of cl100k or o200k past
/// 65,535, so such data was not written with them), then prefers the one under which decoding and re-encoding gives
/// back the same ids: byte-pair encoding is canonical, so text re-encodes to its own ids under the encoding that
/// produced them, while ids of another encoding decode to a jumble that re-encodes differently.
/// </summary>
internal sealed class Vocabularies
{
    /// <summary>The <c>--tokenizer</c> values.</summary>
    public static readonly string[] Names = new[] { "auto" }.Concat(Vocabulary.All.Select(v => v.Name)).Append("ids").ToArray();

    /// <summary>
    /// Tokens of each source that <c>auto</c> decides by (re-encoding is its slow part): a few thousand are plenty to
    /// tell encodings apart, where the handful of a short sequence is not.
    /// </summary>
    public const int EvidenceTokens = 4096;

    private readonly Dictionary<string, Vocabulary> _loaded = new(StringComparer.Ordinal);

    /// <summary>The choice for a source: <paramref name="name"/> is one of <see cref="Names"/>.</summary>
    /// <param name="name">The <c>--tokenizer</c> value.</param>
    /// <param name="dtype">How the source's first file stores tokens.</param>
    /// <param name="windows">For a named encoding, the windows that will be shown (to count the ids it does not know);
    /// for <c>auto</c>, the source's tokens to decide by (about <see cref="EvidenceTokens"/>).</param>
    public TokenizerChoice Choose(string name, TokenDType dtype, IReadOnlyList<int[]> windows)
    {
        if (name == "ids") return new TokenizerChoice(null, null);
        if (name != "auto")
        {
            var vocabulary = Get(Vocabulary.All.First(v => v.Name == name));
            int unknown = windows.Sum(w => w.Count(id => !vocabulary.Knows(id)));
            return new TokenizerChoice(vocabulary, unknown == 0 ? null : $"{Cli.Count(unknown, "id")} outside it, shown as <#id>");
        }
        // A source without samples in the run has nothing to decode, and nothing to choose by.
        if (windows.Count == 0) return new TokenizerChoice(null, "no samples to choose by");
        int max = windows.Max(w => w.Length == 0 ? 0 : w.Max());
        string ids = $"{TokenDTypes.Name(dtype)} ids up to {N(max)}";
        bool narrow = TokenDTypes.Size(dtype) <= 2;
        var fits = Vocabulary.All
            .Where(v => !(narrow && v.Size > 1 << 16))
            // The same vocabulary under a second name would only tie with the first.
            .GroupBy(v => (v.Ranks, v.Size)).Select(g => g.First())
            .Select(Get)
            .Where(v => windows.All(w => w.All(v.Knows)))
            .ToList();
        if (fits.Count == 0)
        {
            var holder = Vocabulary.All.Last(v => !narrow || v.Size <= 1 << 16);
            return new TokenizerChoice(null, $"no {(narrow ? "16-bit " : "")}tokenizer holds {ids} ({holder.Name} has {N(holder.Size)})");
        }
        var scored = fits.Select(v => (Vocabulary: v, Score: RoundTrip(v, windows))).ToList();
        // Stable: on a tie the smaller vocabulary, listed first, wins.
        var best = scored.OrderByDescending(s => s.Score).First();
        string others = string.Concat(scored.Where(s => s.Vocabulary != best.Vocabulary).Select(s => $", {s.Vocabulary.Name} {Percent(s.Score)}"));
        return new TokenizerChoice(best.Vocabulary, $"auto: {ids}; round trip {Percent(best.Score)}{others}");
    }

    /// <summary>The share of ids that decoding and re-encoding gives back, as multisets (window cuts shift positions).</summary>
    private static double RoundTrip(Vocabulary vocabulary, IReadOnlyList<int[]> windows)
    {
        long matched = 0, total = 0;
        int budget = EvidenceTokens;
        foreach (int[] window in windows)
        {
            if (budget <= 0) break;
            var ids = window.Length <= budget ? window : window[..budget];
            budget -= ids.Length;
            var again = new Dictionary<int, int>();
            int reencoded = 0;
            foreach (int id in vocabulary.Encode(vocabulary.Decode(ids)))
            {
                again[id] = again.GetValueOrDefault(id) + 1;
                reencoded++;
            }
            foreach (int id in ids)
            {
                if (again.TryGetValue(id, out int left) && left > 0)
                {
                    again[id] = left - 1;
                    matched++;
                }
            }
            // Against the longer of the two, so re-encoding to fewer (merged) tokens is not a perfect score either.
            total += Math.Max(ids.Length, reencoded);
        }
        return total == 0 ? 1 : (double)matched / total;
    }

    private Vocabulary Get(VocabularyInfo info)
    {
        if (!_loaded.TryGetValue(info.Name, out var vocabulary)) _loaded[info.Name] = vocabulary = Vocabulary.Load(info);
        return vocabulary;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
}
