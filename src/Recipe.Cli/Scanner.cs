using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Recipe.Model;
using Recipe.Runtime.Data;

namespace Recipe.Cli;

/// <summary>
/// <c>recipe scan DIR [-o FILE]</c>: measures the token sources under a data root and writes the
/// <c>*.sources.json</c> manifest that the generator checks recipes against (RCP013).
/// <list type="bullet">
/// <item>Each immediate subfolder of DIR is one source named after it (folders starting with '.' are skipped).</item>
/// <item>Its token files are the <c>*.bin</c>, <c>*.npy</c> and <c>*.idx</c> files anywhere below it, in ordinal
/// order of their paths (DataGlob's order); other files (READMEs, JSON, tokenizer files) are skipped with a note.</item>
/// <item>Formats come from <see cref="TokenFormats.Detect"/>: the NumPy magic or <c>.npy</c>; a <c>.bin</c> with an
/// <c>.idx</c> beside it is one Megatron dataset (listed once, as its <c>.bin</c>, with the index as <c>"index"</c>);
/// an llm.c header; else a raw array of <c>--raw-dtype</c>.</item>
/// <item><c>documents</c> is the number of documents when every file of the source records them (Megatron indexes);
/// otherwise it is <c>null</c>: raw, llm.c and .npy files delimit documents with an end-of-text token, if at all, and
/// counting them would mean knowing the tokenizer. <c>null</c> rather than 0, so "not recorded" never reads as "none".</item>
/// <item><c>format</c> is the source's one format, <c>"mixed"</c> when its files differ (each file has its own), or
/// <c>null</c> for a source with no token files.</item>
/// <item>Every file is opened and validated first (headers; a Megatron index in full), so a corrupt file stops the
/// scan before any hashing with one line naming the file and the byte offset; then each file is hashed (SHA-256,
/// streamed) with progress on stderr.</item>
/// </list>
/// </summary>
internal static class Scanner
{
    /// <summary>The manifest's file name when <c>-o</c> is not given.</summary>
    public const string DefaultManifest = "data.sources.json";

    private const int HashBuffer = 1 << 20;

    private static readonly string[] TokenExtensions = { ".bin", ".npy", ".idx" };

    /// <summary>A part of a token file: the file that holds the tokens, or a Megatron index.</summary>
    private sealed record Part(string RelativePath, string FullPath)
    {
        public long Bytes { get; set; }

        public string Sha256 { get; set; } = "";
    }

    private sealed record ShardFile(Part Data, Part? Index, string Format, long Tokens, long? Documents);

    private sealed record SourceScan(string Name, List<ShardFile> Files)
    {
        public long Tokens => Files.Sum(f => f.Tokens);

        public long? Documents => Files.Count > 0 && Files.All(f => f.Documents is not null) ? Files.Sum(f => f.Documents!.Value) : null;

        public string? Format
        {
            get
            {
                var formats = Files.Select(f => f.Format).Distinct(StringComparer.Ordinal).ToList();
                return formats.Count switch { 0 => null, 1 => formats[0], _ => "mixed" };
            }
        }
    }

    public static int Run(CliIO io, string dir, string? output, TokenDType rawDType, bool progress)
    {
        string root = Path.GetFullPath(dir);
        if (File.Exists(root)) throw new CliException($"{dir}: a file, not a folder; scan takes the data root whose subfolders are the sources");
        if (!Directory.Exists(root)) throw new CliException($"{dir}: no such folder");
        string manifestPath = Path.GetFullPath(output ?? Path.Combine(root, DefaultManifest));

        var folders = Directory.EnumerateDirectories(root)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal)
            .ToList();
        if (folders.Count == 0)
        {
            throw new CliException($"{dir}: no subfolders; each subfolder of the data root is one source (e.g. {Display(dir, "web/shard_000.bin")})");
        }

        // Pass 1: open and validate every file (cheap: headers and indexes), collecting every corrupt one.
        var sources = new List<SourceScan>();
        var errors = new List<string>();
        foreach (string folder in folders)
        {
            string name = Path.GetFileName(folder);
            var files = new List<ShardFile>();
            var candidates = Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false })
                .Select(full => (Full: full, Relative: Path.GetRelativePath(root, full).Replace('\\', '/')))
                .Where(f => !f.Relative.Split('/').Any(segment => segment.StartsWith('.')))
                .OrderBy(f => f.Relative, StringComparer.Ordinal)
                .ToList();
            var relativeSet = new HashSet<string>(candidates.Select(c => c.Relative), StringComparer.Ordinal);
            var skipped = new List<string>();
            foreach (var (full, relative) in candidates)
            {
                string extension = Path.GetExtension(relative);
                if (!TokenExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
                {
                    if (Path.GetFullPath(full) != manifestPath) skipped.Add(relative);
                    continue;
                }
                // A Megatron index is read with its .bin; alone it is reported as missing its data file.
                if (extension.Equals(".idx", StringComparison.OrdinalIgnoreCase) && relativeSet.Contains(ChangeExtension(relative, ".bin"))) continue;
                try
                {
                    files.Add(Open(dir, full, relative, rawDType));
                }
                catch (Exception e) when (Cli.IsFileProblem(e))
                {
                    errors.Add(Cli.Describe(e));
                }
            }
            if (skipped.Count > 0)
            {
                io.Err.WriteLine($"recipe: note: {name}: skipped {Cli.Count(skipped.Count, "file")} that {(skipped.Count == 1 ? "is" : "are")} not token shards (*.bin, *.npy, *.idx): " +
                    string.Join(", ", skipped.Take(3)) + (skipped.Count > 3 ? ", ..." : ""));
            }
            if (files.Count == 0 && errors.Count == 0) io.Warning($"{name}: no token files (*.bin, *.npy, *.idx) in {Display(dir, name + "/")}; the source holds 0 tokens");
            else if (files.Count > 0 && files.All(f => f.Tokens == 0))
            {
                io.Warning($"{name}: {(files.Count == 1 ? "its token file holds" : $"its {files.Count} token files hold")} no tokens (" +
                    string.Join(", ", files.Take(3).Select(f => Display(dir, f.Data.RelativePath))) + (files.Count > 3 ? ", ..." : "") +
                    "); the source holds 0 tokens");
            }
            sources.Add(new SourceScan(name, files));
        }
        if (errors.Count > 0)
        {
            foreach (string error in errors) io.Error(error);
            return ExitCodes.Errors;
        }

        // Pass 2: hash every byte, streamed.
        var parts = sources.SelectMany(s => s.Files).SelectMany(f => f.Index is null ? new[] { f.Data } : new[] { f.Data, f.Index }).ToList();
        long totalBytes = parts.Sum(p => new FileInfo(p.FullPath).Length);
        using (var bar = io.Progress("hashing", totalBytes, progress, ProgressBar.Bytes))
        {
            long hashed = 0;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(HashBuffer);
            try
            {
                foreach (Part part in parts)
                {
                    (part.Sha256, part.Bytes) = Hash(part.FullPath, buffer, read =>
                    {
                        hashed += read;
                        bar.Report(hashed);
                    });
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            bar.Finish();
        }

        WriteManifest(manifestPath, sources);
        WriteSummary(io.Out, sources, manifestPath);
        return ExitCodes.Clean;
    }

    private static ShardFile Open(string dir, string full, string relative, TokenDType rawDType)
    {
        string format = TokenFormats.Detect(full, rawDType);
        string display = Display(dir, relative);
        using TokenFile file = TokenFile.Open(full, format, display);
        Part? index = null;
        if (file.Format == TokenFormat.Megatron)
        {
            index = new Part(ChangeExtension(relative, ".idx"), file.IndexPath!);
        }
        return new ShardFile(new Part(relative, file.Path), index, file.FormatName, file.Count, file.DocumentCount);
    }

    // The name of a file in messages: under DIR as the user typed it, with '/' separators.
    private static string Display(string dir, string relative)
    {
        string prefix = dir.Replace('\\', '/').TrimEnd('/');
        return prefix.Length == 0 || prefix == "." ? relative : prefix + "/" + relative;
    }

    private static string ChangeExtension(string relative, string extension) =>
        relative.Substring(0, relative.Length - Path.GetExtension(relative).Length) + extension;

    private static (string Sha256, long Bytes) Hash(string path, byte[] buffer, Action<int> progress)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long bytes = 0;
        int read;
        while ((read = stream.Read(buffer, 0, HashBuffer)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            bytes += read;
            progress(read);
        }
        return (Convert.ToHexStringLower(sha.GetHashAndReset()), bytes);
    }

    private static void WriteManifest(string path, List<SourceScan> sources)
    {
        string? folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        // Written beside the target and moved over it: a reader never sees half a manifest.
        string temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("sources");
            foreach (var source in sources)
            {
                json.WriteStartObject(source.Name);
                json.WriteNumber("tokens", source.Tokens);
                if (source.Documents is { } documents) json.WriteNumber("documents", documents);
                else json.WriteNull("documents");
                if (source.Format is { } format) json.WriteString("format", format);
                else json.WriteNull("format");
                json.WriteStartArray("files");
                foreach (var file in source.Files)
                {
                    json.WriteStartObject();
                    json.WriteString("path", file.Data.RelativePath);
                    json.WriteNumber("tokens", file.Tokens);
                    json.WriteNumber("bytes", file.Data.Bytes);
                    json.WriteString("sha256", file.Data.Sha256);
                    json.WriteString("format", file.Format);
                    if (file.Documents is { } fileDocuments) json.WriteNumber("documents", fileDocuments);
                    if (file.Index is { } index)
                    {
                        json.WriteStartObject("index");
                        json.WriteString("path", index.RelativePath);
                        json.WriteNumber("bytes", index.Bytes);
                        json.WriteString("sha256", index.Sha256);
                        json.WriteEndObject();
                    }
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
            json.Flush();
            stream.Write("\n"u8);
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static void WriteSummary(TextWriter output, List<SourceScan> sources, string manifestPath)
    {
        var rows = new List<string[]> { new[] { "source", "format", "files", "tokens", "documents" } };
        foreach (var source in sources)
        {
            rows.Add(new[]
            {
                source.Name,
                source.Format ?? "-",
                source.Files.Count.ToString(CultureInfo.InvariantCulture),
                source.Tokens.ToString("N0", CultureInfo.InvariantCulture),
                source.Documents is { } d ? d.ToString("N0", CultureInfo.InvariantCulture) : "-",
            });
        }
        var text = new StringBuilder();
        foreach (string line in PlanTable.Align(rows, column => column >= 2)) text.AppendLine(line);
        text.AppendLine($"wrote {manifestPath}");
        text.AppendLine(WhatChecksIt(manifestPath));
        output.Write(text.ToString());
    }

    /// <summary>Where the build looks for a manifest: named by the recipe, or paired with it by file name.</summary>
    internal static string WhatChecksIt(string manifestPath)
    {
        string name = Path.GetFileName(manifestPath);
        string stem = name.EndsWith(SourceManifest.Suffix, StringComparison.OrdinalIgnoreCase) ? name.Substring(0, name.Length - SourceManifest.Suffix.Length) : name;
        return $"the build checks declared tokens against it (RCP013) for {stem}.recipe.json\n" +
               $"or {stem}.cs in its folder, and for a recipe that names it with\n" +
               $"\"manifest\": \"<path from the recipe to {name}>\" (JSON) or\n" +
               "[Recipe(Manifest = \"...\")] (C#); no other recipe";
    }
}
