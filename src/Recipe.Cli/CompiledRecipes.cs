using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Recipe.Cli;

/// <summary>
/// Lists the recipes compiled into an assembly from its assembly-level <c>[CompiledRecipe(typeof(T), name, hash,
/// canonicalJson)]</c> attributes, read as metadata (System.Reflection.Metadata): the assembly is never loaded, so
/// no user code runs and its dependencies need not be present.
/// </summary>
internal static class CompiledRecipes
{
    private const string AttributeNamespace = "Recipe.Runtime";
    private const string AttributeName = "CompiledRecipeAttribute";

    /// <summary>One registry entry.</summary>
    /// <param name="Type">The recipe class, as its serialized type name.</param>
    /// <param name="Name">The recipe's name.</param>
    /// <param name="Hash">The content hash the generator computed.</param>
    /// <param name="CanonicalJson">The recipe in canonical JSON.</param>
    internal sealed record Entry(string Type, string Name, string Hash, string CanonicalJson);

    /// <summary>The registry of <paramref name="path"/>, in metadata order.</summary>
    /// <exception cref="CliException">The file is not a .NET assembly, or an attribute cannot be decoded.</exception>
    public static IReadOnlyList<Entry> Read(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata) throw new CliException($"{path}: not a .NET assembly (the file has no CLI metadata)");
            MetadataReader reader = pe.GetMetadataReader();
            if (!reader.IsAssembly) throw new CliException($"{path}: a module without an assembly manifest, not an assembly");
            var entries = new List<Entry>();
            foreach (CustomAttributeHandle handle in reader.GetAssemblyDefinition().GetCustomAttributes())
            {
                CustomAttribute attribute = reader.GetCustomAttribute(handle);
                if (!IsCompiledRecipe(reader, attribute)) continue;
                CustomAttributeValue<string> value = attribute.DecodeValue(TypeNames.Instance);
                ImmutableArray<CustomAttributeTypedArgument<string>> args = value.FixedArguments;
                if (args.Length != 4 || args[1].Value is not string name || args[2].Value is not string hash || args[3].Value is not string json)
                {
                    throw new CliException($"{path}: a CompiledRecipe attribute has {args.Length} arguments, not (Type, name, hash, canonicalJson); the assembly was built by a different generator version");
                }
                entries.Add(new Entry(args[0].Value as string ?? "?", name, hash, json));
            }
            return entries;
        }
        catch (BadImageFormatException e)
        {
            throw new CliException($"{path}: not a readable .NET assembly ({Cli.OneLine(e.Message)})");
        }
    }

    private static bool IsCompiledRecipe(MetadataReader reader, CustomAttribute attribute)
    {
        switch (attribute.Constructor.Kind)
        {
            case HandleKind.MemberReference:
                MemberReference member = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
                if (member.Parent.Kind == HandleKind.TypeReference)
                {
                    TypeReference type = reader.GetTypeReference((TypeReferenceHandle)member.Parent);
                    return reader.StringComparer.Equals(type.Namespace, AttributeNamespace) && reader.StringComparer.Equals(type.Name, AttributeName);
                }
                if (member.Parent.Kind == HandleKind.TypeDefinition)
                {
                    return IsAttributeType(reader, (TypeDefinitionHandle)member.Parent);
                }
                return false;
            case HandleKind.MethodDefinition:
                // The attribute defined in the assembly itself (Recipe.Runtime's own metadata).
                MethodDefinition method = reader.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor);
                return IsAttributeType(reader, method.GetDeclaringType());
            default:
                return false;
        }
    }

    private static bool IsAttributeType(MetadataReader reader, TypeDefinitionHandle handle)
    {
        TypeDefinition type = reader.GetTypeDefinition(handle);
        return reader.StringComparer.Equals(type.Namespace, AttributeNamespace) && reader.StringComparer.Equals(type.Name, AttributeName);
    }

    /// <summary>Types as their full names: all a CompiledRecipe attribute needs (strings and one System.Type).</summary>
    private sealed class TypeNames : ICustomAttributeTypeProvider<string>
    {
        public static readonly TypeNames Instance = new();

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSystemType() => "System.Type";

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            TypeDefinition type = reader.GetTypeDefinition(handle);
            string name = reader.GetString(type.Name);
            string ns = reader.GetString(type.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            TypeReference type = reader.GetTypeReference(handle);
            string name = reader.GetString(type.Name);
            string ns = reader.GetString(type.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public string GetTypeFromSerializedName(string name) => name;

        public PrimitiveTypeCode GetUnderlyingEnumType(string type) =>
            throw new BadImageFormatException($"an enum argument of type {type}, which a CompiledRecipe attribute does not have");

        public bool IsSystemType(string type) => type == "System.Type";
    }
}
