using System;
using System.Collections.Generic;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Recipe.Generator.Tests;

/// <summary>
/// Walks an object graph through every instance field (public or not, so auto-property backing fields too) and
/// every array element, and records where it finds a compiler object that an incremental pipeline value must not
/// hold: it would keep a whole compilation alive and defeat caching.
/// </summary>
public sealed class ObjectGraph
{
    /// <summary>Types no pipeline value may hold (Location included: diagnostics travel as plain spans).</summary>
    public static readonly Type[] ForbiddenTypes =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SemanticModel), typeof(Compilation), typeof(Location),
    };

    private const int MaxObjects = 1_000_000;
    private readonly HashSet<object> _visited = new(ReferenceEqualityComparer.Instance);

    /// <summary>"path: type" for each forbidden object found.</summary>
    public List<string> Forbidden { get; } = new();

    /// <summary>Every runtime type the walk reached.</summary>
    public HashSet<Type> TypesSeen { get; } = new();

    public void Walk(object? root, string rootPath)
    {
        var pending = new Stack<(object Value, string Path)>();
        if (root is not null) pending.Push((root, rootPath));
        while (pending.Count > 0)
        {
            var (value, path) = pending.Pop();
            var type = value.GetType();
            TypesSeen.Add(type);
            foreach (var forbidden in ForbiddenTypes)
            {
                if (forbidden.IsAssignableFrom(type))
                {
                    Forbidden.Add($"{path}: {type.FullName} (a {forbidden.Name})");
                }
            }
            if (type.IsPrimitive || type.IsEnum || value is string || value is decimal || value is Type || value is Pointer) continue;
            if (!type.IsValueType && !_visited.Add(value)) continue;
            if (_visited.Count > MaxObjects) throw new InvalidOperationException($"more than {MaxObjects} objects under {rootPath}: the walk is lost");

            if (value is Array array)
            {
                if (type.GetElementType() is { } element && (element.IsPrimitive || element.IsEnum)) continue;
                int index = 0;
                foreach (object? item in array)
                {
                    if (item is not null) pending.Push((item, $"{path}[{index}]"));
                    index++;
                }
                continue;
            }

            for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
            {
                foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (field.FieldType.IsPointer || field.FieldType.IsByRef || field.FieldType.IsByRefLike) continue;
                    if (field.GetValue(value) is { } child) pending.Push((child, $"{path}.{field.Name}"));
                }
            }
        }
    }
}
