using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Recipe.Tests.Shared;

namespace Recipe.Package.Tests;

/// <summary>
/// Packs Recipe.Model, Recipe.Runtime and Recipe.Generator into a local feed in a fresh temporary folder, then sets up
/// a console project there as a new user would, by running the commands of the README's step 1 (<c>dotnet new
/// console</c>, <c>cd</c>, <c>dotnet add package</c> for Recipe.Runtime and Recipe.Generator) with a nuget.config
/// naming the feed beside nuget.org. Built once for the collection; the folder is deleted afterwards.
/// </summary>
/// <remarks>
/// The packages get a version no earlier run used (0.1.0-e2e-&lt;guid&gt;) and the consumer restores into its own
/// NUGET_PACKAGES folder, so neither a package cached by an earlier run nor the user's global cache can stand in for
/// what this checkout packs. The packs build in the temporary folder too (--artifacts-path), so they never touch the
/// repository's bin/ and obj/ nor race a build running beside them.
/// </remarks>
public sealed class PackagedConsumer : IDisposable
{
    public const string ProjectName = "Trainer";

    private readonly List<string> _steps = new();

    public PackagedConsumer()
    {
        Root = Path.Combine(Path.GetTempPath(), "recipe-package-" + Guid.NewGuid().ToString("N"));
        Version = "0.1.0-e2e-" + Guid.NewGuid().ToString("N");
        Feed = Path.Combine(Root, "feed");
        ProjectFolder = Path.Combine(Root, ProjectName);
        Environment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(Root, "packages"),
            // Restore's vulnerability audit asks nuget.org for data: offline it retries, then warns NU1900. The only
            // packages restored here are the ones under test, so the audit is off (an MSBuild property, from the
            // environment because `dotnet add package` takes no -p).
            ["NuGetAudit"] = "false",
        };
        try
        {
            Directory.CreateDirectory(Root);
            // MSBuild looks for these from the project folder up to the file-system root: stop the search here, so a
            // stray file in the temporary folder cannot change the consumer's build.
            foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            {
                File.WriteAllText(Path.Combine(Root, name), "<Project />\n");
            }

            // The fresh artifacts folder makes restore run for real, audit included: off, as for the consumer below.
            foreach (string project in new[] { "Recipe.Model", "Recipe.Runtime", "Recipe.Generator" })
            {
                Step("pack " + project, Succeed(RepoRoot.Path, null, [
                    "pack", Path.Combine("src", project, project + ".csproj"), "-c", "Release", "-o", Feed,
                    "--artifacts-path", Path.Combine(Root, "artifacts"), "-p:Version=" + Version, "-p:NuGetAudit=false", "-nologo", "-tl:off", "-v:minimal",
                    .. ChildProcess.NoBuildServers]));
            }

            // The commands as the README writes them, but for the version: it is a prerelease that only the feed
            // holds, which `dotnet add package` takes only when named. The nuget.config goes in as soon as the project
            // folder exists.
            string folder = Root;
            foreach (string command in ReadmeSetup)
            {
                var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words[0] == "cd")
                {
                    folder = Path.Combine(folder, words[1]);
                    continue;
                }
                if (words[0] != "dotnet") throw new InvalidOperationException($"the README's step 1 runs `{command}`, which this setup does not know");
                string[] arguments = words[1] == "add" ? [.. words[1..], "--version", Version] : words[1..];
                Step(string.Join(" ", words[1..]), Succeed(folder, Environment, arguments));
                if (words[1] == "new")
                {
                    TemplateProgram = File.ReadAllText(Path.Combine(ProjectFolder, "Program.cs"));
                    File.WriteAllText(Path.Combine(ProjectFolder, "nuget.config"), NuGetConfig(Feed));
                }
            }
            if (folder != ProjectFolder) throw new InvalidOperationException($"the README's step 1 ends in {folder}, not in the project {ProjectFolder}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The README's step 1: its shell commands, comments removed (`dotnet new`, `cd`, `dotnet add package`).</summary>
    public static IReadOnlyList<string> ReadmeSetup { get; } = Readme.Journey.Single("bash", "dotnet add package").Lines
        .Select(line => line.Split('#')[0].Trim())
        .Where(line => line.Length > 0)
        .ToList();

    /// <summary>The temporary folder that holds everything: feed, packages cache, build artifacts, the project.</summary>
    public string Root { get; }

    /// <summary>The version the three packages were packed with.</summary>
    public string Version { get; }

    /// <summary>The local feed the packages were packed into.</summary>
    public string Feed { get; }

    /// <summary>The console project's folder.</summary>
    public string ProjectFolder { get; }

    /// <summary>Program.cs as <c>dotnet new console</c> wrote it.</summary>
    public string TemplateProgram { get; } = "";

    /// <summary>Environment for every command run in the consumer: its own, initially empty, global packages folder; no audit.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Each setup step with its time, e.g. "pack Recipe.Model 5.1 s", for the test log.</summary>
    public IReadOnlyList<string> Steps => _steps;

    public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    /// <summary>Writes a file of the consumer project (relative path), replacing what was there.</summary>
    public void Write(string relativePath, string text) => File.WriteAllText(Path.Combine(ProjectFolder, relativePath), text);

    /// <summary>The longest any one command may take; a cold pack of the three projects takes about 15 s.</summary>
    public static TimeSpan CommandTimeout { get; } = TimeSpan.FromMinutes(2);

    /// <summary>Runs a dotnet command in the project folder, with the consumer's environment.</summary>
    public ProcessResult Dotnet(params string[] arguments) => ChildProcess.Dotnet(ProjectFolder, CommandTimeout, Environment, arguments);

    /// <summary>
    /// The feed beside nuget.org, as a user adds a local source. Source mapping sends Recipe.* to the feed only: a
    /// package of the same name on nuget.org can never be picked instead. (Nothing else is restored: a net10.0
    /// console app needs no package beyond ours, so the check runs offline.)
    /// </summary>
    public static string NuGetConfig(string feed) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="recipe-local" value="{feed}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
          </packageSources>
          <packageSourceMapping>
            <packageSource key="recipe-local">
              <package pattern="Recipe.*" />
            </packageSource>
            <packageSource key="nuget.org">
              <package pattern="*" />
            </packageSource>
          </packageSourceMapping>
        </configuration>

        """;

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Runs a dotnet command and fails the test unless it exits with 0.</summary>
    private static ProcessResult Succeed(string workingDirectory, IReadOnlyDictionary<string, string>? environment, string[] arguments)
    {
        var result = ChildProcess.Dotnet(workingDirectory, CommandTimeout, environment, arguments);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private void Step(string name, ProcessResult result) =>
        _steps.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {result.Elapsed.TotalSeconds:0.0} s"));
}

/// <summary>This checkout's README.md, whose journey the consumer tests follow.</summary>
public static class Readme
{
    public static ReadmeText Journey { get; } = new(Path.Combine(RepoRoot.Path, "README.md"));
}

[CollectionDefinition(Name)]
public sealed class PackagedConsumerCollection : ICollectionFixture<PackagedConsumer>
{
    public const string Name = "packaged consumer";
}
