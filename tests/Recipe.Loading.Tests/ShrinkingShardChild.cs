using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Recipe.Runtime.Data;
using Recipe.Runtime.Loading;

namespace Recipe.Loading.Tests;

/// <summary>
/// The test assembly's entry point (<c>dotnet exec Recipe.Loading.Tests.dll shrink-shard</c>): a loader whose shard
/// is truncated while it runs, in a process of its own, because before the fix reading the mapped pages past the new
/// end raised SIGBUS, which no .NET code can catch, and took the whole process down. The test host never calls it.
/// </summary>
public static class ShrinkingShardChild
{
    public const string Command = "shrink-shard";

    /// <summary>Truncates a shard again and again while another thread reads it without pause.</summary>
    public const string RaceCommand = "shrink-race";

    /// <summary>The same, truncating the .idx of a Megatron dataset whose scattered sequences every copy looks up in it.</summary>
    public const string IndexRaceCommand = "shrink-index-race";

    public static int Main(string[] args)
    {
        if (args is [RaceCommand, var rounds]) return Race(int.Parse(rounds, System.Globalization.CultureInfo.InvariantCulture), index: false);
        if (args is [IndexRaceCommand, var indexRounds]) return Race(int.Parse(indexRounds, System.Globalization.CultureInfo.InvariantCulture), index: true);
        if (args is not [Command]) return 2;
        using var data = FixtureData.Create();
        string shard = Path.Combine(data.Root, "web", "part-0.bin");
        byte[] original = File.ReadAllBytes(shard);
        LoaderCheckpointState? failedAt = null;
        using (var loader = data.Open(batchSize: 8, prefetch: 4))
        {
            loader.Next();
            // Let the prefetch thread fill its ring: a truncation during a row copy can still fault (README).
            Thread.Sleep(200);
            // What a re-run preprocessing job does to a shard another process has open: truncate it in place.
            if (Truncate(shard, 0) != 0) throw new IOException($"truncate {shard}: errno {Marshal.GetLastPInvokeError()}");
            // The guarantee covers a shard that shrank more than the length re-check interval (10 ms, plus a clock tick)
            // before a read; this waits well past it.
            Thread.Sleep(200);
            try
            {
                while (loader.TryNext(out _)) { }
                Console.WriteLine("no error: the loader read a truncated shard to the end");
                return 1;
            }
            catch (TokenFormatException e)
            {
                Console.WriteLine($"error at step {loader.NextStep}: {e.Message}");
                failedAt = new LoaderCheckpointState(loader.NextStep, loader.State);
            }
        }

        // The state the loader gave after the error resumes exactly where an uninterrupted run would be.
        File.WriteAllBytes(shard, original);
        using var resumed = data.Open(batchSize: 8, prefetch: 4);
        resumed.Restore(failedAt.State);
        using var uninterrupted = data.Open(batchSize: 8, prefetch: 0);
        for (long step = 0; step < failedAt.Step; step++) uninterrupted.Next();
        var expected = uninterrupted.Next();
        var actual = resumed.Next();
        bool same = actual.Step == expected.Step && actual.Tokens.SequenceEqual(expected.Tokens);
        Console.WriteLine(same ? $"resumed at step {actual.Step} with the batch of an uninterrupted run" : $"resumed at step {actual.Step}, not the batch of an uninterrupted run (step {expected.Step})");
        return same ? 0 : 1;
    }

    // No pause between the truncation and the reads: the reader is inside or right before a copy through the mapping
    // when the file loses every page, which faults unless the shrink waits until no mapped read is in flight. With
    // index, the file truncated is the .idx of a Megatron dataset whose sequences are scattered, so every copy reads
    // each sequence's length and pointer from the mapped index.
    private static int Race(int rounds, bool index)
    {
        using var data = FixtureData.Create();
        string shard = Path.Combine(data.Root, "shard.bin");
        string victim = index ? Path.ChangeExtension(shard, ".idx") : shard;
        var tokens = new int[1 << 18];
        var random = new Random(7);
        int errors = 0;
        for (int round = 0; round < rounds; round++)
        {
            if (index) WriteScatteredMegatron(shard, tokens.Length);
            else File.WriteAllBytes(shard, new byte[tokens.Length * sizeof(ushort)]);
            using var file = index ? TokenFile.OpenMegatron(shard, "shard") : TokenFile.OpenRaw(shard, TokenDType.UInt16, "shard.bin");
            using var reading = new ManualResetEventSlim();
            Exception? failure = null;
            var reader = new Thread(() =>
            {
                try
                {
                    reading.Set();
                    while (true) file.CopyTokens(0, tokens);
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            reader.Start();
            reading.Wait();
            Thread.Sleep(random.Next(3));
            if (Truncate(victim, 0) != 0) throw new IOException($"truncate {victim}: errno {Marshal.GetLastPInvokeError()}");
            reader.Join();
            if (failure is TokenFormatException) errors++;
            else Console.WriteLine($"round {round}: {failure}");
        }
        Console.WriteLine($"{errors} of {rounds} truncations were read errors");
        return errors == rounds ? 0 : 1;
    }

    // A uint16 Megatron dataset of 16-token sequences stored in reverse order in the .bin (MMIDIDX\0\0, version 1,
    // dtype 8, sequence and document counts, int32 lengths, int64 byte pointers, int64 document indices).
    private static void WriteScatteredMegatron(string bin, int tokenCount)
    {
        const int Length = 16;
        int sequences = tokenCount / Length;
        File.WriteAllBytes(bin, new byte[tokenCount * sizeof(ushort)]);
        using var idx = new BinaryWriter(File.Create(Path.ChangeExtension(bin, ".idx")));
        idx.Write("MMIDIDX\0\0"u8);
        idx.Write(1UL);
        idx.Write((byte)8);
        idx.Write((ulong)sequences);
        idx.Write((ulong)sequences + 1);
        for (int s = 0; s < sequences; s++) idx.Write(Length);
        for (int s = 0; s < sequences; s++) idx.Write((long)(sequences - 1 - s) * Length * sizeof(ushort));
        for (int d = 0; d <= sequences; d++) idx.Write((long)d);
    }

    private sealed record LoaderCheckpointState(long Step, Recipe.Runtime.Sampling.SamplerState State);

    [DllImport("libc", EntryPoint = "truncate", SetLastError = true)]
    private static extern int Truncate(string path, long length);
}
