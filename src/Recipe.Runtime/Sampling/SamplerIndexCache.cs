using System;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace Recipe.Runtime.Sampling;

/// <summary>
/// A folder of <see cref="SamplerIndex"/> files, one per recipe hash, checkpoint interval and runtime version (all
/// that decides an index's bytes), so the pass over the run is made once per machine, not on every open. A file that
/// does not load intact (another format, another recipe, truncated, altered) is built again and replaced, never
/// trusted. Files are written atomically (a temporary file renamed into place), and processes opening the same recipe
/// at once (the ranks of one run) take a lock file in turn: the first builds, the others wait and load.
/// </summary>
public sealed class SamplerIndexCache
{
    /// <summary>
    /// The environment variable that moves the default cache (a folder path) or turns it off (<c>off</c>).
    /// </summary>
    public const string EnvironmentVariable = "RECIPE_INDEX_CACHE";

    /// <summary>How long a process waits for another one's build before building on its own, uncached.</summary>
    private static readonly TimeSpan LockPatience = TimeSpan.FromMinutes(30);

    private SamplerIndexCache(string? directory)
    {
        Directory = directory;
    }

    /// <summary>A cache in <paramref name="directory"/> (created on first write).</summary>
    public static SamplerIndexCache In(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return new SamplerIndexCache(Path.GetFullPath(directory));
    }

    /// <summary>No cache: every index is built where it is needed.</summary>
    public static SamplerIndexCache Disabled { get; } = new(null);

    /// <summary>
    /// The cache <see cref="EnvironmentVariable"/> names (a folder, or <c>off</c>), read when asked; otherwise
    /// <see cref="UserDirectory"/>.
    /// </summary>
    public static SamplerIndexCache Default
    {
        get
        {
            string? setting = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (string.IsNullOrWhiteSpace(setting)) return new SamplerIndexCache(UserDirectory);
            return setting.Trim().Equals("off", StringComparison.OrdinalIgnoreCase) ? Disabled : In(setting.Trim());
        }
    }

    /// <summary>
    /// The per-user folder: <c>$XDG_CACHE_HOME/recipe-compiler/sampler-index</c>, else
    /// <c>~/.cache/recipe-compiler/sampler-index</c> (on Windows, under the local application data folder).
    /// </summary>
    public static string UserDirectory
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string root = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg) ? xdg
                : OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "recipe-compiler", "sampler-index");
        }
    }

    /// <summary>The folder, or null when the cache is off.</summary>
    public string? Directory { get; }

    /// <summary>Whether indexes are kept between opens.</summary>
    public bool IsEnabled => Directory is not null;

    /// <summary>The file that holds the index of <paramref name="recipe"/> at <paramref name="interval"/>.</summary>
    /// <exception cref="InvalidOperationException">The cache is off.</exception>
    public string PathOf(CompiledRecipe recipe, int interval = SamplerIndex.DefaultInterval)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        if (Directory is null) throw new InvalidOperationException("The sampler index cache is off; it has no files.");
        return Path.Combine(Directory, $"{SafeName(recipe.Hash)}-{interval}-{RuntimeKey}.idx");
    }

    /// <summary>The cached index of <paramref name="recipe"/> when an intact one is there; null otherwise (or with the cache off).</summary>
    public SamplerIndex? TryGet(CompiledRecipe recipe, int interval = SamplerIndex.DefaultInterval)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        return Directory is null ? null : TryLoad(PathOf(recipe, interval), recipe, interval);
    }

    /// <summary>
    /// The index of <paramref name="recipe"/>: loaded from the cache when an intact one is there, built (and saved)
    /// otherwise. A cache folder that cannot be written is not an error: the index is built and returned unsaved.
    /// </summary>
    /// <param name="recipe">The compiled recipe.</param>
    /// <param name="interval">Samples between checkpoints.</param>
    /// <param name="progress">Reports the pass when this process builds the index.</param>
    /// <param name="cancellation">Stops the wait for another process's build.</param>
    public SamplerIndex GetOrBuild(CompiledRecipe recipe, int interval = SamplerIndex.DefaultInterval, IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        if (Directory is null) return SamplerIndex.Build(recipe, interval, progress);
        string path = PathOf(recipe, interval);
        if (TryLoad(path, recipe, interval) is { } cached) return cached;
        FileStream? gate = null;
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            gate = Lock(path + ".lock", cancellation);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unwritable or full cache costs the pass, not the run.
        }
        try
        {
            // Another process may have built it while this one waited.
            if (gate is not null && TryLoad(path, recipe, interval) is { } built) return built;
            var index = SamplerIndex.Build(recipe, interval, progress);
            if (gate is not null)
            {
                try
                {
                    index.Save(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // As above: the index is still good for this process.
                }
            }
            return index;
        }
        finally
        {
            gate?.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Directory ?? "(no sampler index cache)";

    /// <summary>The cached index when the file is there and intact for this recipe and interval; null otherwise.</summary>
    private static SamplerIndex? TryLoad(string path, CompiledRecipe recipe, int interval)
    {
        try
        {
            var index = SamplerIndex.Load(path, recipe.Hash);
            return index.Interval == interval && index.SourceCount == recipe.SourceCount && index.Samples == recipe.Samples ? index : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // Missing, unreadable, or not intact: build it again.
            return null;
        }
    }

    /// <summary>
    /// Takes the lock file exclusively (an advisory lock that the operating system drops with the process, so a
    /// killed rank never blocks the others), waiting while another process holds it.
    /// </summary>
    private static FileStream Lock(string path, CancellationToken cancellation)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < LockPatience && File.Exists(path))
            {
                cancellation.ThrowIfCancellationRequested();
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>A file name part from a recipe hash: its letters and digits.</summary>
    private static string SafeName(string hash)
    {
        var name = new StringBuilder(hash.Length);
        foreach (char c in hash) name.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        return name.ToString();
    }

    /// <summary>
    /// Eight hex digits of the runtime's version: a runtime whose scheduler changed keeps its indexes apart from
    /// another's, whatever the file format says.
    /// </summary>
    private static readonly string RuntimeKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        typeof(SamplerIndex).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(SamplerIndex).Assembly.GetName().Version?.ToString() ?? "0"))).Substring(0, 8);
}
