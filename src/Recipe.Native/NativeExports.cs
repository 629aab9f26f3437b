using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Recipe.Runtime.Adaptation;

namespace Recipe.Native;

/// <summary>
/// The C ABI of a recipe library (see README.md, "The C ABI"). Conventions, the same for every function:
/// <list type="bullet">
/// <item>Each returns a status (<see cref="Status"/>); on anything but <see cref="Status.Ok"/>,
/// <c>recipe_last_error</c> gives the message of this thread's last failure. No exception crosses: every body is
/// wrapped.</item>
/// <item>Recipes, loaders and monitors are handles (positive 64-bit integers) released with <c>recipe_release</c>;
/// no pointer into managed memory is handed out.</item>
/// <item>Buffers belong to the caller. Text comes back as UTF-8 JSON through (buffer, capacity, length): the full
/// length in bytes is always written to <c>*length</c>, and the text with a terminating NUL when it fits, else
/// <see cref="Status.BufferTooSmall"/>.</item>
/// </list>
/// </summary>
public static unsafe partial class NativeExports
{
    /// <summary>The version of this ABI; a caller refuses a library of another version.</summary>
    public const int AbiVersion = 3;

    /// <summary>The status every function returns.</summary>
    public enum Status
    {
        /// <summary>Success.</summary>
        Ok = 0,

        /// <summary>The call failed; <c>recipe_last_error</c> says why.</summary>
        Error = 1,

        /// <summary>No compiled recipe has that name.</summary>
        NotFound = 2,

        /// <summary>The text did not fit; <c>*length</c> holds the bytes it needs (without the NUL).</summary>
        BufferTooSmall = 3,

        /// <summary>The handle is not open, or not of the kind the function takes.</summary>
        InvalidHandle = 4,
    }

    [ThreadStatic]
    private static string? t_lastError;

    private static readonly object HandleGate = new();
    private static readonly Dictionary<long, object> Handles = new();
    private static long s_nextHandle;

    /// <summary>The ABI version (<see cref="AbiVersion"/>).</summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_abi_version")]
    public static int AbiVersionExport() => AbiVersion;

    /// <summary>The message of this thread's last failure, as UTF-8 text.</summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_last_error")]
    public static int LastError(byte* buffer, long capacity, long* length)
    {
        try
        {
            return (int)WriteText(t_lastError ?? "", buffer, capacity, length);
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary><c>{"abi": 1, "recipes": ["name", ...]}</c>: the recipes compiled into this library.</summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_library_json")]
    public static int LibraryJson(byte* buffer, long capacity, long* length)
    {
        try
        {
            string json = Json(writer =>
            {
                writer.WriteStartObject();
                writer.WriteNumber("abi", AbiVersion);
                writer.WriteStartArray("recipes");
                foreach (string name in NativeRecipes.Names) writer.WriteStringValue(name);
                writer.WriteEndArray();
                writer.WriteEndObject();
            });
            return (int)WriteText(json, buffer, capacity, length);
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>Opens the compiled recipe <paramref name="name"/> (UTF-8, NUL-terminated).</summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_open")]
    public static int Open(byte* name, long* handle)
    {
        try
        {
            string text = ReadText(name, "recipe name");
            var recipe = NativeRecipes.Find(text);
            if (recipe is null)
            {
                var names = NativeRecipes.Names;
                string available = names.Count == 0 ? "it holds none: a generic library reads JSON recipes (recipe_open_json; from_json in Python)" : "it holds " + string.Join(", ", names);
                return Fail(Status.NotFound, $"no compiled recipe '{text}' in this library; {available}");
            }
            *handle = Add(recipe);
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>Reads and checks the JSON recipe at <paramref name="path"/>; errors name the file, line and rule (RCP id).</summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_open_json")]
    public static int OpenJson(byte* path, long* handle)
    {
        try
        {
            *handle = Add(NativeRecipe.FromJsonFile(ReadText(path, "recipe path")));
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>
    /// The recipe's metadata: <c>{"name", "hash", "sources": [{"name", "tokens"}], "sequenceLength", "samples",
    /// "totalTokens", "seed"}</c>.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_info_json")]
    public static int InfoJson(long recipeHandle, byte* buffer, long capacity, long* length)
    {
        try
        {
            var recipe = Get<NativeRecipe>(recipeHandle);
            string json = Json(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("name", recipe.Name);
                writer.WriteString("hash", recipe.Hash);
                writer.WriteStartArray("sources");
                int k = 0;
                foreach (string name in recipe.SourceNames)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", name);
                    writer.WriteNumber("tokens", recipe.DeclaredTokens(k++));
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteNumber("sequenceLength", recipe.SequenceLength);
                writer.WriteNumber("samples", recipe.Samples);
                writer.WriteNumber("totalTokens", recipe.TotalTokens);
                writer.WriteNumber("seed", recipe.Seed);
                writer.WriteEndObject();
            });
            return (int)WriteText(json, buffer, capacity, length);
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>w(t): writes one weight per source into <paramref name="weights"/> (<paramref name="count"/> doubles).</summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_weights")]
    public static int Weights(long recipeHandle, long token, double* weights, int count)
    {
        try
        {
            var recipe = Get<NativeRecipe>(recipeHandle);
            if (count != recipe.SourceCount) throw new ArgumentException($"recipe '{recipe.Name}' has {recipe.SourceCount} sources; the buffer holds {count} weights");
            if (token < 0) throw new ArgumentOutOfRangeException(nameof(token), token, "a token position is 0 or more");
            recipe.Weights(token, new Span<double>(weights, count));
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>
    /// The plan of samples [start, start + count): source index (int16, declaration order) and ordinal within the source
    /// (int64), the arrays <c>recipe export</c> writes.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_plan")]
    public static int Plan(long recipeHandle, long start, long count, short* sources, long* ordinals)
    {
        try
        {
            var recipe = Get<NativeRecipe>(recipeHandle);
            if (count < 0 || count > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be in [0, 2^31)");
            recipe.Plan(start, new Span<short>(sources, (int)count), new Span<long>(ordinals, (int)count));
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>
    /// Opens a loader of the recipe over the sources under <paramref name="dataRoot"/>: rows per rank from the batch-size
    /// schedule of <paramref name="changes"/> (start sample, rows per rank) pairs (one pair (0, B) for a fixed size B),
    /// rank <paramref name="rank"/> of <paramref name="worldSize"/>, rows of L + 1 tokens when
    /// <paramref name="shifted"/> is non-zero. It maps the shards and checks them against the recipe.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_loader_open")]
    public static int LoaderOpen(long recipeHandle, byte* dataRoot, long* starts, int* rowsPerRank, int changes, int rank, int worldSize, int shifted, long* handle)
    {
        try
        {
            var recipe = Get<NativeRecipe>(recipeHandle);
            string root = ReadText(dataRoot, "data root");
            if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"data root {root}: no such folder");
            if (changes < 1 || starts is null || rowsPerRank is null) throw new ArgumentException($"A batch-size schedule needs at least one (start sample, rows per rank) entry, not {changes}.");
            var schedule = new Recipe.Runtime.Loading.BatchSizeChange[changes];
            for (int i = 0; i < changes; i++) schedule[i] = new(starts[i], rowsPerRank[i]);
            *handle = Add(recipe.OpenLoader(root, new LoaderSettings(Recipe.Runtime.Loading.BatchSizeSchedule.Ramp(schedule), rank, worldSize, shifted != 0)));
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>
    /// <c>{"steps", "rows", "width", "globalBatchSize", "state", "warnings"}</c>: batches in the run, rows per batch on this
    /// rank, tokens per row, rows per step on all ranks, the resume state at step 0 (checkpoint JSON) and the
    /// source checks' warnings.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_loader_info_json")]
    public static int LoaderInfoJson(long loaderHandle, byte* buffer, long capacity, long* length)
    {
        try
        {
            var loader = Get<NativeLoader>(loaderHandle);
            string json;
            lock (loader)
            {
                json = Json(writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("steps", loader.Steps);
                    writer.WriteNumber("rows", loader.BatchSize);
                    writer.WriteNumber("width", loader.Width);
                    writer.WriteNumber("globalBatchSize", loader.GlobalBatchSize);
                    writer.WriteString("state", loader.StateJson(0));
                    writer.WriteString("warnings", loader.Warnings);
                    writer.WriteEndObject();
                });
            }
            return (int)WriteText(json, buffer, capacity, length);
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>
    /// Writes batch <paramref name="step"/> of this rank: <paramref name="tokens"/> (rows × width int32, row-major),
    /// <paramref name="sourceIds"/> (rows int32) and <paramref name="ordinals"/> (rows int64).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_loader_fill")]
    public static int LoaderFill(long loaderHandle, long step, int* tokens, int* sourceIds, long* ordinals)
    {
        try
        {
            var loader = Get<NativeLoader>(loaderHandle);
            lock (loader)
            {
                int rows = loader.StepAt(step).Rows;
                loader.Fill(step, new Span<int>(tokens, checked(rows * loader.Width)), new Span<int>(sourceIds, rows), new Span<long>(ordinals, rows));
            }
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>Step <paramref name="step"/> of the loader: its first global sample (of all ranks) and this rank's rows.</summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_loader_step")]
    public static int LoaderStep(long loaderHandle, long step, long* firstSample, int* rows)
    {
        try
        {
            var loader = Get<NativeLoader>(loaderHandle);
            lock (loader)
            {
                var span = loader.StepAt(step);
                *firstSample = span.FirstSample;
                *rows = span.Rows;
            }
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>The step that follows the checkpoint JSON <paramref name="state"/> (refused for another recipe, stream or batch size).</summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_loader_restore")]
    public static int LoaderRestore(long loaderHandle, byte* state, long* step)
    {
        try
        {
            var loader = Get<NativeLoader>(loaderHandle);
            string json = ReadText(state, "loader state");
            lock (loader) *step = loader.StepAfter(json);
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>Opens a mix monitor over the recipe's sources.</summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_monitor_open")]
    public static int MonitorOpen(long recipeHandle, long* handle)
    {
        try
        {
            *handle = Add(Get<NativeRecipe>(recipeHandle).CreateMonitor());
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>Records <paramref name="count"/> rows: source ids (int32) and per-row losses (float32).</summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_monitor_update")]
    public static int MonitorUpdate(long monitorHandle, int* sourceIds, float* losses, long count)
    {
        try
        {
            var monitor = Get<NativeMonitor>(monitorHandle);
            if (count < 0 || count > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be in [0, 2^31)");
            lock (monitor) monitor.Update(new ReadOnlySpan<int>(sourceIds, (int)count), new ReadOnlySpan<float>(losses, (int)count));
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary><c>{"source": {"emaLoss", "samples", "verdict", "action", "lossChangePercent"}}</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_monitor_report_json")]
    public static int MonitorReportJson(long monitorHandle, byte* buffer, long capacity, long* length)
    {
        try
        {
            var monitor = Get<NativeMonitor>(monitorHandle);
            string json;
            lock (monitor) json = Json(monitor.WriteReport);
            return (int)WriteText(json, buffer, capacity, length);
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>Releases a handle of any kind (a loader unmaps its sources); releasing a released handle is an error.</summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_release")]
    public static int Release(long handle)
    {
        try
        {
            object? value;
            lock (HandleGate)
            {
                if (!Handles.Remove(handle, out value)) return Fail(Status.InvalidHandle, $"handle {handle} is not open");
            }
            if (value is IDisposable disposable)
            {
                lock (value) disposable.Dispose();
            }
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    private static long Add(object value)
    {
        lock (HandleGate)
        {
            long handle = ++s_nextHandle;
            Handles.Add(handle, value);
            return handle;
        }
    }

    private static T Get<T>(long handle) where T : class
    {
        lock (HandleGate)
        {
            if (Handles.TryGetValue(handle, out var value) && value is T typed) return typed;
        }
        string kind = typeof(T) == typeof(NativeRecipe) ? "recipe" : typeof(T) == typeof(NativeLoader) ? "loader" : typeof(T) == typeof(MixAdapter) ? "mix adapter" : "monitor";
        throw new HandleException($"handle {handle} is not an open {kind}");
    }

    private static int Ok()
    {
        t_lastError = null;
        return (int)Status.Ok;
    }

    private static int Fail(Status status, string message)
    {
        t_lastError = message;
        return (int)status;
    }

    private static int Fail(Exception e) => e switch
    {
        HandleException => Fail(Status.InvalidHandle, e.Message),
        // A source check lists every finding on its own line; the others are one sentence.
        _ => Fail(Status.Error, e.Message),
    };

    private static string ReadText(byte* text, string what)
    {
        if (text == null) throw new ArgumentNullException(what, $"no {what} given (a null pointer)");
        return Marshal.PtrToStringUTF8((nint)text) ?? "";
    }

    private static Status WriteText(string text, byte* buffer, long capacity, long* length)
    {
        int bytes = Encoding.UTF8.GetByteCount(text);
        *length = bytes;
        if (buffer == null || capacity < bytes + 1L) return Status.BufferTooSmall;
        var destination = new Span<byte>(buffer, bytes + 1);
        Encoding.UTF8.GetBytes(text, destination);
        destination[bytes] = 0;
        return Status.Ok;
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output)) write(writer);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private sealed class HandleException(string message) : Exception(message);
}
