using System;
using System.Collections.Generic;
using System.IO;

namespace Recipe.Runtime.Data;

/// <summary>
/// Resolves a source's <c>files</c> patterns against a data root. Patterns use <c>/</c> between segments;
/// <c>*</c> matches any run of characters and <c>?</c> any one character within a segment, and a segment that is
/// exactly <c>**</c> matches any number of folders, none included. Matching is ordinal (case-sensitive) on every
/// operating system, so a recipe resolves to the same files everywhere.
/// </summary>
public static class DataGlob
{
    /// <summary>
    /// The files the patterns match, as paths relative to <paramref name="root"/> with <c>/</c> separators: each
    /// pattern's matches in ordinal order, patterns in the order given, a file matched by an earlier pattern not repeated.
    /// Every file must lie under the root (see <see cref="Resolve(string, IEnumerable{string}, bool, string?)"/>).
    /// </summary>
    /// <param name="root">The data root that patterns are relative to.</param>
    /// <param name="patterns">Glob patterns such as <c>web/*.bin</c> or <c>code/**/*.npy</c>.</param>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> does not exist.</exception>
    /// <exception cref="FileNotFoundException">A pattern matches no file; the message names the pattern and the root.</exception>
    /// <exception cref="UnauthorizedAccessException">A pattern reaches outside the root.</exception>
    public static IReadOnlyList<string> Resolve(string root, IEnumerable<string> patterns) => Resolve(root, patterns, allowOutsideRoot: false);

    /// <summary>
    /// <see cref="Resolve(string, IEnumerable{string})"/>, with files outside the root allowed or refused. Refused
    /// (the default) are an absolute pattern, a pattern whose <c>..</c> segments climb above the root, and a matched
    /// file whose final path, with every symbolic link on the way resolved, lies outside the root's own final path:
    /// a link inside the data root that points elsewhere reads elsewhere, so it is refused like the path it stands for.
    /// </summary>
    /// <param name="root">The data root that patterns are relative to.</param>
    /// <param name="patterns">Glob patterns such as <c>web/*.bin</c> or <c>code/**/*.npy</c>.</param>
    /// <param name="allowOutsideRoot">Whether files outside the root may be read.</param>
    /// <param name="source">The source the patterns belong to, for the messages.</param>
    /// <exception cref="UnauthorizedAccessException">A pattern reaches outside the root; the message names the source, the pattern and the root.</exception>
    public static IReadOnlyList<string> Resolve(string root, IEnumerable<string> patterns, bool allowOutsideRoot, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(patterns);
        string fullRoot = Path.GetFullPath(root);
        if (!Directory.Exists(fullRoot)) throw new DirectoryNotFoundException($"The data root {fullRoot} does not exist.");
        string? realRoot = allowOutsideRoot ? null : RealPath(fullRoot);
        string owner = source is null ? "" : $"Source '{source}': ";
        const string remedy = "keep a source's files under the data root, open the loader over a data root that holds them, or allow files outside it (LoaderOptions.AllowFilesOutsideDataRoot)";
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string pattern in patterns)
        {
            if (!allowOutsideRoot && ClimbsOut(pattern, out string how))
            {
                throw new UnauthorizedAccessException($"{owner}the files pattern '{pattern}' {how} the data root {fullRoot}; {remedy}.");
            }
            List<string> matches = Match(fullRoot, pattern);
            if (matches.Count == 0) throw new FileNotFoundException($"{owner}the pattern '{pattern}' matches no file under the data root {fullRoot}.");
            matches.Sort(StringComparer.Ordinal);
            foreach (string match in matches)
            {
                if (realRoot is not null)
                {
                    string real = RealPath(Path.Combine(fullRoot, match));
                    if (!IsUnder(real, realRoot))
                    {
                        throw new UnauthorizedAccessException(
                            $"{owner}'{match}', matched by the files pattern '{pattern}', is a symbolic link (or lies under one) to {real}, outside the data root {fullRoot}{(realRoot == fullRoot ? "" : $" ({realRoot})")}; {remedy}.");
                    }
                }
                if (seen.Add(match)) result.Add(match);
            }
        }
        return result;
    }

    /// <summary>Whether a pattern names files outside its root as written: absolute, or more <c>..</c> than folders before them.</summary>
    private static bool ClimbsOut(string pattern, out string how)
    {
        string normalised = pattern.Replace('\\', '/');
        if (Path.IsPathRooted(normalised) || normalised.StartsWith('/'))
        {
            how = "is an absolute path, outside";
            return true;
        }
        int depth = 0;
        foreach (string part in normalised.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            // ** may match no folder at all, so it gives no depth to climb back from.
            if (part == "..") depth--;
            else if (part != "." && part != "**") depth++;
            if (depth < 0)
            {
                how = "climbs with '..' above";
                return true;
            }
        }
        how = "";
        return false;
    }

    private static bool IsUnder(string path, string root)
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        string prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, comparison) || string.Equals(path, root, comparison);
    }

    /// <summary>
    /// The final path of <paramref name="path"/>: every component that is a symbolic link replaced by its final
    /// target, from the root down (what the operating system opens).
    /// </summary>
    internal static string RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        string current = Path.GetPathRoot(full)!;
        foreach (string part in full.Substring(current.Length).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar))
        {
            if (part.Length == 0) continue;
            string next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                // The target may itself sit under links (a relative target is resolved against the link's folder).
                next = RealPath(target.FullName);
            }
            current = next;
        }
        return current;
    }

    /// <summary>Whether <paramref name="path"/> (relative, <c>/</c>-separated) matches <paramref name="pattern"/>.</summary>
    public static bool IsMatch(string pattern, string path)
    {
        string[] parts = Split(pattern);
        string[] names = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return MatchSegments(parts, 0, names, 0);
    }

    private static bool MatchSegments(string[] parts, int p, string[] names, int n)
    {
        if (p == parts.Length) return n == names.Length;
        if (parts[p] == "**")
        {
            for (int skip = n; skip <= names.Length; skip++)
            {
                if (MatchSegments(parts, p + 1, names, skip)) return true;
            }
            return false;
        }
        return n < names.Length && MatchName(parts[p], names[n]) && MatchSegments(parts, p + 1, names, n + 1);
    }

    private static string[] Split(string pattern)
    {
        // Backslashes are separators too, so a recipe written on Windows resolves the same elsewhere.
        string[] parts = pattern.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new ArgumentException($"The pattern '{pattern}' names no file.", nameof(pattern));
        return parts;
    }

    private static bool HasWildcard(string segment) => segment.AsSpan().IndexOfAny('*', '?') >= 0;

    private static List<string> Match(string root, string pattern)
    {
        string normalised = pattern.Replace('\\', '/');
        string[] parts = Split(normalised);
        // The literal folders before the first wildcard are looked up, not enumerated: "web/2024/*.bin" never
        // lists the rest of the data root. A rooted pattern starts from its own root.
        string start = Path.IsPathRooted(normalised) ? Path.GetPathRoot(Path.GetFullPath(normalised))! : root;
        int first = 0;
        while (first < parts.Length - 1 && !HasWildcard(parts[first]) && parts[first] != "**") first++;
        string baseDirectory = Path.GetFullPath(Path.Combine(start, string.Join('/', parts, 0, first)));
        var found = new List<string>();
        if (Directory.Exists(baseDirectory))
        {
            Walk(baseDirectory, parts, first, found, new HashSet<string>(StringComparer.Ordinal));
        }
        var relative = new List<string>(found.Count);
        foreach (string file in found) relative.Add(Path.GetRelativePath(root, file).Replace('\\', '/'));
        return relative;
    }

    private static readonly EnumerationOptions Listing = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        // Hidden and system entries are data like any other; the pattern decides what is wanted.
        AttributesToSkip = 0,
        MatchType = MatchType.Simple,
        ReturnSpecialDirectories = false,
    };

    private static void Walk(string directory, string[] parts, int p, List<string> found, HashSet<string> visiting)
    {
        string part = parts[p];
        bool last = p == parts.Length - 1;
        if (part == "**")
        {
            // A symbolic link back up the tree would make ** endless: each real folder is walked once per path.
            string real = RealPath(directory);
            if (!visiting.Add(real)) return;
            if (last)
            {
                foreach (string file in Directory.EnumerateFiles(directory, "*", Listing)) found.Add(file);
            }
            else
            {
                Walk(directory, parts, p + 1, found, visiting);
            }
            foreach (string sub in Directory.EnumerateDirectories(directory, "*", Listing)) Walk(sub, parts, p, found, visiting);
            visiting.Remove(real);
            return;
        }
        if (!HasWildcard(part))
        {
            string child = Path.Combine(directory, part);
            if (last)
            {
                if (File.Exists(child)) found.Add(child);
            }
            else if (Directory.Exists(child))
            {
                Walk(child, parts, p + 1, found, visiting);
            }
            return;
        }
        if (last)
        {
            foreach (string file in Directory.EnumerateFiles(directory, "*", Listing))
            {
                if (MatchName(part, Path.GetFileName(file))) found.Add(file);
            }
        }
        else
        {
            foreach (string sub in Directory.EnumerateDirectories(directory, "*", Listing))
            {
                if (MatchName(part, Path.GetFileName(sub))) Walk(sub, parts, p + 1, found, visiting);
            }
        }
    }

    /// <summary>Matches one name against one segment of <c>*</c>, <c>?</c> and literal characters, ordinally.</summary>
    internal static bool MatchName(string pattern, string name)
    {
        // Iterative wildcard match with one backtrack point: linear in practice, never exponential.
        int p = 0, n = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starN = n;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]))
            {
                p++;
                n++;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                n = ++starN;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
