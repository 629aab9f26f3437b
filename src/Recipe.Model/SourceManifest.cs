using System.Collections.Generic;

namespace Recipe.Model;

/// <summary>
/// Token counts measured from the real shards by <c>recipe scan</c> (a <c>*.sources.json</c> file); RCP013
/// checks a recipe's declared tokens against them.
/// </summary>
public sealed record SourceManifest(string Path, IReadOnlyDictionary<string, long> Tokens);
