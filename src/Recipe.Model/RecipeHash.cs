using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Recipe.Model;

/// <summary>
/// The canonical form of a recipe (a recipe JSON document with every default written out, quantities as integers,
/// numbers in round-trip form, members in a fixed order) and its content hash. The canonical JSON reads back
/// through the JSON front end into an equal <see cref="Recipe"/>, which is how tools rebuild a compiled recipe
/// without running user code; a continuation's embeds the recipe it continues, so its hash covers the whole chain.
/// The hash leaves out descriptions and licenses: editing prose does not change the
/// sample stream, so it must not invalidate a resume. Prose is kept up to <see cref="ProseLimit"/> characters a value:
/// the canonical JSON is compiled into every recipe assembly, and a description of megabytes would become an
/// assembly of hundreds.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
static class RecipeHash
{
    /// <summary>Characters of a description or license the canonical JSON keeps; a longer one is cut, ending in "…".</summary>
    public const int ProseLimit = 4096;

    /// <summary>16 hex digits of SHA-256 over the canonical JSON without prose.</summary>
    public static string Compute(Recipe recipe)
    {
        using var sha = SHA256.Create();
        byte[] digest = sha.ComputeHash(Encoding.UTF8.GetBytes(CanonicalJson(recipe, includeProse: false)));
        var hex = new StringBuilder(16);
        for (int i = 0; i < 8; i++) hex.Append(digest[i].ToString("x2", CultureInfo.InvariantCulture));
        return hex.ToString();
    }

    /// <summary>The canonical JSON text (one line).</summary>
    public static string CanonicalJson(Recipe recipe, bool includeProse = true) => CanonicalJson(recipe, includeProse, earlierFile: null);

    /// <summary>
    /// A continuation's canonical JSON with the recipe it continues named by its file (relative to this one's)
    /// instead of embedded: a link of a chain kept as files. It reads back, through the files, into an equal recipe.
    /// </summary>
    public static string LinkJson(Recipe recipe, string earlierFile) =>
        CanonicalJson(recipe, includeProse: true, earlierFile ?? throw new ArgumentNullException(nameof(earlierFile)));

    private static string CanonicalJson(Recipe recipe, bool includeProse, string? earlierFile)
    {
        var json = new StringBuilder();
        json.Append('{');
        Member(json, "name", Str(recipe.Name), first: true);
        if (includeProse && recipe.Description is not null) Member(json, "description", Str(Prose(recipe.Description)));
        // A continuation embeds the recipe it continues, so the text stands alone and the hash covers the whole chain.
        if (recipe.Continues is { } continuation)
        {
            string earlier = earlierFile is null ? CanonicalJson(continuation.Earlier, includeProse) : Str(earlierFile);
            Member(json, "continues", "{\"at\":" + Long(continuation.At) + ",\"recipe\":" + earlier + "}");
        }
        Member(json, "totalTokens", Long(recipe.TotalTokens));
        Member(json, "sequenceLength", Long(recipe.SequenceLength));
        Member(json, "seed", Long(recipe.Seed));
        Member(json, "weights", Str(recipe.WeightMode.ToString().ToLowerInvariant()));
        Member(json, "maxEpochs", Number(recipe.MaxEpochs));
        Member(json, "syntheticCap", Number(recipe.SyntheticCap));
        json.Append(",\"sources\":{");
        for (int i = 0; i < recipe.Sources.Count; i++)
        {
            var source = recipe.Sources[i];
            if (i > 0) json.Append(',');
            json.Append(Str(source.Name)).Append(":{");
            Member(json, "tokens", Long(source.Tokens), first: true);
            if (source.Quality is { } quality) Member(json, "quality", Number(quality));
            if (source.Synthetic) Member(json, "synthetic", "true");
            if (source.MaxEpochs is { } maxEpochs) Member(json, "maxEpochs", Number(maxEpochs));
            if (source.MaxFraction is { } maxFraction) Member(json, "maxFraction", Number(maxFraction));
            if (source.Files.Count > 0)
            {
                json.Append(",\"files\":[");
                for (int f = 0; f < source.Files.Count; f++) json.Append(f > 0 ? "," : "").Append(Str(source.Files[f]));
                json.Append(']');
            }
            if (source.Format is not null) Member(json, "format", Str(source.Format));
            if (includeProse && source.License is not null) Member(json, "license", Str(Prose(source.License)));
            if (includeProse && source.Description is not null) Member(json, "description", Str(Prose(source.Description)));
            json.Append('}');
        }
        json.Append("},\"schedule\":{");
        var schedule = recipe.Schedule;
        if (schedule.Temperature is { } temperature)
        {
            json.Append("\"temperature\":{\"start\":").Append(Number(temperature.Start)).Append(",\"end\":").Append(Number(temperature.End)).Append('}');
            json.Append(",\"weights\":");
            Weights(json, recipe, schedule.Phases[0]);
        }
        else
        {
            json.Append("\"interpolation\":").Append(Str(schedule.Interpolation.ToString().ToLowerInvariant())).Append(",\"phases\":[");
            for (int p = 0; p < schedule.Phases.Count; p++)
            {
                var phase = schedule.Phases[p];
                if (p > 0) json.Append(',');
                json.Append("{\"name\":").Append(Str(phase.Name)).Append(",\"at\":").Append(Long(phase.At)).Append(",\"weights\":");
                Weights(json, recipe, phase);
                json.Append('}');
            }
            json.Append(']');
        }
        json.Append("}}");
        return json.ToString();
    }

    /// <summary><paramref name="text"/> up to <see cref="ProseLimit"/> characters, never splitting a surrogate pair.</summary>
    public static string Prose(string text)
    {
        if (text.Length <= ProseLimit) return text;
        int keep = ProseLimit - 1;
        if (char.IsHighSurrogate(text[keep - 1])) keep--;
        return text.Substring(0, keep) + "\u2026";
    }

    private static void Weights(StringBuilder json, Recipe recipe, Phase phase)
    {
        json.Append('{');
        for (int i = 0; i < recipe.Sources.Count; i++)
        {
            if (i > 0) json.Append(',');
            json.Append(Str(recipe.Sources[i].Name)).Append(':').Append(Number(phase.Weights[i]));
        }
        json.Append('}');
    }

    private static void Member(StringBuilder json, string name, string value, bool first = false) =>
        json.Append(first ? "" : ",").Append('"').Append(name).Append("\":").Append(value);

    private static string Long(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double value) => Literals.RoundTrip(value);

    /// <summary>A JSON string literal.</summary>
    public static string Str(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < ' ') builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else builder.Append(c);
                    break;
            }
        }
        return builder.Append('"').ToString();
    }
}
