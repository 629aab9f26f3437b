using System.Text;

namespace Recipe.Generator.Parsing;

/// <summary>C# names for recipe and source names written in JSON ("llama3-405b" -> Llama3_405b, "multi lingual" -> MultiLingual).</summary>
internal static class Identifiers
{
    public static string Pascal(string name)
    {
        var result = new StringBuilder();
        bool upper = true;
        foreach (char c in name)
        {
            if (char.IsLetterOrDigit(c) || c == '_')
            {
                // Keep digits of adjacent words apart: "llama3-405b" -> "Llama3_405b", not "Llama3405b".
                if (upper && char.IsDigit(c) && result.Length > 0) result.Append('_');
                result.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else
            {
                upper = true;
            }
        }
        if (result.Length == 0) return "Recipe";
        if (char.IsDigit(result[0])) result.Insert(0, '_');
        return result.ToString();
    }
}
