using Recipe.Tests.Shared;

namespace Recipe.EndToEnd.Tests;

/// <summary>examples/PublishedMixes builds with warnings as errors: every published mix passes every check.</summary>
public sealed class PublishedMixesBuildTests
{
    [Fact]
    public void Builds_clean_with_no_recipe_diagnostic()
    {
        var build = DotnetBuild.Run("examples/PublishedMixes/PublishedMixes.csproj");

        Assert.True(build.ExitCode == 0, $"dotnet build examples/PublishedMixes failed (exit {build.ExitCode}):\n{build.Output}");
        Assert.Empty(build.Recipe);
        Assert.DoesNotContain("RCP0", build.Output, System.StringComparison.Ordinal);
        Assert.DoesNotContain(build.Diagnostics, d => d.Severity is "error" or "warning");
    }
}
