using System.Text;

namespace Recipe.Tests.Shared;

/// <summary>
/// A valid recipe of many sources, for scale tests, as JSON and as a C# recipe class: relative weights over two step
/// phases (at 0 and 50T of 100T), source i weighted 1 + (i + p) % 3 in phase p, 1T tokens each, every 7th with
/// maxFraction 0.5. Written straight to text: a general builder looks weights up by name, which is quadratic here.
/// </summary>
public static class WideRecipe
{
    /// <summary>Source i's weight in phase p.</summary>
    public static double Weight(int source, int phase) => 1 + (source + phase) % 3;

    public static string Json(int count)
    {
        var json = new StringBuilder("{\"name\":\"wide\",\"totalTokens\":\"100T\",\"sequenceLength\":4096,\"weights\":\"relative\",\"sources\":{\n");
        for (int i = 0; i < count; i++)
        {
            json.Append(i > 0 ? ",\n" : "").Append("\"s").Append(i).Append("\":{\"tokens\":\"1T\"");
            if (i % 7 == 0) json.Append(",\"maxFraction\":0.5");
            json.Append('}');
        }
        json.Append("},\"schedule\":{\"phases\":[");
        for (int p = 0; p < 2; p++)
        {
            json.Append(p > 0 ? "," : "").Append("{\"name\":\"p").Append(p).Append("\",\"at\":\"").Append(p * 50).Append("T\",\"weights\":{\n");
            for (int i = 0; i < count; i++) json.Append(i > 0 ? ",\n" : "").Append("\"s").Append(i).Append("\":").Append(Weight(i, p));
            json.Append("}}");
        }
        return json.Append("]}}").ToString();
    }

    /// <summary>The same recipe as the class <c>Demo.Wide</c>, one source property S{i} per line.</summary>
    public static string CSharp(int count)
    {
        var text = new StringBuilder("""
            using Recipe.Model;
            using Recipe.Runtime;

            namespace Demo;

            [Recipe(Name = "wide", TotalTokens = "100T", SequenceLength = 4096, Weights = WeightMode.Relative)]
            [Phase("p0", At = "0")] [Phase("p1", At = "50T")]
            public static partial class Wide
            {

            """);
        for (int i = 0; i < count; i++)
        {
            string maxFraction = i % 7 == 0 ? ", MaxFraction = 0.5" : "";
            text.Append($"    [Source(Name = \"s{i}\", Tokens = \"1T\"{maxFraction}), Mix({Weight(i, 0)}, {Weight(i, 1)})] public static partial SourceId S{i} {{ get; }}\n");
        }
        return text.Append("}\n").ToString();
    }
}
