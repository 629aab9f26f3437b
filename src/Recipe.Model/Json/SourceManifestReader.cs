using System.Collections.Generic;
using System.Globalization;

namespace Recipe.Model.Json;

/// <summary>
/// Reads a <c>*.sources.json</c> manifest written by <c>recipe scan</c>:
/// <c>{"sources": {"web": {"tokens": 123, "documents": 4, "format": "llmc", "files": [...]}}}</c>.
/// Fields other than <c>tokens</c> are informational here; unknown fields are allowed, so newer scans still read.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
static class SourceManifestReader
{
    /// <summary>The manifest, or null with RCP009 findings (located in the manifest) when it cannot be read.</summary>
    public static SourceManifest? Read(string path, string text, out IReadOnlyList<RecipeDiagnostic> diagnostics)
    {
        var lines = new LineMap(text);
        var found = new List<RecipeDiagnostic>();
        diagnostics = found;
        void Report(int start, int length, string message) =>
            found.Add(DiagnosticIds.Create(DiagnosticIds.MalformedRecipe, "", $"data manifest: {message}") with { Span = lines.Span(start, length) });

        var root = JsonParser.Parse(text, out var error);
        if (root is null)
        {
            Report(error!.Offset, error.Offset < text.Length ? 1 : 0, $"malformed JSON: {error.Message}");
            return null;
        }
        JsonNode? sources = null;
        if (root.Kind == JsonKind.Object)
        {
            foreach (var member in root.Members)
            {
                if (member.Name == "sources") sources = member.Value;
            }
        }
        if (sources is null || sources.Kind != JsonKind.Object)
        {
            Report(root.Start, 1, "expected an object with \"sources\": { \"<name>\": { \"tokens\": ... } } (as written by 'recipe scan')");
            return null;
        }
        var tokens = new Dictionary<string, long>();
        foreach (var source in sources.Members)
        {
            long? count = null;
            if (source.Value.Kind == JsonKind.Object)
            {
                foreach (var field in source.Value.Members)
                {
                    if (field.Name == "tokens" && field.Value.Kind == JsonKind.Number &&
                        long.TryParse(field.Value.Text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                    {
                        count = value;
                    }
                }
            }
            if (count is null)
            {
                Report(source.Value.Start, source.Value.Length, $"source '{source.Name}' needs a whole, non-negative \"tokens\" count");
                continue;
            }
            tokens[source.Name] = count.Value;
        }
        return found.Count == 0 ? new SourceManifest(path, tokens) : null;
    }
}
