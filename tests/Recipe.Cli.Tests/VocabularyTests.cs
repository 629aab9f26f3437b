using System.Linq;

namespace Recipe.Cli.Tests;

/// <summary>The encodings inspect knows, against the data the packages ship.</summary>
public class VocabularyTests
{
    [Theory]
    [InlineData("gpt2", "15496 995")]
    [InlineData("r50k_base", "15496 995")]
    [InlineData("cl100k_base", "9906 1917")]
    [InlineData("o200k_base", "13225 2375")]
    public void Each_vocabulary_loads_from_its_package_and_decodes_its_ids(string name, string helloWorld)
    {
        var vocabulary = Vocabulary.Load(Vocabulary.All.Single(v => v.Name == name));
        Assert.Equal("Hello world", vocabulary.Decode(helloWorld.Split(' ').Select(int.Parse)));
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("r50k_base")]
    [InlineData("cl100k_base")]
    [InlineData("o200k_base")]
    public void The_table_sizes_match_the_shipped_vocabulary(string name)
    {
        var info = Vocabulary.All.Single(v => v.Name == name);
        var vocabulary = Vocabulary.Load(info);
        Assert.Equal(info.Size, vocabulary.SpecialTokens.Values.Max() + 1);
        Assert.NotEmpty(vocabulary.Decode(new[] { info.Ranks - 1 }));
        // Past the ranks, only the special tokens decode: the tokenizer drops any other id without a word.
        for (int id = info.Ranks; id < info.Size + 10; id++)
        {
            Assert.Equal(vocabulary.Knows(id), vocabulary.Decode(new[] { id }).Length > 0);
        }
    }

    [Fact]
    public void Gpt2_and_r50k_base_are_one_vocabulary()
    {
        // Why auto never weighs r50k_base against gpt2: every id decodes alike.
        var gpt2 = Vocabulary.Load(Vocabulary.All.Single(v => v.Name == "gpt2"));
        var r50k = Vocabulary.Load(Vocabulary.All.Single(v => v.Name == "r50k_base"));
        for (int id = 0; id < 50257; id++) Assert.Equal(gpt2.Decode(new[] { id }), r50k.Decode(new[] { id }));
    }
}
