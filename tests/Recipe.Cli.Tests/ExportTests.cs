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
    private static byte[] ReadNpy(string path, string descr, long length)
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
