using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace Recipe.Tests.Shared;

/// <summary>
/// Snapshot assertions for generated source and diagnostic lists. The accepted text lives in
/// <c>Snapshots/&lt;name&gt;.verified.cs</c> (or another extension) beside the calling test file; a missing snapshot or a
/// difference fails and writes <c>&lt;name&gt;.received.cs</c> (git-ignored) next to it for review.
/// <c>UPDATE_SNAPSHOTS=1</c> accepts the current output instead. Line endings are normalised to <c>\n</c> on both
/// sides, so a checkout with CRLF endings compares equal.
/// </summary>
public static class Snapshot
{
    /// <summary>The environment variable that makes <see cref="Verify"/> rewrite the verified file and pass.</summary>
    public const string UpdateVariable = "UPDATE_SNAPSHOTS";

    /// <summary>Compares <paramref name="actual"/> with Snapshots/<paramref name="name"/>.verified<paramref name="extension"/> beside the calling file.</summary>
    public static void Verify(string actual, string name, string extension = ".cs", [CallerFilePath] string callerFilePath = "")
    {
        if (string.IsNullOrEmpty(callerFilePath) || !Path.IsPathRooted(callerFilePath))
        {
            throw new InvalidOperationException($"cannot locate the Snapshots folder: the caller file path '{callerFilePath}' is not an absolute path");
        }
        string folder = Path.Combine(Path.GetDirectoryName(callerFilePath)!, "Snapshots");
        Verify(actual, folder, name, Environment.GetEnvironmentVariable(UpdateVariable) == "1", extension);
    }

    /// <summary>Compares <paramref name="actual"/> with <paramref name="folder"/>/<paramref name="name"/>.verified<paramref name="extension"/>, or rewrites it when <paramref name="update"/>.</summary>
    public static void Verify(string actual, string folder, string name, bool update, string extension = ".cs")
    {
        string verifiedPath = Path.Combine(folder, name + ".verified" + extension);
        string receivedPath = Path.Combine(folder, name + ".received" + extension);
        string received = Normalize(actual);

        if (update)
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(verifiedPath, received);
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }

        if (!File.Exists(verifiedPath))
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(receivedPath, received);
            Assert.Fail(
                $"Snapshot '{name}' has no verified file.{Environment.NewLine}" +
                $"  expected: {verifiedPath}{Environment.NewLine}" +
                $"  received: {receivedPath}{Environment.NewLine}" +
                $"Review the received file, then rename it to .verified{extension} or run the tests with {UpdateVariable}=1.");
        }

        string verified = Normalize(File.ReadAllText(verifiedPath));
        if (string.Equals(verified, received, StringComparison.Ordinal))
        {
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, received);
        Assert.Fail(
            $"Snapshot '{name}' differs from the verified file.{Environment.NewLine}" +
            FirstDifference(verified, received) +
            $"  verified: {verifiedPath}{Environment.NewLine}" +
            $"  received: {receivedPath}{Environment.NewLine}" +
            $"Diff the two files; if the change is intended, run the tests with {UpdateVariable}=1 (or copy received over verified) and commit the snapshot with the code.");
    }

    /// <summary>\r\n and lone \r become \n; a byte order mark is dropped.</summary>
    public static string Normalize(string text) =>
        text.TrimStart('\uFEFF').Replace("\r\n", "\n").Replace('\r', '\n');

    private static string FirstDifference(string verified, string received)
    {
        string[] expected = verified.Split('\n');
        string[] actual = received.Split('\n');
        int line = 0;
        while (line < expected.Length && line < actual.Length && expected[line] == actual[line]) line++;
        string Show(string[] lines) => line < lines.Length ? lines[line] : "<end of file>";
        return $"  first difference at line {line + 1} (verified has {expected.Length} lines, received {actual.Length}):{Environment.NewLine}" +
               $"  - {Show(expected)}{Environment.NewLine}" +
               $"  + {Show(actual)}{Environment.NewLine}";
    }
}
