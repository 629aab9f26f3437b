using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Recipe.Model;
using Recipe.Runtime.Data;

namespace Recipe.Cli;

/// <summary>
/// The <c>recipe</c> command line, callable in-process: every verb writes to the writers it is
/// given and returns the exit code. Exit codes: 0 clean (warnings allowed), 1 the recipe has errors or a file cannot
/// be read, 2 usage. Every failure is one line on standard error, never a stack trace.
/// </summary>
public static class Cli
{
    /// <summary>Runs the command line with the console's writers (what <c>Program</c> does).</summary>
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error, stderrIsTerminal: !Console.IsErrorRedirected);

    /// <summary>Runs the command line with <paramref name="stdout"/> and <paramref name="stderr"/>; progress is shown only with <c>--progress</c>.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, stderrIsTerminal: false);

    /// <summary>Runs the command line; <paramref name="stderrIsTerminal"/> turns on the redrawn progress bars of long work.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool stderrIsTerminal)
    {
        ArgumentNullException.ThrowIfNull(args);
        var io = new CliIO(stdout, stderr, stderrIsTerminal);
        var root = new RootCommand("recipe: check, plan, scan, inspect, export and bench data-mixture recipes.")
        {
            CheckCommand(io),
            PlanCommand(io),
            ScanCommand(io),
            InspectCommand(io),
            ExportCommand(io),
            BenchCommand(io),
        };
        ParseResult result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) io.Error($"{OneLine(error.Message)} (see 'recipe --help')");
            return ExitCodes.Usage;
        }
        try
        {
            // No termination handling by the parser: export handles its own signals, the other verbs stop at once.
            return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (Exception e)
        {
            // Guard catches inside the verbs; this is the last line of defence (help rendering, cancellation).
            io.Error($"unexpected {e.GetType().Name}: {OneLine(e.Message)}");
            return ExitCodes.Errors;
        }
    }

    // A path that starts with '-' is an option the command does not know, not a file (write ./-name for such a file).
    private static T NoOptionLike<T>(T argument)
        where T : Argument
    {
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.StartsWith('-')) result.AddError($"Unrecognized option '{token.Value}'.");
            }
        });
        return argument;
    }

    private static Option<string> RecipeNameOption() => new("--recipe", "-r")
    {
        Description = "The recipe to use when R is a compiled assembly (*.dll) holding several.",
        HelpName = "name",
    };

    private static Option<string> DataOption() => new("--data", "-d")
    {
        Description = "The data root the recipe's source files are relative to.",
        Required = true,
        HelpName = "dir",
    };

    private static Option<bool> ShiftedOption() => new("--shifted") { Description = "Rows of L + 1 tokens (inputs and shifted targets), as the loader reads them with LoaderOptions.Shifted." };

    private static Option<bool> ProgressOption() => new("--progress")
    {
        Description = "Show progress on stderr even when it is not a terminal (one line per 10%).",
    };

    private static Command CheckCommand(CliIO io)
    {
        var files = NoOptionLike(new Argument<string[]>("recipes")
        {
            Description = "*.recipe.json files, or compiled assemblies (*.dll) whose recipes are read from metadata without running them.",
            Arity = ArgumentArity.OneOrMore,
        });
        var check = new Command("check", "Report the diagnostics of recipes (the same checks and messages as the build); exit 1 on any error.") { files };
        check.SetAction(parse => Guard(io, () =>
        {
            int exit = ExitCodes.Clean;
            foreach (string file in parse.GetValue(files)!)
            {
                exit = Math.Max(exit, RecipeFiles.IsAssembly(file) ? CheckAssembly(io, file) : CheckJson(io, file));
            }
            return exit;
        }));
        return check;
    }

    private static int CheckJson(CliIO io, string file)
    {
        RecipeFiles.Loaded loaded;
        try
        {
            loaded = RecipeFiles.Load(file);
        }
        catch (Exception e) when (IsFileProblem(e))
        {
            io.Error(Describe(e));
            return ExitCodes.Errors;
        }
        foreach (string problem in loaded.Problems) io.Err.WriteLine(problem);
        io.Out.WriteLine($"{Path.GetFileName(file)}: {Verdict(loaded)}");
        return loaded.Errors > 0 ? ExitCodes.Errors : ExitCodes.Clean;
    }

    private static int CheckAssembly(CliIO io, string file)
    {
        System.Collections.Generic.IReadOnlyList<RecipeFiles.Loaded> recipes;
        try
        {
            recipes = RecipeFiles.LoadAssembly(file);
        }
        catch (Exception e) when (IsFileProblem(e))
        {
            io.Error(Describe(e));
            return ExitCodes.Errors;
        }
        if (recipes.Count == 0)
        {
            io.Error($"{file}: no compiled recipes (the assembly has no [assembly: CompiledRecipe] attribute; is it the project that holds the recipes?)");
            return ExitCodes.Errors;
        }
        int nameWidth = Math.Min(32, recipes.Max(r => r.Name.Length));
        int exit = ExitCodes.Clean;
        foreach (var loaded in recipes)
        {
            foreach (string problem in loaded.Problems) io.Err.WriteLine(problem);
            io.Out.WriteLine($"{loaded.Name.PadRight(nameWidth)}  {loaded.Hash}  {Verdict(loaded)}");
            if (loaded.Errors > 0) exit = ExitCodes.Errors;
        }
        return exit;
    }

    // "ok", "ok (2 warnings)" or "3 errors, 1 warning".
    private static string Verdict(RecipeFiles.Loaded loaded) =>
        loaded.Errors > 0
            ? Count(loaded.Errors, "error") + (loaded.Warnings > 0 ? ", " + Count(loaded.Warnings, "warning") : "")
            : loaded.Warnings > 0 ? $"ok ({Count(loaded.Warnings, "warning")})" : "ok";

    private static Command PlanCommand(CliIO io)
    {
        var recipe = NoOptionLike(new Argument<string>("recipe") { Description = "A *.recipe.json file or a compiled assembly (*.dll)." });
        var format = new Option<string>("--format", "-f") { Description = "table, json or markdown.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "markdown");
        var name = RecipeNameOption();
        var plot = new Option<string[]>("--plot")
        {
            Description = "Also draw the schedule to FILE (.svg or .png; repeat for both): weights over training above, epochs used per source (tokens seen / declared tokens) against the maxEpochs limit below.",
            HelpName = "file",
            AllowMultipleArgumentsPerToken = false,
        };
        var plan = new Command("plan", "Tokens, share and epochs per source and phase, from the exact integral of the schedule.") { recipe, format, name, plot };
        plan.SetAction(parse => Guard(io, () =>
        {
            if (RecipeFiles.LoadOne(io, parse.GetValue(recipe)!, parse.GetValue(name)) is not { } loaded) return ExitCodes.Errors;
            string[] plots = parse.GetValue(plot) ?? Array.Empty<string>();
            foreach (string file in plots) PlotOutput.CheckPath(file);
            var recipePlan = RecipePlan.For(loaded);
            foreach (string file in plots) PlotOutput.Write(loaded, file);
            io.Out.Write(parse.GetValue(format) switch
            {
                "json" => PlanOutput.Json(recipePlan),
                "markdown" => PlanOutput.Markdown(recipePlan),
                _ => PlanOutput.Table(recipePlan),
            });
            return ExitCodes.Clean;
        }));
        return plan;
    }

    private static Command ScanCommand(CliIO io)
    {
        var folder = NoOptionLike(new Argument<string>("dir") { Description = "The data root: each immediate subfolder is one source, named after it." });
        var output = new Option<string?>("--output", "-o") { Description = "The manifest to write (default DIR/data.sources.json).", HelpName = "file" };
        var rawDType = new Option<string>("--raw-dtype")
        {
            Description = "The token type of headerless .bin files (a raw array has no header to tell): uint16 or uint32.",
            DefaultValueFactory = _ => ShardFormats.RawUInt16,
        };
        rawDType.AcceptOnlyFromAmong(ShardFormats.RawUInt16, ShardFormats.RawUInt32);
        var progress = ProgressOption();
        var scan = new Command("scan",
            "Count tokens and documents in the shards under DIR (*.bin, *.npy, Megatron .bin+.idx; formats detected from headers) " +
            "and write the *.sources.json manifest the build checks recipes against (RCP013).")
        {
            folder, output, rawDType, progress,
        };
        scan.SetAction(parse => Guard(io, () => Scanner.Run(
            io,
            parse.GetValue(folder)!,
            parse.GetValue(output),
            parse.GetValue(rawDType) == ShardFormats.RawUInt32 ? TokenDType.UInt32 : TokenDType.UInt16,
            parse.GetValue(progress))));
        return scan;
    }

    private static Command InspectCommand(CliIO io)
    {
        var recipe = NoOptionLike(new Argument<string>("recipe") { Description = "A *.recipe.json file or a compiled assembly (*.dll)." });
        var data = DataOption();
        var perSource = new Option<int>("--per-source", "-n") { Description = "Random samples to show of each source.", DefaultValueFactory = _ => 3 };
        var tokenizer = new Option<string>("--tokenizer", "-t")
        {
            Description = "A tiktoken encoding (gpt2 and r50k_base are one vocabulary), ids, or auto: per source, the encoding " +
                "that holds every id, suits the dtype and re-encodes the decoded text to the same ids; ids when none fits.",
            DefaultValueFactory = _ => "auto",
        };
        tokenizer.AcceptOnlyFromAmong(Vocabularies.Names);
        var seed = new Option<long>("--seed") { Description = "Picks which samples are shown (the same seed shows the same samples).", DefaultValueFactory = _ => 0 };
        var source = new Option<string[]>("--source", "-s") { Description = "Only this source (repeat for several).", HelpName = "name", AllowMultipleArgumentsPerToken = false };
        var sample = new Option<long[]>("--sample")
        {
            Description = "Show global sample I of the run (repeat for several) instead of random samples of each source.",
            HelpName = "i",
            AllowMultipleArgumentsPerToken = false,
        };
        var maxChars = new Option<int>("--max-chars", "-c") { Description = "Characters of each sample to print.", DefaultValueFactory = _ => 600, HelpName = "c" };
        var shifted = ShiftedOption();
        var format = new Option<string>("--format", "-f") { Description = "text or json (every token, the full text, document starts).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var name = RecipeNameOption();
        var progress = ProgressOption();
        var inspect = new Command("inspect",
            "Decode samples of each source as the run reads them (source, sample, epoch, sequence, file and offset), so you can look at your data.")
        {
            recipe, data, perSource, tokenizer, seed, source, sample, maxChars, shifted, format, name, progress,
        };
        inspect.SetAction(parse => Guard(io, () =>
        {
            if (RecipeFiles.LoadOne(io, parse.GetValue(recipe)!, parse.GetValue(name)) is not { } loaded) return ExitCodes.Errors;
            return Inspector.Run(io, loaded, new InspectOptions(
                parse.GetValue(data)!,
                parse.GetValue(perSource),
                parse.GetValue(tokenizer)!,
                parse.GetValue(seed),
                parse.GetValue(source) ?? Array.Empty<string>(),
                parse.GetValue(sample) ?? Array.Empty<long>(),
                parse.GetValue(maxChars),
                parse.GetValue(shifted),
                parse.GetValue(format) == "json",
                parse.GetValue(progress)));
        }));
        return inspect;
    }

    private static Command ExportCommand(CliIO io)
    {
        var recipe = NoOptionLike(new Argument<string>("recipe") { Description = "A *.recipe.json file or a compiled assembly (*.dll)." });
        var output = new Option<string>("--output", "-o") { Description = "The folder to write dataset_index.npy, dataset_sample_index.npy and description.json to.", Required = true, HelpName = "dir" };
        var name = RecipeNameOption();
        var progress = ProgressOption();
        var export = new Command("export",
            "Write the sample->source plan of the whole run as .npy arrays in Megatron's blend-index layout, for trainers that are not .NET.")
        {
            recipe, output, name, progress,
        };
        export.SetAction(parse => Guard(io, () =>
        {
            if (RecipeFiles.LoadOne(io, parse.GetValue(recipe)!, parse.GetValue(name)) is not { } loaded) return ExitCodes.Errors;
            return Exporter.Run(io, loaded, parse.GetValue(output)!, parse.GetValue(progress));
        }));
        return export;
    }

    private static Command BenchCommand(CliIO io)
    {
        var recipe = NoOptionLike(new Argument<string>("recipe") { Description = "A *.recipe.json file or a compiled assembly (*.dll)." });
        var data = DataOption();
        var batchSize = new Option<int>("--batch-size", "-b") { Description = "Rows per batch.", DefaultValueFactory = _ => 8 };
        var batches = new Option<int>("--batches", "-n") { Description = "Batches to time (after a short warm-up).", DefaultValueFactory = _ => 200 };
        var shifted = ShiftedOption();
        var name = RecipeNameOption();
        var progress = ProgressOption();
        var bench = new Command("bench", "Loader throughput on your own shards, synchronous and prefetched, against a memcpy of the same bytes from the same mapped shards in the same run.")
        {
            recipe, data, batchSize, batches, shifted, name, progress,
        };
        bench.SetAction(parse => Guard(io, () =>
        {
            if (RecipeFiles.LoadOne(io, parse.GetValue(recipe)!, parse.GetValue(name)) is not { } loaded) return ExitCodes.Errors;
            return Bench.Run(io, loaded, parse.GetValue(data)!, parse.GetValue(batchSize), parse.GetValue(batches), parse.GetValue(shifted), parse.GetValue(progress));
        }));
        return bench;
    }

    /// <summary>One clear line instead of a stack trace, whatever goes wrong.</summary>
    private static int Guard(CliIO io, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (UsageException e)
        {
            io.Error(OneLine(e.Message));
            return ExitCodes.Usage;
        }
        catch (Exception e) when (IsFileProblem(e))
        {
            io.Error(Describe(e));
            return ExitCodes.Errors;
        }
        catch (Exception e)
        {
            io.Error($"unexpected {e.GetType().Name}: {OneLine(e.Message)}");
            return ExitCodes.Errors;
        }
    }

    internal static bool IsFileProblem(Exception e) =>
        e is IOException or UnauthorizedAccessException or InvalidDataException or BadImageFormatException or CliException;

    /// <summary>The message of a file problem as one line, with the file named where .NET's message leaves it out.</summary>
    internal static string Describe(Exception e) => e switch
    {
        FileNotFoundException { FileName: { } file } => $"{file}: no such file",
        DirectoryNotFoundException => OneLine(e.Message),
        UnauthorizedAccessException => $"{OneLine(e.Message)} (permission denied)",
        _ => OneLine(e.Message),
    };

    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    internal static string Count(long count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";
}

/// <summary>The exit codes of every verb.</summary>
internal static class ExitCodes
{
    public const int Clean = 0;
    public const int Errors = 1;
    public const int Usage = 2;
}

/// <summary>Where a verb writes: results on <see cref="Out"/>; diagnostics, errors and progress on <see cref="Err"/>.</summary>
internal sealed record CliIO(TextWriter Out, TextWriter Err, bool ErrIsTerminal)
{
    /// <summary>An error as the single line <c>recipe: message</c>.</summary>
    public void Error(string message) => Err.WriteLine($"recipe: {message}");

    public void Warning(string message) => Err.WriteLine($"recipe: warning: {message}");

    /// <summary>Progress for long work: redrawn on a terminal, a line per 10% with <c>--progress</c>, else nothing.</summary>
    public ProgressBar Progress(string label, long total, bool requested, Func<long, string>? format = null) =>
        new(Err, label, total, ErrIsTerminal ? ProgressMode.Redraw : requested ? ProgressMode.Lines : ProgressMode.Off, format);
}

/// <summary>A problem with the user's input files that is reported as one line with exit code 1.</summary>
internal sealed class CliException(string message) : Exception(message);

/// <summary>A command line that cannot be acted on (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
