using System;
using System.IO;
using System.Text.Json;
using Recipe.Runtime.Sampling;

namespace Recipe.Runtime.Loading;

/// <summary>
/// The loader's resume state as a small JSON file,
/// <c>{"nextSample": 123456, "recipeHash": "0123456789abcdef", "stream": 2}</c> (<c>recipeHash</c> holds the
/// <see cref="SamplerState.StreamHash"/>; the key predates the name), for trainers that checkpoint files
/// rather than a struct. The state is the same on every rank (it counts global samples), so one rank can write it for
/// all. <c>stream</c> is the version of the sampler's stream: the same recipe gives another stream under another
/// version (version 2 changed the permutation within sources and the static closed form), so a file written under
/// another version is refused rather than resumed into other data. A checkpoint may also say which shape wrote it,
/// <c>"writtenBy": {"worldSize": 8, "rowsPerRank": 4}</c>, for the logs: a state restores into a loader of any world
/// size and batch size, so reading ignores it.
/// </summary>
public static class LoaderCheckpoint
{
    /// <summary>The version of the sample stream this runtime produces (files without one were written by version 1).</summary>
    public const int StreamVersion = 2;

    private const string NextSample = "nextSample";
    private const string RecipeHash = "recipeHash";
    private const string Stream = "stream";

    /// <summary>The JSON text of <paramref name="state"/>, with the shape of the loader that wrote it when given.</summary>
    public static string ToJson(SamplerState state, LoaderShape? writtenBy = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            writer.WriteStartObject();
            writer.WriteNumber(NextSample, state.NextSample);
            writer.WriteString(RecipeHash, state.StreamHash);
            writer.WriteNumber(Stream, StreamVersion);
            if (writtenBy is { } shape)
            {
                writer.WriteStartObject("writtenBy");
                writer.WriteNumber("worldSize", shape.WorldSize);
                writer.WriteNumber("rowsPerRank", shape.RowsPerRank);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a state written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">The text is not such a state.</exception>
    public static SamplerState FromJson(string json, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        string what = name ?? "loader state";
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{what}: expected a JSON object with \"{NextSample}\" and \"{RecipeHash}\".");
            if (!root.TryGetProperty(NextSample, out var next) || !next.TryGetInt64(out long nextSample) || nextSample < 0)
            {
                throw new InvalidDataException($"{what}: \"{NextSample}\" must be a non-negative integer.");
            }
            if (!root.TryGetProperty(RecipeHash, out var hash) || hash.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(hash.GetString()))
            {
                throw new InvalidDataException($"{what}: \"{RecipeHash}\" must be the recipe's hash string.");
            }
            int version = root.TryGetProperty(Stream, out var stream) && stream.TryGetInt32(out int written) ? written : 1;
            if (version != StreamVersion)
            {
                throw new InvalidDataException($"{what}: written for sample stream version {version}, but this runtime produces version {StreamVersion}, which orders and permutes the same recipe's samples differently; resuming would read other data. Resume with the runtime that wrote it or start a new run.");
            }
            return new SamplerState(nextSample, hash.GetString()!);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{what}: not valid JSON ({e.Message}).", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="state"/> to <paramref name="path"/> through a temporary file and a rename, so a crash
    /// mid-write leaves the previous checkpoint rather than a truncated one.
    /// </summary>
    public static void Save(string path, SamplerState state, LoaderShape? writtenBy = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, ToJson(state, writtenBy));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Writes <paramref name="loader"/>'s <see cref="LoaderCore.State"/> and shape to <paramref name="path"/>; see <see cref="Save(string, SamplerState, LoaderShape?)"/>.</summary>
    public static void Save(string path, LoaderCore loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        Save(path, loader.State, loader.Shape);
    }

    /// <summary>Reads a state written by <see cref="Save(string, SamplerState, LoaderShape?)"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not such a state.</exception>
    public static SamplerState Load(string path) => FromJson(File.ReadAllText(path), path);
}
