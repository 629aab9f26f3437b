using Recipe.Model;

namespace Recipe.Generator.Model;

/// <summary>Where the compiled recipe goes: a generated class (JSON) or the user's partial class (C#).</summary>
internal sealed record RecipeTarget(
    string FilePath,
    string Namespace,
    string ClassName,
    string Accessibility,
    bool IsUserClass,
    EquatableArray<SourceProperty> Properties)
{
    /// <summary>The generated file's name, unique per class: two recipes that claim one class are RCP007.</summary>
    public string HintName => (Namespace.Length == 0 ? "" : Namespace + ".") + ClassName + ".Recipe.g.cs";
}

/// <summary>A source property of a C# recipe class, which the emitter implements.</summary>
internal sealed record SourceProperty(string Name, string Accessibility, int Index);
