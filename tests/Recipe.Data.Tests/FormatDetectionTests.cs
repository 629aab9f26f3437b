using Recipe.Runtime.Data;

namespace Recipe.Data.Tests;

public class FormatDetectionTests
{
    [Fact]
    public void Npy_is_recognised_by_its_magic_whatever_the_extension()
    {
        using var root = new TempRoot();
        root.Write("tokens.dat", SpecWriters.Npy("<u2", new byte[4], "(2,)"));
        Assert.Equal("npy", TokenFormats.Detect(root["tokens.dat"]));
    }

    [Fact]
    public void LlmC_is_recognised_by_its_header()
    {
        using var root = new TempRoot();
        root.Write("gpt2.bin", SpecWriters.LlmC(new[] { 1, 2 }));
        root.Write("llama3.bin", SpecWriters.LlmC(new[] { 1, 2 }, llama3: true));
        Assert.Equal("llmc", TokenFormats.Detect(root["gpt2.bin"]));
        Assert.Equal("llmc", TokenFormats.Detect(root["llama3.bin"]));
    }

    [Fact]
    public void Megatron_is_recognised_by_its_idx_partner()
    {
        using var root = new TempRoot();
        (byte[] bin, byte[] idx) = SpecWriters.Megatron(SpecWriters.UInt16, new[] { new[] { 1 } });
        root.Write("d.bin", bin);
        root.Write("d.idx", idx);
        Assert.Equal("megatron", TokenFormats.Detect(root["d.bin"]));
        Assert.Equal("megatron", TokenFormats.Detect(root["d.idx"]));
    }

    [Fact]
    public void Headerless_file_is_raw_in_the_declared_dtype()
    {
        using var root = new TempRoot();
        SpecWriters.RawUInt16(root["train.bin"], new[] { 50256, 1, 2 });
        Assert.Equal("uint16", TokenFormats.Detect(root["train.bin"]));
        Assert.Equal("uint32", TokenFormats.Detect(root["train.bin"], TokenDType.UInt32));
    }

    [Fact]
    public void Open_without_a_format_detects_it()
    {
        using var root = new TempRoot();
        root.Write("s.bin", SpecWriters.LlmC(new[] { 7, 8, 9 }));
        using var file = TokenFile.Open(root["s.bin"]);
        Assert.Equal(TokenFormat.LlmC, file.Format);
        Assert.Equal(3, file.Count);
    }
}
