using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace Recipe.Tests.Shared;

/// <summary>
/// Keeps every test, and every process a test starts (the CLI, a packaged consumer), off the user's own sampler index
/// cache: the loaders' default cache is moved to a folder under the temporary folder before any test runs.
/// </summary>
public static class TestIndexCache
{
    /// <summary>The environment variable the runtime reads (SamplerIndexCache.EnvironmentVariable).</summary>
    public const string EnvironmentVariable = "RECIPE_INDEX_CACHE";

    /// <summary>The folder the tests' default cache lives in.</summary>
    public static string Folder { get; } = Path.Combine(Path.GetTempPath(), "recipe-compiler-tests", "sampler-index");

#pragma warning disable CA2255 // A test assembly is the program here: this must run before any test's loader opens.
    [ModuleInitializer]
#pragma warning restore CA2255
    public static void Redirect() => Environment.SetEnvironmentVariable(EnvironmentVariable, Folder);
}
