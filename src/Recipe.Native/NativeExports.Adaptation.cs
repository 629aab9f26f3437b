using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text.Json;
using Recipe.Runtime;
using Recipe.Runtime.Adaptation;

namespace Recipe.Native;

/// <summary>
/// The C ABI of online mixture adaptation (<see cref="MixAdapter"/>): an adapter over a chain folder, fed per batch,
/// asked after each step whether a decision is due (with this process's statistics, which the caller sums over its
/// ranks) and then to decide from the summed statistics; and a loader switched to each new link.
/// </summary>
public static unsafe partial class NativeExports
{
    /// <summary>
    /// Opens a mix adapter of the recipe (link 0) over the chain folder <paramref name="chainDirectory"/>, with
    /// <paramref name="optionsJson"/>: <c>{"policy": "odm" | "manual", "everySamples", "lagSamples", "floor",
    /// "ceiling", "writesLinks", "smoothing", "rewardScale"}</c> (all but everySamples optional).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_adapter_open")]
    public static int AdapterOpen(long recipeHandle, byte* chainDirectory, byte* optionsJson, long* handle)
    {
        try
        {
            var recipe = Get<NativeRecipe>(recipeHandle).Compiled;
            string folder = ReadText(chainDirectory, "chain folder");
            using var options = JsonDocument.Parse(ReadText(optionsJson, "adapter options"));
            var root = options.RootElement;
            string policyName = Text(root, "policy") ?? "odm";
            IMixPolicy policy = policyName switch
            {
                "odm" => new OdmPolicy(recipe.SourceCount, Number(root, "smoothing") ?? 0.9, Number(root, "rewardScale") ?? 1.0),
                "manual" => new ManualPolicy(),
                _ => throw new ArgumentException($"unknown policy '{policyName}'; the policies are odm and manual"),
            };
            long every = (long)(Number(root, "everySamples") ?? throw new ArgumentException("the adapter options need \"everySamples\", the global samples between decisions"));
            var adapter = new MixAdapter(recipe, folder, policy, new MixAdapterOptions
            {
                EverySamples = every,
                LagSamples = (long)(Number(root, "lagSamples") ?? 0),
                Limits = new MixLimits(Number(root, "floor") ?? 0, Number(root, "ceiling") ?? double.PositiveInfinity),
                WritesLinks = !root.TryGetProperty("writesLinks", out var writes) || writes.ValueKind != JsonValueKind.False,
            });
            *handle = Add(adapter);
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>Adds <paramref name="count"/> rows: source ids (int32) and per-row losses (float32).</summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_adapter_update")]
    public static int AdapterUpdate(long adapterHandle, int* sourceIds, float* losses, long count)
    {
        try
        {
            var adapter = Get<MixAdapter>(adapterHandle);
            if (count < 0 || count > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be in [0, 2^31)");
            lock (adapter) adapter.Update(new ReadOnlySpan<int>(sourceIds, (int)count), new ReadOnlySpan<float>(losses, (int)count));
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>
    /// Whether a decision is due after the step ending before <paramref name="nextSample"/> (<paramref name="due"/> 0 or
    /// 1), and this process's window statistics in <paramref name="sums"/> (2·K doubles: loss sums, then rows).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_adapter_window")]
    public static int AdapterWindow(long adapterHandle, long nextSample, double* sums, long capacity, int* due)
    {
        try
        {
            var adapter = Get<MixAdapter>(adapterHandle);
            lock (adapter)
            {
                var window = adapter.WindowSums();
                if (capacity < window.Length) throw new ArgumentException($"the statistics are {window.Length} numbers; the buffer holds {capacity}");
                window.CopyTo(new Span<double>(sums, window.Length));
                *due = adapter.IsDue(nextSample) ? 1 : 0;
            }
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>
    /// Decides at <paramref name="nextSample"/> from the statistics summed over all ranks and writes (or, on a rank
    /// that does not write, waits for and checks) the link: <c>{"number", "decidedAt", "switchSample", "path", "hash",
    /// "statistics": [{"name", "meanLoss", "samples", "weight"}], "proposed", "weights", "clips", "log"}</c> (a source the
    /// window did not see has a null meanLoss).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_adapter_decide")]
    public static int AdapterDecide(long adapterHandle, long nextSample, double* sums, long count, byte* buffer, long capacity, long* length)
    {
        try
        {
            var adapter = Get<MixAdapter>(adapterHandle);
            string json;
            lock (adapter)
            {
                var decision = adapter.Decide(nextSample, new ReadOnlySpan<double>(sums, checked((int)count)).ToArray());
                json = Json(writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("number", decision.Number);
                    writer.WriteNumber("decidedAt", decision.DecidedAt);
                    writer.WriteNumber("switchSample", decision.SwitchSample);
                    writer.WriteString("path", decision.Path);
                    writer.WriteString("hash", decision.Recipe.Hash);
                    writer.WriteStartArray("statistics");
                    foreach (var source in decision.Statistics)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("name", source.Name);
                        if (double.IsFinite(source.MeanLoss)) writer.WriteNumber("meanLoss", source.MeanLoss);
                        else writer.WriteNull("meanLoss");
                        writer.WriteNumber("samples", source.Samples);
                        writer.WriteNumber("weight", source.Weight);
                        writer.WriteEndObject();
                    }
                    writer.WriteEndArray();
                    Numbers(writer, "proposed", decision.Proposed);
                    Numbers(writer, "weights", decision.Weights);
                    writer.WriteStartArray("clips");
                    foreach (string clip in decision.Clips) writer.WriteStringValue(clip);
                    writer.WriteEndArray();
                    writer.WriteString("log", decision.ToString());
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

    /// <summary>The weights the manual policy proposes at the next decision (<paramref name="count"/> doubles, one per source).</summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_adapter_set_weights")]
    public static int AdapterSetWeights(long adapterHandle, double* weights, long count)
    {
        try
        {
            var adapter = Get<MixAdapter>(adapterHandle);
            lock (adapter)
            {
                if (adapter.Policy is not ManualPolicy manual) throw new InvalidOperationException($"the adapter's policy is '{adapter.Policy.Name}'; weights are set only for the manual policy");
                manual.Set(new ReadOnlySpan<double>(weights, checked((int)count)).ToArray());
            }
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>
    /// <c>{"decisions", "current": path of the latest link, "hash", "linkPaths": [...], "state": the adapter state}</c>:
    /// where the chain stands and what a checkpoint saves.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_adapter_info_json")]
    public static int AdapterInfoJson(long adapterHandle, byte* buffer, long capacity, long* length)
    {
        try
        {
            var adapter = Get<MixAdapter>(adapterHandle);
            string json;
            lock (adapter)
            {
                json = Json(writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("decisions", adapter.Decisions);
                    writer.WriteString("current", adapter.LinkPath(adapter.Decisions));
                    writer.WriteString("hash", adapter.Current.Hash);
                    writer.WriteString("state", adapter.SaveState());
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

    /// <summary>Takes the chain up at a checkpoint's adapter state (links decided after it are moved aside).</summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_adapter_restore")]
    public static int AdapterRestore(long adapterHandle, byte* state)
    {
        try
        {
            var adapter = Get<MixAdapter>(adapterHandle);
            string json = ReadText(state, "adapter state");
            lock (adapter) adapter.Restore(json);
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    /// <summary>
    /// Switches the loader to the recipe, a continuation of the one it reads (a link of its chain), from its next step;
    /// refused when the loader has filled a step past the switch.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "recipe_loader_switch")]
    public static int LoaderSwitch(long loaderHandle, long recipeHandle)
    {
        try
        {
            var loader = Get<NativeLoader>(loaderHandle);
            var recipe = Get<NativeRecipe>(recipeHandle).Compiled;
            lock (loader) loader.SwitchTo(recipe);
            return Ok();
        }
        catch (Exception e)
        {
            return Fail(e);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() : null;

    private static double? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetDouble() : null;

    private static void Numbers(Utf8JsonWriter writer, string name, IReadOnlyList<double> values)
    {
        writer.WriteStartArray(name);
        foreach (double value in values) writer.WriteNumberValue(value);
        writer.WriteEndArray();
    }
}
