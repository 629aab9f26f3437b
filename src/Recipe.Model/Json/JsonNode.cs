using System.Collections.Generic;

namespace Recipe.Model.Json;

#if BUILDING_ANALYZER
internal
#else
public
#endif
enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>A JSON value with the character span it was read from.</summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed class JsonNode
{
    internal JsonNode(JsonKind kind, int start, int length, string? text, List<JsonMember>? members, List<JsonNode>? items)
    {
        Kind = kind;
        Start = start;
        Length = length;
        Text = text;
        Members = members ?? new List<JsonMember>();
        Items = items ?? new List<JsonNode>();
    }

    public JsonKind Kind { get; }

    public int Start { get; }

    public int Length { get; }

    /// <summary>The decoded string, or the number exactly as written.</summary>
    public string? Text { get; }

    /// <summary>Object members in document order (duplicates kept, so callers can report them).</summary>
    public IReadOnlyList<JsonMember> Members { get; }

    public IReadOnlyList<JsonNode> Items { get; }

    /// <summary>"a number", "a string"... for messages.</summary>
    public string Describe() => Kind switch
    {
        JsonKind.Object => "an object",
        JsonKind.Array => "an array",
        JsonKind.String => $"the string \"{Text}\"",
        JsonKind.Number => $"the number {Text}",
        JsonKind.True => "true",
        JsonKind.False => "false",
        _ => "null",
    };
}

/// <summary>An object member: its key (with the key's own span) and value.</summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed class JsonMember
{
    internal JsonMember(string name, int nameStart, int nameLength, JsonNode value)
    {
        Name = name;
        NameStart = nameStart;
        NameLength = nameLength;
        Value = value;
    }

    public string Name { get; }

    public int NameStart { get; }

    public int NameLength { get; }

    public JsonNode Value { get; }
}
