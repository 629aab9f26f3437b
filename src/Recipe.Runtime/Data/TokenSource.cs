using System;
using System.Collections.Generic;
using System.IO;
using Recipe.Model;

namespace Recipe.Runtime.Data;

/// <summary>
/// A recipe source's tokens: an ordered list of <see cref="TokenFile"/>s whose token streams, concatenated, are the
/// source's stream. Sequences (the sampler's unit) are windows of that stream: sequence s of length L starts at token
/// s·L and spans L tokens, or L + 1 with the shifted target, so a window may cross from one file into the next.
/// Reads are safe from many threads at once; <see cref="Dispose"/> must not race with them.
/// </summary>
public sealed class TokenSource : IDisposable
{
    private readonly TokenFile[] _files;
    // _starts[f] is the stream position of file f's first token; _starts[^1] is Count.
    private readonly long[] _starts;

    /// <summary>A source over <paramref name="files"/>, in that order; the source disposes them.</summary>
    /// <param name="name">The source's name in the recipe.</param>
    /// <param name="files">The files, in stream order.</param>
    public TokenSource(string name, IEnumerable<TokenFile> files)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(files);
        Name = name;
        _files = new List<TokenFile>(files).ToArray();
        _starts = new long[_files.Length + 1];
        long? documents = 0;
        for (int f = 0; f < _files.Length; f++)
        {
            _starts[f + 1] = checked(_starts[f] + _files[f].Count);
            documents = _files[f].DocumentCount is long d && documents is long sum ? sum + d : null;
        }
        DocumentCount = documents;
    }

    /// <summary>The source's name in the recipe.</summary>
    public string Name { get; }

    /// <summary>The files, in stream order.</summary>
    public IReadOnlyList<TokenFile> Files => _files;

    /// <summary>Number of tokens in all files.</summary>
    public long Count => _starts[^1];

    /// <summary>Number of documents when every file records them (Megatron); null otherwise.</summary>
    public long? DocumentCount { get; }

    /// <summary>Stream position of the first token of file <paramref name="index"/>.</summary>
    public long FileStart(int index)
    {
        if ((uint)index >= (uint)_files.Length) throw new ArgumentOutOfRangeException(nameof(index), index, $"Source '{Name}' has {_files.Length} files.");
        return _starts[index];
    }

    /// <summary>
    /// Number of whole sequences of <paramref name="length"/> tokens in the stream: floor((Count − 1) / L) with the
    /// shifted target (the last window needs one token past its end), floor(Count / L) without.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is less than 1.</exception>
    public long SequenceCount(int length, bool shifted)
    {
        if (length < 1) throw new ArgumentOutOfRangeException(nameof(length), length, "A sequence holds at least one token.");
        long usable = Count - (shifted ? 1 : 0);
        return usable <= 0 ? 0 : usable / length;
    }

    /// <summary>
    /// Copies sequence <paramref name="sequence"/>: tokens [s·L, s·L + L), plus the next token when
    /// <paramref name="shifted"/>, into the start of <paramref name="destination"/>.
    /// </summary>
    /// <param name="sequence">Sequence index in [0, <see cref="SequenceCount"/>).</param>
    /// <param name="length">L, the sequence length.</param>
    /// <param name="shifted">Whether to copy the extra token that completes the shifted target.</param>
    /// <param name="destination">At least L (or L + 1) tokens; only those are written.</param>
    public void Window(long sequence, int length, bool shifted, Span<int> destination)
    {
        long count = SequenceCount(length, shifted);
        long needed = (long)length + (shifted ? 1 : 0);
        if (destination.Length < needed)
        {
            throw new ArgumentException($"A window of {length} tokens{(shifted ? " plus the shifted target" : "")} needs {needed} slots; the destination has {destination.Length}.", nameof(destination));
        }
        if ((ulong)sequence >= (ulong)count)
        {
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, $"Source '{Name}' holds {count} sequences of {length} tokens{(shifted ? " with the shifted target" : "")}.");
        }
        CopyTokens(sequence * length, destination.Slice(0, (int)needed));
    }

    /// <summary>Copies tokens [<paramref name="start"/>, <paramref name="start"/> + destination.Length) of the stream, across file boundaries.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie inside [0, <see cref="Count"/>).</exception>
    public void CopyTokens(long start, Span<int> destination)
    {
        if (start < 0 || start > Count || destination.Length > Count - start)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, $"Source '{Name}' holds {Count} tokens; [{start}, {start + destination.Length}) is outside it.");
        }
        if (destination.IsEmpty) return;
        int f = FileAt(start);
        while (!destination.IsEmpty)
        {
            long within = start - _starts[f];
            int take = (int)Math.Min(_files[f].Count - within, destination.Length);
            _files[f].CopyTokens(within, destination.Slice(0, take));
            destination = destination.Slice(take);
            start += take;
            f++;
        }
    }

    /// <summary>
    /// The file that holds stream position <paramref name="position"/>: the last one whose first token is at or before
    /// it (an empty file shares its start with the next one, and taking the last of a tie skips it).
    /// </summary>
    public int FileAt(long position)
    {
        int lo = 0, hi = _files.Length - 1;
        while (lo < hi)
        {
            int mid = lo + (hi - lo + 1) / 2;
            if (_starts[mid] <= position) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>Unmaps every file.</summary>
    public void Dispose()
    {
        foreach (TokenFile file in _files) file.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({_files.Length} files, {Count} tokens)";

    /// <summary>
    /// Opens the files that <paramref name="patterns"/> match under <paramref name="dataRoot"/> (see
    /// <see cref="DataGlob.Resolve(string, IEnumerable{string}, bool, string?)"/>) as <paramref name="format"/>, or each as the format <see cref="TokenFormats.Detect"/>
    /// finds when it is null. For Megatron, a pattern may match the <c>.bin</c>, the <c>.idx</c> or both: each
    /// dataset is opened once, where its first file appears. Error messages name files relative to the root.
    /// </summary>
    /// <param name="name">The source's name.</param>
    /// <param name="dataRoot">The folder that patterns are relative to.</param>
    /// <param name="patterns">The source's <c>files</c> globs.</param>
    /// <param name="format">A <see cref="ShardFormats"/> name, or null to detect each file's format.</param>
    /// <param name="allowOutsideRoot">Whether patterns may reach outside <paramref name="dataRoot"/> (see <see cref="DataGlob.Resolve(string, IEnumerable{string}, bool, string?)"/>).</param>
    /// <exception cref="FileNotFoundException">A pattern matches no file.</exception>
    /// <exception cref="UnauthorizedAccessException">A pattern reaches outside the data root, without <paramref name="allowOutsideRoot"/>.</exception>
    /// <exception cref="TokenFormatException">A file is not valid in its format.</exception>
    public static TokenSource Open(string name, string dataRoot, IEnumerable<string> patterns, string? format = null, bool allowOutsideRoot = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        var patternList = new List<string>(patterns);
        if (patternList.Count == 0) throw new ArgumentException($"Source '{name}' lists no files; give it \"files\" patterns such as \"{name}/*.bin\".", nameof(patterns));
        IReadOnlyList<string> matched = DataGlob.Resolve(dataRoot, patternList, allowOutsideRoot, name);
        string root = Path.GetFullPath(dataRoot);
        var files = new List<TokenFile>(matched.Count);
        var datasets = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (string relative in matched)
            {
                string full = Path.Combine(root, relative);
                string fileFormat = format ?? TokenFormats.Detect(full);
                if (fileFormat == ShardFormats.Megatron)
                {
                    string bin = MegatronFormat.Partners(relative).Bin;
                    if (!datasets.Add(bin)) continue;
                    files.Add(TokenFile.OpenMegatron(full, relative));
                }
                else
                {
                    files.Add(TokenFile.Open(full, fileFormat, relative));
                }
            }
        }
        catch
        {
            foreach (TokenFile file in files) file.Dispose();
            throw;
        }
        return new TokenSource(name, files);
    }

    /// <summary>Opens a recipe source's <see cref="Source.Files"/> under <paramref name="dataRoot"/> in its <see cref="Source.Format"/>.</summary>
    public static TokenSource Open(Source source, string dataRoot)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Open(source.Name, dataRoot, source.Files, source.Format);
    }
}
