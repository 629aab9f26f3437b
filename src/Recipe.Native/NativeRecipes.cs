using System;
using System.Collections.Generic;
using Recipe.Runtime;

namespace Recipe.Native;

/// <summary>
/// The recipes compiled into a native library. The generator emits, into a recipe project that sets
/// <c>RecipeNativeLibrary</c>, a module initializer that registers each compiled recipe's kernel here: the C ABI reads
/// this table and never looks for recipes by reflection, which NativeAOT's trimming would break.
/// </summary>
public static class NativeRecipes
{
    private static readonly object Gate = new();
    private static readonly List<Entry> Entries = new();

    /// <summary>Adds the compiled recipe whose kernel is <typeparamref name="TKernel"/>; a second registration of one name is ignored.</summary>
    public static void Register<TKernel>() where TKernel : IRecipeKernel
    {
        lock (Gate)
        {
            foreach (var entry in Entries)
            {
                if (entry.Name == TKernel.Name) return;
            }
            Entries.Add(new Entry(TKernel.Name, new Lazy<NativeRecipe>(NativeRecipe.FromKernel<TKernel>)));
        }
    }

    /// <summary>The names of the registered recipes, in registration order.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (Gate)
            {
                var names = new List<string>(Entries.Count);
                foreach (var entry in Entries) names.Add(entry.Name);
                return names;
            }
        }
    }

    /// <summary>The compiled recipe named <paramref name="name"/>, or null.</summary>
    internal static NativeRecipe? Find(string name)
    {
        lock (Gate)
        {
            foreach (var entry in Entries)
            {
                if (entry.Name == name) return entry.Recipe.Value;
            }
            return null;
        }
    }

    private sealed record Entry(string Name, Lazy<NativeRecipe> Recipe);
}
