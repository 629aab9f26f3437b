using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Recipe.Model.Json;
using Recipe.Runtime;
using Recipe.Runtime.Sampling;

namespace Recipe.Cli.Tests;

public sealed class ExportTests : IDisposable
{
    // 200,000 samples: more than one chunk of the writer, a linear schedule across three sources.
    private const string Small = """
        {
          "name": "small-linear",
          "totalTokens": "1.6M",
          "sequenceLength": 8,
          "seed": 1234,
          "maxEpochs": 10,
          "sources": {
            "web":  { "tokens": "1M" },
            "code": { "tokens": "500K" },
            "math": { "tokens": "200K" }
          },
          "schedule": {
            "interpolation": "linear",
            "phases": [
              { "name": "early", "at": 0,      "weights": { "web": 70, "code": 25, "math": 5 } },
              { "name": "late",  "at": "800K", "weights": { "web": 40, "code": 30, "math": 30 } }
            ]
          }
        }
        """;

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Reads a 1-D .npy v1.0 by its specification and checks the header byte for byte.</summary>
    internal static byte[] ReadNpy(string path, string descr, long length)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes.AsSpan(0, 8).ToArray());
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        int dataStart = 10 + headerLength;
        Assert.Equal(0, dataStart % 64);
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.EndsWith("\n", header);
        Assert.Equal($"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({length},), }}", header.TrimEnd('\n').TrimEnd(' '));
        Assert.True(header.TrimEnd('\n').Skip(header.TrimEnd('\n').TrimEnd(' ').Length).All(c => c == ' '));
        return bytes.AsSpan(dataStart).ToArray();
    }

    [Fact]
    public void Export_writes_the_runtime_stream_as_npy_blend_indices_and_a_description()
    {
        string recipePath = _temp.Write("small.recipe.json", Small);
        string output = Path.Combine(_temp.Path, "out");
        var result = Tool.Run("export", recipePath, "-o", output);
        Assert.True(result.Exit == 0, result.ToString());

        var recipe = RecipeJsonReader.Read(Small).Recipe!;
        long samples = recipe.Samples;
        Assert.Equal(200_000, samples);
        var expected = new SampleRef[samples];
        CompiledRecipe.FromRecipe(recipe).CreateSampler().Fill(0, expected);

        byte[] sources = ReadNpy(Path.Combine(output, "dataset_index.npy"), "<i2", samples);
        byte[] ordinals = ReadNpy(Path.Combine(output, "dataset_sample_index.npy"), "<i8", samples);
        Assert.Equal(samples * 2, sources.Length);
        Assert.Equal(samples * 8, ordinals.Length);
        for (long i = 0; i < samples; i++)
        {
            short source = BinaryPrimitives.ReadInt16LittleEndian(sources.AsSpan((int)(i * 2)));
            long ordinal = BinaryPrimitives.ReadInt64LittleEndian(ordinals.AsSpan((int)(i * 8)));
            if (source != expected[i].Source || ordinal != expected[i].Ordinal)
            {
                Assert.Fail($"sample {i}: exported ({source}, {ordinal}), sampler ({expected[i].Source}, {expected[i].Ordinal})");
            }
        }
        Assert.Empty(Directory.EnumerateFiles(output, "*.tmp"));

        using var description = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "description.json")));
        var root = description.RootElement;
        Assert.Equal("small-linear", root.GetProperty("name").GetString());
        Assert.Equal(Recipe.Model.RecipeHash.Compute(recipe), root.GetProperty("hash").GetString());
        Assert.Equal(samples, root.GetProperty("samples").GetInt64());
        var described = root.GetProperty("sources").EnumerateArray().ToArray();
        Assert.Equal(new[] { "web", "code", "math" }, described.Select(s => s.GetProperty("name").GetString()));
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(k, described[k].GetProperty("index").GetInt32());
            Assert.Equal(expected.LongCount(s => s.Source == k), described[k].GetProperty("samples").GetInt64());
        }
        Assert.Equal(JsonValueKind.String, root.GetProperty("sampler").GetProperty("ordinal").ValueKind);
        Assert.Equal("<i8", root.GetProperty("files").GetProperty("dataset_sample_index.npy").GetProperty("dtype").GetString());

        Assert.Contains(result.OutLines, l => l.Contains("small-linear") && l.Contains("200,000 samples"));
        Assert.All(result.OutLines.Where(l => !l.StartsWith("wrote ")), l => Assert.True(l.Length <= 80, l));
    }

    [Fact]
    public void Progress_goes_to_stderr_on_request()
    {
        string recipePath = _temp.Write("small.recipe.json", Small);
        var result = Tool.Run("export", recipePath, "-o", Path.Combine(_temp.Path, "out"), "--progress");
        Assert.Equal(0, result.Exit);
        Assert.StartsWith("exporting: 100% (200,000 of 200,000)", result.ErrLines.Last());
        Assert.True(result.ErrLines.Count(l => l.StartsWith("exporting:")) >= 2);
    }

    [Fact]
    public void A_recipe_with_errors_is_not_exported()
    {
        string recipePath = _temp.Write("broken.recipe.json", Small.Replace("\"math\": 5 }", "\"math\": 15 }"));
        string output = Path.Combine(_temp.Path, "out");
        var result = Tool.Run("export", recipePath, "-o", output);
        Assert.Equal(1, result.Exit);
        Assert.Contains("error RCP001", Assert.Single(result.ErrLines));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Usage_errors_exit_2()
    {
        string recipePath = _temp.Write("small.recipe.json", Small);
        Assert.Equal(2, Tool.Run("export", recipePath).Exit); // -o is required
        string assembly = typeof(PublishedMixes.Llama3_405b).Assembly.Location;
        var ambiguous = Tool.Run("export", assembly, "-o", Path.Combine(_temp.Path, "out"));
        Assert.Equal(2, ambiguous.Exit);
        Tool.AssertOneErrorLine(ambiguous, "--recipe", "llama3-405b");
        var unknown = Tool.Run("export", assembly, "-r", "nope", "-o", Path.Combine(_temp.Path, "out"));
        Assert.Equal(2, unknown.Exit);
        Tool.AssertOneErrorLine(unknown, "'nope'");
    }

    private static string Static(string name, string totalTokens, int sequenceLength) => $$"""
        {
          "name": "{{name}}", "totalTokens": {{totalTokens}}, "sequenceLength": {{sequenceLength}}, "seed": 1, "maxEpochs": 1000000,
          "sources": { "web": { "tokens": 9000000000000000000 }, "code": { "tokens": 9000000000000000000 } },
          "schedule": { "phases": [ { "name": "all", "at": 0, "weights": { "web": 70, "code": 30 } } ] }
        }
        """;

    [Fact]
    public void A_run_near_the_int64_limit_is_a_clear_error_and_writes_nothing()
    {
        string recipePath = _temp.Write("huge.recipe.json", Static("huge", "9223372036854775807", 2));
        string output = Path.Combine(_temp.Path, "out");
        var result = Tool.Run("export", recipePath, "-o", output);
        Assert.Equal(1, result.Exit);
        Tool.AssertOneErrorLine(result, "'huge'", "4,611,686,018,427,387,903 samples", "more than a file can hold");
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void An_export_larger_than_the_free_space_is_refused_before_writing_and_says_what_it_needs()
    {
        // 1e15 samples: 10 PB of blend index, more than this machine's disk (or any test machine's).
        string recipePath = _temp.Write("long.recipe.json", Static("long", "\"8000T\"", 8));
        string output = Path.Combine(_temp.Path, "out", "nested");
        var result = Tool.Run("export", recipePath, "-o", output);
        Assert.Equal(1, result.Exit);
        Tool.AssertOneErrorLine(result, "'long'", "1,000,000,000,000,000 samples", "needs 10.00 PB", "dataset_index.npy 2.00 PB", "dataset_sample_index.npy 8.00 PB", "free", _temp.Path);
        Assert.False(Directory.Exists(Path.Combine(_temp.Path, "out")));
        Assert.Equal(10_000_000_000_000_000m + 128 + 128, Exporter.BytesNeeded(RecipeJsonReader.Read(Static("long", "\"8000T\"", 8)).Recipe!, 0) - 64 * 3);
    }

    [Fact]
    public void A_later_export_removes_the_temporary_files_of_a_killed_one_and_keeps_those_of_a_running_one()
    {
        string recipePath = _temp.Write("small.recipe.json", Small);
        string output = Path.Combine(_temp.Path, "out");
        // A killed export's files carry its process id; no process has id int.MaxValue.
        string killed = _temp.Write("out/dataset_sample_index.npy.2147483647.tmp", new byte[4096]);
        string killedIndex = _temp.Write("out/dataset_index.npy.2147483647.tmp", new byte[1024]);
        using (var live = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "30") { UseShellExecute = false })!)
        {
            string alive = _temp.Write($"out/dataset_sample_index.npy.{live.Id}.tmp", new byte[16]);
            var result = Tool.Run("export", recipePath, "-o", output);
            live.Kill();
            Assert.True(result.Exit == 0, result.ToString());
            Assert.False(File.Exists(killed));
            Assert.False(File.Exists(killedIndex));
            Assert.True(File.Exists(alive), "the temporary file of a running export was removed");
            Assert.Contains(result.ErrLines, l => l.StartsWith("recipe: note: removed ") && l.Contains("interrupted export"));
        }
        Assert.True(File.Exists(Path.Combine(output, "dataset_index.npy")));
    }

    [Fact]
    public async System.Threading.Tasks.Task Sigterm_during_an_export_removes_its_temporary_files_and_the_earlier_export_survives()
    {
        if (OperatingSystem.IsWindows()) return; // POSIX signals; Windows has only Ctrl-C, handled by the same code
        string output = Path.Combine(_temp.Path, "out");
        var earlier = Tool.Run("export", _temp.Write("small.recipe.json", Small), "-o", output);
        Assert.True(earlier.Exit == 0, earlier.ToString());
        var before = Directory.EnumerateFiles(output).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        Assert.Equal(3, before.Count);

        // 2e8 samples (2 GB of blend index): long enough to be caught writing.
        string big = _temp.Write("big.recipe.json", Static("big", "\"1.6B\"", 8));
        string tool = Path.Combine(AppContext.BaseDirectory, "recipe.dll");
        var start = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { tool, "export", big, "-o", output }) start.ArgumentList.Add(argument);
        using var export = System.Diagnostics.Process.Start(start)!;
        var stderr = export.StandardError.ReadToEndAsync();
        var stdout = export.StandardOutput.ReadToEndAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!Directory.EnumerateFiles(output, "*.tmp").Any(f => new FileInfo(f).Length > (1 << 20)))
        {
            if (export.HasExited) Assert.Fail("the export ended before it was caught writing: " + await stderr);
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), "no temporary file appeared");
            await System.Threading.Tasks.Task.Delay(10);
        }
        using (var kill = System.Diagnostics.Process.Start("kill", new[] { "-TERM", export.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) })) kill.WaitForExit();
        using (var limit = new System.Threading.CancellationTokenSource(TimeSpan.FromMinutes(1))) await export.WaitForExitAsync(limit.Token);

        Assert.Equal(143, export.ExitCode);
        Assert.Contains("export interrupted by SIGTERM", await stderr);
        Assert.Equal("", await stdout);
        Assert.Empty(Directory.EnumerateFiles(output, "*.tmp"));
        var after = Directory.EnumerateFiles(output).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (file, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[file]), file + " changed");
    }

    [Fact]
    public void Npy_header_is_padded_to_64_bytes_for_any_length()
    {
        foreach (long length in new[] { 0L, 1, 9, 123456789, 3_808_593_750, long.MaxValue })
        {
            byte[] header = NpyWriter<long>.Header("<i8", length);
            Assert.Equal(0, header.Length % 64);
            Assert.Equal((byte)'\n', header[^1]);
            Assert.Equal(header.Length - 10, BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8)));
            Assert.Contains($"'shape': ({length},)", Encoding.ASCII.GetString(header));
        }
    }
}
