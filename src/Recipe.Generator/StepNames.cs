namespace Recipe.Generator;

/// <summary>
/// Names of the pipeline steps (<c>WithTrackingName</c>), for the incrementality tests. Per recipe: RecipeFiles,
/// JsonChains, JsonRecipes, JsonClaims, JsonDiagnostics, JsonSources (JSON) and CSharpSyntax, CSharpChains,
/// CSharpRecipes, CSharpClaims, CSharpSources (C#); across recipes: Options, ManifestSet, RecipeFileSet,
/// CSharpClassSet and Duplicates; per manifest: ManifestFiles.
/// </summary>
public static class StepNames
{
    public const string Options = nameof(Options);
    public const string ManifestFiles = nameof(ManifestFiles);
    public const string ManifestSet = nameof(ManifestSet);
    public const string RecipeFiles = nameof(RecipeFiles);
    public const string RecipeFileSet = nameof(RecipeFileSet);
    public const string JsonChains = nameof(JsonChains);
    public const string JsonRecipes = nameof(JsonRecipes);
    public const string JsonClaims = nameof(JsonClaims);
    public const string JsonDiagnostics = nameof(JsonDiagnostics);
    public const string JsonSources = nameof(JsonSources);
    public const string CSharpSyntax = nameof(CSharpSyntax);
    public const string CSharpClassSet = nameof(CSharpClassSet);
    public const string CSharpChains = nameof(CSharpChains);
    public const string CSharpRecipes = nameof(CSharpRecipes);
    public const string CSharpClaims = nameof(CSharpClaims);
    public const string CSharpSources = nameof(CSharpSources);
    public const string Duplicates = nameof(Duplicates);
    public const string NativeLibrary = nameof(NativeLibrary);
    public const string NativeKernels = nameof(NativeKernels);
}
