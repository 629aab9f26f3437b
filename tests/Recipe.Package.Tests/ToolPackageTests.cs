using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Recipe.Tests.Shared;

namespace Recipe.Package.Tests;

/// <summary>
/// The `recipe` tool as a user gets it: packed from this checkout, installed with `dotnet tool install` from the
/// local feed as the README shows (--add-source, the user's NuGet configuration untouched; --tool-path here, so the
/// machine's global tools are untouched too), and run. The package ships only what runs: under 40 MB, no dependency
/// symbols, native libraries only for the platforms the tool supports.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    /// <summary>The platforms src/Recipe.Cli/Recipe.Cli.csproj ships native libraries for (RecipeToolNativeRuntimes).</summary>
    private static readonly string[] SupportedRuntimes = { "linux-arm64", "linux-x64", "osx", "win-x64" };

    private const long MaxPackageBytes = 40_000_000;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "recipe-tool-" + Guid.NewGuid().ToString("N"));
    private readonly string _version = "0.1.0-e2e-" + Guid.NewGuid().ToString("N");

    public ToolPackageTests()
    {
        Directory.CreateDirectory(_root);
        foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(_root, name), "<Project />\n");
        }
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private string Feed => Path.Combine(_root, "feed");

    private string Pack()
    {
        // A cold pack of the tool and its two projects restores and builds much: a longer limit than other commands.
        var pack = ChildProcess.Dotnet(RepoRoot.Path, TimeSpan.FromMinutes(8), null, [
            "pack", Path.Combine("src", "Recipe.Cli", "Recipe.Cli.csproj"), "-c", "Release", "-o", Feed,
            "--artifacts-path", Path.Combine(_root, "artifacts"), "-p:Version=" + _version, "-p:NuGetAudit=false", "-nologo", "-tl:off", "-v:minimal",
            .. ChildProcess.NoBuildServers]);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        return Path.Combine(Feed, $"Recipe.Cli.{_version}.nupkg");
    }

    [Fact]
    public void The_tool_package_ships_only_what_runs_and_installs_from_the_local_feed_and_runs()
    {
        string package = Pack();

        long bytes = new FileInfo(package).Length;
        Assert.True(bytes < MaxPackageBytes, $"Recipe.Cli package is {bytes:N0} bytes; the target is under {MaxPackageBytes:N0}");
        using (var zip = ZipFile.OpenRead(package))
        {
            var files = zip.Entries.Select(e => e.FullName).Where(n => n.StartsWith("tools/", StringComparison.Ordinal)).ToList();
            Assert.Contains("tools/net10.0/any/recipe.dll", files);
            // Symbols: the tool's own projects only (small, they make its stack traces readable).
            Assert.All(files.Where(f => f.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase)), f =>
                Assert.True(Path.GetFileName(f) is "recipe.pdb" or "Recipe.Model.pdb" or "Recipe.Runtime.pdb", $"dependency symbols shipped: {f}"));
            var runtimes = files.Where(f => f.Contains("/runtimes/", StringComparison.Ordinal))
                .Select(f => f.Split("/runtimes/")[1].Split('/')[0]).Distinct().Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(SupportedRuntimes, runtimes);
        }

        // The README's install, as written but for where: into a folder of the test's own instead of --global, from
        // the feed it packed into, with the prerelease version it packed and a packages cache of its own.
        var readme = Readme.Journey.Single("bash", "dotnet tool install").Lines;
        Assert.Equal(2, readme.Length);
        var packWords = readme[0].Split(' ');
        var installWords = readme[1].Split(' ').ToList();
        Assert.Equal(new[] { "dotnet", "pack", "src/Recipe.Cli", "-c", "Release", "-o" }, packWords[..^1]);
        Assert.Equal(new[] { "dotnet", "tool", "install", "--global", "Recipe.Cli", "--add-source", packWords[^1] }, installWords);
        string tools = Path.Combine(_root, "tools");
        int global = installWords.IndexOf("--global");
        installWords.RemoveAt(global);
        installWords.InsertRange(global, new[] { "--tool-path", tools });
        installWords[^1] = Feed;
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_root, "packages"), ["NuGetAudit"] = "false" };
        var install = ChildProcess.Dotnet(_root, CommandTimeout, environment, [.. installWords.Skip(1), "--version", _version]);
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains("recipe", install.Output);

        long installed = Directory.EnumerateFiles(tools, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(installed < 4 * MaxPackageBytes, $"the installed tool takes {installed:N0} bytes");

        string png = Path.Combine(_root, "llama3.png");
        string recipe = RepoRoot.Combine(Path.Combine("examples", "PublishedMixes", "recipes", "llama3-405b.recipe.json"));
        var run = RunTool(tools, "plan", recipe, "--plot", png);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("llama3-405b: 15.6T tokens", run.Output);
        Assert.True(new FileInfo(png).Length > 10_000, "no plot: the native drawing library did not load");
    }

    private static ProcessResult RunTool(string tools, params string[] arguments) =>
        ChildProcess.Run(Path.Combine(tools, OperatingSystem.IsWindows() ? "recipe.exe" : "recipe"), arguments, tools, CommandTimeout);

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(4);
}
