using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Recipe.Tests.Shared;

namespace Recipe.Package.Tests;

/// <summary>
/// What each package holds and declares: the generator as an analyzer, with its IDE code fixes beside it and its props in build/ and buildTransitive/,
/// a build-time-only package with no dependencies; the runtime's library depending on the model package of the same
/// version; the shared metadata.
/// </summary>
[Collection(PackagedConsumerCollection.Name)]
public sealed class PackageLayoutTests
{
    private readonly PackagedConsumer _consumer;

    public PackageLayoutTests(PackagedConsumer consumer) => _consumer = consumer;

    [Fact]
    public void The_generator_package_holds_the_analyzer_its_code_fixes_its_build_files_and_the_native_abi()
    {
        Assert.Equal(
            new[]
            {
                "analyzers/dotnet/cs/Recipe.CodeFixes.dll", "analyzers/dotnet/cs/Recipe.Generator.dll",
                "build/Recipe.Generator.props", "build/Recipe.Generator.targets", "buildTransitive/Recipe.Generator.props",
                "buildTransitive/Recipe.Generator.targets", "native/Recipe.Native.dll", "schema/recipe.schema.json",
            },
            Content("Recipe.Generator"));
    }

    [Fact]
    public void Both_targets_in_the_generator_package_are_the_file_in_repo_consumers_import()
    {
        string source = File.ReadAllText(Path.Combine(RepoRoot.Path, "src", "Recipe.Generator", "build", "Recipe.Generator.targets"));
        using var package = ZipFile.OpenRead(_consumer.PackagePath("Recipe.Generator"));
        Assert.Equal(source, Read(package, "build/Recipe.Generator.targets"));
        Assert.Equal(source, Read(package, "buildTransitive/Recipe.Generator.targets"));
    }

    [Fact]
    public void The_code_fixes_reference_only_assemblies_the_IDE_host_provides()
    {
        // The IDE loads the fixes from analyzers/dotnet/cs with nothing beside them but the generator: a reference to
        // Recipe.Model (whose constants they use) or to a package would fail there, never in a build.
        using var package = ZipFile.OpenRead(_consumer.PackagePath("Recipe.Generator"));
        using var image = new MemoryStream();
        using (var entry = package.GetEntry("analyzers/dotnet/cs/Recipe.CodeFixes.dll")!.Open()) entry.CopyTo(image);
        image.Position = 0;
        using var pe = new PEReader(image);
        var metadata = pe.GetMetadataReader();
        var references = metadata.AssemblyReferences.Select(handle => metadata.GetString(metadata.GetAssemblyReference(handle).Name)).ToList();
        Assert.Contains("Microsoft.CodeAnalysis.Workspaces", references);
        Assert.All(references, name => Assert.True(
            name == "netstandard" || name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) || name.StartsWith("System.", StringComparison.Ordinal),
            $"Recipe.CodeFixes references {name}"));
    }

    [Fact]
    public void Both_props_in_the_generator_package_are_the_file_in_repo_consumers_import()
    {
        string source = File.ReadAllText(Path.Combine(RepoRoot.Path, "src", "Recipe.Generator", "build", "Recipe.Generator.props"));
        using var package = ZipFile.OpenRead(_consumer.PackagePath("Recipe.Generator"));
        Assert.Equal(source, Read(package, "build/Recipe.Generator.props"));
        Assert.Equal(source, Read(package, "buildTransitive/Recipe.Generator.props"));
    }

    [Fact]
    public void The_generator_package_ships_the_repository_schema()
    {
        string source = File.ReadAllText(Path.Combine(RepoRoot.Path, "schema", "recipe.schema.json"));
        using var package = ZipFile.OpenRead(_consumer.PackagePath("Recipe.Generator"));
        Assert.Equal(source, Read(package, "schema/recipe.schema.json"));
    }

    [Fact]
    public void The_generator_package_is_a_development_dependency_without_dependencies()
    {
        var metadata = Metadata("Recipe.Generator");
        Assert.Equal("true", Element(metadata, "developmentDependency")?.Value);
        Assert.Null(Element(metadata, "dependencies"));
    }

    [Fact]
    public void The_runtime_package_holds_its_library_and_depends_on_the_model_package_of_the_same_version()
    {
        Assert.Equal(new[] { "lib/net10.0/Recipe.Runtime.dll", "lib/net10.0/Recipe.Runtime.xml" }, Content("Recipe.Runtime"));
        var groups = Element(Metadata("Recipe.Runtime"), "dependencies")!.Elements().ToList();
        var group = Assert.Single(groups);
        Assert.Equal("net10.0", group.Attribute("targetFramework")?.Value);
        var dependency = Assert.Single(group.Elements());
        Assert.Equal(("Recipe.Model", _consumer.Version), (dependency.Attribute("id")?.Value, dependency.Attribute("version")?.Value));
    }

    [Fact]
    public void The_model_package_holds_its_netstandard_library_and_no_dependency()
    {
        Assert.Equal(new[] { "lib/netstandard2.0/Recipe.Model.dll", "lib/netstandard2.0/Recipe.Model.xml" }, Content("Recipe.Model"));
        var dependencies = Element(Metadata("Recipe.Model"), "dependencies");
        Assert.True(dependencies is null || dependencies.Elements().All(group => !group.HasElements), dependencies?.ToString());
    }

    [Theory]
    [InlineData("Recipe.Model")]
    [InlineData("Recipe.Runtime")]
    [InlineData("Recipe.Generator")]
    public void Every_package_carries_its_id_the_packed_version_the_authors_and_a_description(string id)
    {
        var metadata = Metadata(id);
        Assert.Equal(id, Element(metadata, "id")?.Value);
        Assert.Equal(_consumer.Version, Element(metadata, "version")?.Value);
        Assert.Equal("RecipeCompiler", Element(metadata, "authors")?.Value);
        Assert.StartsWith("RecipeCompiler", Element(metadata, "description")?.Value ?? "", StringComparison.Ordinal);
        // No LICENSE file in the repository yet, so no license metadata.
        Assert.Null(Element(metadata, "license"));
    }

    /// <summary>The package's files, without the OPC parts every package has (nuspec, _rels/, [Content_Types].xml, package/).</summary>
    private string[] Content(string id)
    {
        using var package = ZipFile.OpenRead(_consumer.PackagePath(id));
        return package.Entries
            .Select(e => e.FullName)
            .Where(name => !name.EndsWith(".nuspec", StringComparison.Ordinal) && !name.StartsWith("_rels/", StringComparison.Ordinal)
                && !name.StartsWith("package/", StringComparison.Ordinal) && name != "[Content_Types].xml")
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToArray();
    }

    private XElement Metadata(string id)
    {
        using var package = ZipFile.OpenRead(_consumer.PackagePath(id));
        var nuspec = XDocument.Parse(Read(package, id + ".nuspec"));
        return nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static XElement? Element(XElement parent, string localName) =>
        parent.Elements().SingleOrDefault(e => e.Name.LocalName == localName);

    private static string Read(ZipArchive package, string entry)
    {
        using var reader = new StreamReader(package.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }
}
