using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Recipe.Model;
using Recipe.Runtime.Loading;
using Recipe.Runtime.Sampling;

namespace Recipe.Runtime.Adaptation;

/// <summary>What a <see cref="MixAdapter"/> does besides its policy.</summary>
public sealed class MixAdapterOptions
{
    /// <summary>Global samples between decisions.</summary>
    public long EverySamples { get; init; }

    /// <summary>
    /// Samples from a decision to its switch point: at least what any loader of the run may have read ahead (DataLoader
    /// workers, other ranks), so each sees the link before it reaches the switch. 0 for a loader in this process that
    /// follows the adapter (<see cref="MixAdapter.Follow"/>), which re-reads what it prefetched.
    /// </summary>
    public long LagSamples { get; init; }

    /// <summary>Floor and ceiling of each weight relative to the recipe's own.</summary>
    public MixLimits Limits { get; init; } = new();

    /// <summary>Whether this process writes the links (rank 0); the others wait for each and check it is their own decision.</summary>
    public bool WritesLinks { get; init; } = true;

    /// <summary>Sums the window's statistics over the ranks (an all-reduce), so every rank decides alike; none for one process.</summary>
    public Func<double[], double[]>? AllReduce { get; init; }

    /// <summary>How long a rank that does not write waits for a link.</summary>
    public TimeSpan LinkWait { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Where the sampler indexes of the links come from.</summary>
    public SamplerIndexCache IndexCache { get; init; } = SamplerIndexCache.Default;

    /// <summary>Receives each decision's log line.</summary>
    public Action<string>? Log { get; init; }

    internal void Validate()
    {
        if (EverySamples < 1) throw new ArgumentOutOfRangeException(nameof(EverySamples), EverySamples, "Decisions come every so many samples: a positive number.");
        if (LagSamples < 0) throw new ArgumentOutOfRangeException(nameof(LagSamples), LagSamples, "The lag from a decision to its switch is 0 or more samples.");
        ArgumentNullException.ThrowIfNull(Limits);
        Limits.Validate();
    }
}

/// <summary>
/// Online mixture adaptation that can be replayed: per-source training loss is gathered over a window of
/// <see cref="MixAdapterOptions.EverySamples"/> global samples, a policy (<see cref="OdmPolicy"/>,
/// <see cref="ManualPolicy"/>) proposes weights, <see cref="MixConstraints"/> holds them to the recipe's limits, and
/// the decision is written as a continuation recipe, <c>chain/&lt;name&gt;.&lt;k&gt;.recipe.json</c>, continuing link
/// k − 1 at a switch point <see cref="MixAdapterOptions.LagSamples"/> after the decision. Each link is checked by the
/// build's own checks before it is written, and never overwrites another file. The chain of files is the record of the
/// run's mix: <see cref="CompiledRecipe.FromJson"/> of the last link reads, bit for bit, the stream the run read.
/// Link 0 is the base recipe's canonical JSON.
/// </summary>
public sealed class MixAdapter
{
    private readonly string _directory;
    private readonly string _name;
    private readonly IMixPolicy _policy;
    private readonly MixAdapterOptions _options;
    private readonly double[] _lossSums;
    private readonly double[] _rows;
    private long _windowStart;

    /// <summary>Starts or takes up the chain in <paramref name="chainDirectory"/>.</summary>
    /// <param name="baseRecipe">The recipe the run started with (link 0).</param>
    /// <param name="chainDirectory">The folder of the chain's links (created when missing).</param>
    /// <param name="policy">Proposes the weights.</param>
    /// <param name="options">Interval, lag, limits, ranks.</param>
    /// <exception cref="InvalidDataException">The folder holds another run's links, or a link that does not check.</exception>
    public MixAdapter(CompiledRecipe baseRecipe, string chainDirectory, IMixPolicy policy, MixAdapterOptions options)
    {
        ArgumentNullException.ThrowIfNull(baseRecipe);
        ArgumentNullException.ThrowIfNull(chainDirectory);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _directory = Path.GetFullPath(chainDirectory);
        _name = baseRecipe.Name;
        _policy = policy;
        _options = options;
        _lossSums = new double[baseRecipe.SourceCount];
        _rows = new double[baseRecipe.SourceCount];
        Directory.CreateDirectory(_directory);
        string first = LinkPath(0);
        if (!File.Exists(first) && options.WritesLinks) WriteNew(first, RecipeHash.CanonicalJson(baseRecipe.Model));
        Current = ReadLink(0, WaitFor(first), baseRecipe.Hash, earlierHash: null);
        for (int k = 1; File.Exists(LinkPath(k)); k++)
        {
            Current = ReadLink(k, LinkPath(k), expectedHash: null, earlierHash: Current.Hash);
            Decisions = k;
        }
        _windowStart = Decisions == 0 ? 0 : Current.SwitchSample - options.LagSamples;
    }

    /// <summary>The policy that proposes the weights.</summary>
    public IMixPolicy Policy => _policy;

    /// <summary>The latest link: the recipe the run reads from its switch point on.</summary>
    public CompiledRecipe Current { get; private set; }

    /// <summary>Links written after link 0.</summary>
    public int Decisions { get; private set; }

    /// <summary>The file of link <paramref name="k"/>.</summary>
    public string LinkPath(int k) => Path.Combine(_directory, $"{_name}.{k.ToString(CultureInfo.InvariantCulture)}.recipe.json");

    /// <summary>Raised after each link is written (and checked), with the decision.</summary>
    public event Action<MixDecision>? Decided;

    /// <summary>Switches <paramref name="loader"/> to every new link as it is decided (see <see cref="LoaderCore.SwitchTo"/>).</summary>
    public void Follow(LoaderCore loader)
    {
        ArgumentNullException.ThrowIfNull(loader);
        if (loader.Recipe.Hash != Current.Hash) loader.SwitchTo(Current);
        Decided += decision => loader.SwitchTo(decision.Recipe);
    }

    /// <summary>Adds the per-row losses of a batch (its source-id column and one loss per row); NaN and infinite losses are skipped.</summary>
    public void Update(ReadOnlySpan<int> sourceIds, ReadOnlySpan<float> losses)
    {
        if (sourceIds.Length != losses.Length) throw new ArgumentException($"{sourceIds.Length} source ids but {losses.Length} losses; give one loss per row.", nameof(losses));
        for (int r = 0; r < sourceIds.Length; r++)
        {
            int source = sourceIds[r];
            if ((uint)source >= (uint)_rows.Length) throw new ArgumentOutOfRangeException(nameof(sourceIds), source, $"Row {r} names source {source}; the recipe has {_rows.Length}.");
            if (!float.IsFinite(losses[r])) continue;
            _lossSums[source] += losses[r];
            _rows[source]++;
        }
    }

    /// <summary>
    /// Called after each step with the global index of the next sample to train on: decides when a window is full,
    /// writes the link and returns the decision (null otherwise, and once the run is too near its end to switch). With
    /// <see cref="MixAdapterOptions.AllReduce"/>, the window's statistics are summed over the ranks first.
    /// </summary>
    public MixDecision? Step(long nextSample)
    {
        if (!IsDue(nextSample)) return null;
        var sums = WindowSums();
        if (_options.AllReduce is { } allReduce) sums = allReduce(sums);
        return Decide(nextSample, sums);
    }

    /// <summary>Whether a decision is due after the step that ends before <paramref name="nextSample"/> (a window is full and the run can still switch).</summary>
    public bool IsDue(long nextSample)
    {
        long switchSample = nextSample + _options.LagSamples;
        return nextSample - _windowStart >= _options.EverySamples && switchSample < Current.Samples - 1 && switchSample > Current.SwitchSample;
    }

    /// <summary>This process's statistics of the window: each source's loss sum, then each source's rows (2·K numbers) to sum over the ranks.</summary>
    public double[] WindowSums() => _lossSums.Concat(_rows).ToArray();

    /// <summary>
    /// The decision at <paramref name="nextSample"/> from the window's statistics summed over all ranks
    /// (<see cref="WindowSums"/> of each, added): the policy, the limits, the link written (by the rank that writes)
    /// and checked. Every rank calls it with the same sums, so every rank decides alike.
    /// </summary>
    /// <exception cref="InvalidOperationException">No decision is due at <paramref name="nextSample"/>.</exception>
    public MixDecision Decide(long nextSample, IReadOnlyList<double> sums)
    {
        ArgumentNullException.ThrowIfNull(sums);
        if (!IsDue(nextSample)) throw new InvalidOperationException($"No decision is due at sample {nextSample} (window from {_windowStart}, every {_options.EverySamples} samples, run of {Current.Samples}).");
        if (sums.Count != 2 * _rows.Length) throw new ArgumentException($"The statistics of {_rows.Length} sources are {2 * _rows.Length} numbers, not {sums.Count}.", nameof(sums));
        long switchSample = nextSample + _options.LagSamples;
        var model = Current.Model;
        int count = model.Sources.Count;
        var sampler = Current.CreateSampler(link => _options.IndexCache.GetOrBuild(link));
        var counts = new long[count];
        sampler.CountsBefore(switchSample, counts);
        var weights = Current.Schedule.Weights((nextSample - 1) * model.SequenceLength);
        var statistics = new SourceStatistics[count];
        for (int i = 0; i < count; i++)
        {
            var source = model.Sources[i];
            double rows = sums[count + i];
            statistics[i] = new SourceStatistics(source.Name, rows > 0 ? sums[i] / rows : double.NaN, (long)rows, weights[i],
                Math.Max(0, model.MaxEpochsOf(source) * source.Tokens - (double)counts[i] * model.SequenceLength));
        }
        int number = Decisions + 1;
        var proposed = _policy.Propose(new MixWindow(number, nextSample, statistics));
        var baseWeights = BaseSchedule().Weights(switchSample * model.SequenceLength);
        var projection = MixConstraints.Project(model, baseWeights, counts, switchSample, proposed, _options.Limits);

        long at = switchSample * model.SequenceLength;
        var link = model with
        {
            Name = $"{_name}.{number.ToString(CultureInfo.InvariantCulture)}",
            Description = $"Decision {number} of the '{_policy.Name}' policy at sample {nextSample}; from sample {switchSample} on.",
            WeightMode = WeightMode.Fraction,
            Schedule = new Schedule(Interpolation.Step, new[] { new Phase($"decision-{number}", at, projection.Weights.ToEquatableArray()) }.ToEquatableArray()),
            Continues = new Continuation(model, at),
        };
        // Checked as the build checks it before anything is written: a link never holds what 'recipe check' rejects.
        var errors = RecipeValidator.Validate(link).Where(d => d.Severity == RecipeSeverity.Error).ToList();
        if (errors.Count > 0) throw new InvalidOperationException($"Decision {number} would write a recipe with errors ({string.Join("; ", errors)}); nothing was written.");
        string path = LinkPath(number);
        string hash = RecipeHash.Compute(link);
        if (_options.WritesLinks) WriteNew(path, RecipeHash.LinkJson(link, Path.GetFileName(LinkPath(number - 1))));
        var compiled = ReadLink(number, WaitFor(path), hash, Current.Hash);

        Current = compiled;
        Decisions = number;
        _windowStart = nextSample;
        Array.Clear(_lossSums);
        Array.Clear(_rows);
        var decision = new MixDecision(number, nextSample, switchSample, statistics, proposed, projection.Weights, projection.Clips, path, compiled);
        _options.Log?.Invoke(decision.ToString());
        Decided?.Invoke(decision);
        return decision;
    }

    /// <summary>The adapter's state at a checkpoint: decisions, window and policy. Give it to <see cref="Restore"/> after a restart.</summary>
    public string SaveState() => JsonSerializer.Serialize(new AdapterState(Current.Hash, Decisions, _windowStart, _lossSums, _rows, _policy.SaveState()), AdapterStateContext.Default.AdapterState);

    /// <summary>
    /// Takes up the run at the checkpoint that saved <paramref name="state"/>: the links decided after it are moved
    /// aside (renamed <c>*.discarded-N</c>, never deleted) and will be decided again from the restored statistics.
    /// </summary>
    /// <exception cref="InvalidDataException">The state is not an adapter state, or its chain is not this folder's.</exception>
    public void Restore(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        AdapterState? saved;
        try
        {
            saved = JsonSerializer.Deserialize(state, AdapterStateContext.Default.AdapterState);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The mix adapter state does not read: {e.Message}", e);
        }
        if (saved is null || saved.LossSums.Length != _rows.Length || saved.Rows.Length != _rows.Length || saved.Decisions < 0 || saved.Decisions > Decisions)
        {
            throw new InvalidDataException($"The mix adapter state is not one of this chain ({Decisions} decisions over {_rows.Length} sources in {_directory}).");
        }
        var link = ReadLink(saved.Decisions, LinkPath(saved.Decisions), saved.Hash, earlierHash: null);
        for (int k = Decisions; k > saved.Decisions; k--)
        {
            string path = LinkPath(k);
            string aside = path + ".discarded-" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
            if (_options.WritesLinks) File.Move(path, aside);
            _options.Log?.Invoke($"link {Path.GetFileName(path)} was decided after the checkpoint; moved aside to {Path.GetFileName(aside)}");
        }
        Current = link;
        Decisions = saved.Decisions;
        _windowStart = saved.WindowStart;
        saved.LossSums.CopyTo(_lossSums, 0);
        saved.Rows.CopyTo(_rows, 0);
        _policy.RestoreState(saved.Policy);
    }

    private WeightSchedule BaseSchedule()
    {
        var model = Current.Model;
        while (model.Continues is { } continuation) model = continuation.Earlier;
        return WeightSchedule.For(model);
    }

    /// <summary>
    /// Reads link <paramref name="k"/> through the build's checks; its hash must be <paramref name="expectedHash"/>,
    /// and the recipe it continues <paramref name="earlierHash"/>, when given.
    /// </summary>
    private CompiledRecipe ReadLink(int k, string path, string? expectedHash, string? earlierHash)
    {
        var checkedRecipe = JsonRecipeFile.Check(path);
        if (checkedRecipe.Recipe is not { } recipe)
        {
            var errors = checkedRecipe.Diagnostics.Where(d => d.Severity == RecipeSeverity.Error).Select(d => $"{path}({d.Span}): {d}");
            throw new InvalidDataException($"Link {k} of the chain in {_directory} does not check:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        }
        var compiled = CompiledRecipe.FromRecipe(recipe);
        if (expectedHash is not null && compiled.Hash != expectedHash)
        {
            throw new InvalidDataException(k == 0
                ? $"{path} is recipe {compiled.Hash} ('{compiled.Name}'), not this run's base recipe {expectedHash}: the folder holds another run's chain; give this run a folder of its own."
                : $"{path} is recipe {compiled.Hash}, but this rank decided {expectedHash}: the ranks' statistics differ (all-reduce them before the policy runs), or the folder holds another run's chain.");
        }
        if (earlierHash is not null && compiled.Earlier?.Hash != earlierHash)
        {
            throw new InvalidDataException($"{path} does not continue link {k - 1} ({earlierHash}); the folder holds another run's chain.");
        }
        return compiled;
    }

    /// <summary>Writes a new file, checked first under a temporary name; an existing file is never replaced.</summary>
    private static void WriteNew(string path, string text)
    {
        string temporary = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(temporary, text);
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process wrote it first; reading it checks it is the same decision.
            File.Delete(temporary);
        }
    }

    private string WaitFor(string path)
    {
        var deadline = DateTime.UtcNow + _options.LinkWait;
        while (!File.Exists(path))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Link {path} did not appear within {_options.LinkWait.TotalSeconds:0} s; the rank that writes the links (WritesLinks) may have stopped.");
            Thread.Sleep(10);
        }
        return path;
    }
}

internal sealed record AdapterState(string Hash, int Decisions, long WindowStart, double[] LossSums, double[] Rows, double[] Policy);

[System.Text.Json.Serialization.JsonSerializable(typeof(AdapterState))]
internal sealed partial class AdapterStateContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
