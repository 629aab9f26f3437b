using System;
using System.Collections.Generic;
using System.Threading;
using Recipe.Runtime.Sampling;
using Recipe.Model;

namespace Recipe.Runtime.Loading;

/// <summary>What <see cref="BatchLoader"/> does when the opened sources disagree with the recipe.</summary>
public enum SourceCheckMode
{
    /// <summary>
    /// Errors (RCP013: a source holds fewer tokens than declared) stop the loader with a
    /// <see cref="SourceCheckException"/>; warnings (RCP002: the real sizes imply more epochs than allowed) go to
    /// <see cref="LoaderOptions.Log"/>. The default, because training on less data than the recipe was planned for
    /// is what the recipe compiler exists to prevent.
    /// </summary>
    ThrowOnErrors,

    /// <summary>Every finding goes to <see cref="LoaderOptions.Log"/> and the loader runs on the real sizes.</summary>
    LogOnly,
}

/// <summary>How a <see cref="BatchLoader"/> cuts the recipe's sample stream into batches.</summary>
public sealed class LoaderOptions
{
    /// <summary>
    /// Rows per batch on this rank (B), the same at every step. The global batch is B · <see cref="WorldSize"/>. Give
    /// this or <see cref="BatchSizes"/>.
    /// </summary>
    public int BatchSize { get; init; }

    /// <summary>
    /// Rows per rank that change over the run (a batch-size ramp), instead of a fixed <see cref="BatchSize"/>: a change
    /// takes effect at the first step boundary at or after its start sample.
    /// </summary>
    public BatchSizeSchedule? BatchSizes { get; init; }

    /// <summary>This rank, in [0, <see cref="WorldSize"/>).</summary>
    public int Rank { get; init; }

    /// <summary>Number of data-parallel ranks (W).</summary>
    public int WorldSize { get; init; } = 1;

    /// <summary>
    /// Whether each row holds L + 1 tokens (inputs and next-token targets from one window) instead of L. It also
    /// changes how many sequences a source holds: the last window needs one token past its end.
    /// </summary>
    public bool Shifted { get; init; }

    /// <summary>
    /// Batches the prefetch thread may assemble ahead of the consumer. 0 assembles each batch on the caller's
    /// thread inside <see cref="BatchLoader.TryNext"/> (no thread; useful to measure or debug).
    /// </summary>
    public int PrefetchDepth { get; init; } = 4;

    /// <summary>Whether disagreements between the recipe and the real sources throw or are only logged.</summary>
    public SourceCheckMode SourceChecks { get; init; } = SourceCheckMode.ThrowOnErrors;

    /// <summary>
    /// Receives the source checks' warnings (and, with <see cref="SourceCheckMode.LogOnly"/>, their errors). Writes
    /// to standard error by default so an over-repeated source is never silent; null discards them (they stay in
    /// <see cref="LoaderCore.Diagnostics"/>).
    /// </summary>
    public Action<RecipeDiagnostic>? Log { get; init; } = StandardErrorLog;

    /// <summary>
    /// Stops the loader: the prefetch thread exits, and <see cref="BatchLoader.TryNext"/> throws
    /// <see cref="OperationCanceledException"/> from then on.
    /// </summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Reports the pass that builds the sampler's checkpoint index (from 0 to 1) when the loader builds one: a
    /// schedule that is not a static mix in closed form, with no cached index given.
    /// </summary>
    public IProgress<double>? IndexProgress { get; init; }

    /// <summary>
    /// The files of sources by name, as <c>files</c> glob patterns relative to the data root, used instead of the
    /// recipe's own (<c>"files"</c> in JSON, <c>Files</c> on <c>[Source]</c> in C#): one recipe opened over several
    /// data layouts (a laptop sample, the cluster's full shards), or a recipe that lists no files. Sources not named
    /// here keep the recipe's files; a name the recipe does not declare is an error.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? SourceFiles { get; init; }

    /// <summary>
    /// Whether <c>files</c> patterns may reach outside the data root: an absolute path, a <c>..</c> that climbs out of
    /// it, or a file whose final path (symbolic links resolved) lies elsewhere. Off by default, so a recipe reads only
    /// the data it is opened over.
    /// </summary>
    public bool AllowFilesOutsideDataRoot { get; init; }

    /// <summary>
    /// Where the sampler's checkpoint index is cached between opens (keyed by the recipe hash), when the loader
    /// needs one and none is given: <see cref="SamplerIndexCache.Default"/> (the per-user cache folder, or the
    /// <c>RECIPE_INDEX_CACHE</c> environment variable) unless set; <see cref="SamplerIndexCache.Disabled"/> builds
    /// it on every open.
    /// </summary>
    public SamplerIndexCache IndexCache { get; init; } = SamplerIndexCache.Default;

    /// <summary>Writes one diagnostic per line to standard error, as the CLI prints them.</summary>
    public static void StandardErrorLog(RecipeDiagnostic diagnostic) => Console.Error.WriteLine(diagnostic.ToString());

    /// <summary>The rows per rank of every step: <see cref="BatchSizes"/>, or <see cref="BatchSize"/> at every step.</summary>
    internal BatchSizeSchedule RowsPerRank => BatchSizes ?? BatchSizeSchedule.Fixed(BatchSize);

    internal void Validate()
    {
        if (BatchSizes is not null && BatchSize != 0)
        {
            throw new ArgumentException($"Give BatchSize ({BatchSize}) or BatchSizes ({BatchSizes}), not both.", nameof(BatchSizes));
        }
        if (BatchSizes is null && BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "A batch holds at least one row per rank.");
        if (WorldSize < 1) throw new ArgumentOutOfRangeException(nameof(WorldSize), WorldSize, "World size must be at least 1.");
        if ((uint)Rank >= (uint)WorldSize) throw new ArgumentOutOfRangeException(nameof(Rank), Rank, $"Rank must be in [0, {WorldSize}).");
        int rows = BatchSizes?.MaxRowsPerRank ?? BatchSize;
        if ((long)rows * WorldSize > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(BatchSize), rows, $"The global batch of {rows} × {WorldSize} rows does not fit an int.");
        if (PrefetchDepth < 0) throw new ArgumentOutOfRangeException(nameof(PrefetchDepth), PrefetchDepth, "Prefetch depth is a number of batches, 0 or more.");
    }
}
