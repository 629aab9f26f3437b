namespace Recipe.Generator.Model;

/// <summary>A recipe or manifest file's path and text: the first, per-file cached value of the JSON pipeline.</summary>
internal sealed record RecipeFile(string Path, string Text);
