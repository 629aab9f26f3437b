namespace Recipe.Model.Json;

/// <summary>A syntax error at a character offset.</summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed class JsonSyntaxError
{
    internal JsonSyntaxError(int offset, string message)
    {
        Offset = offset;
        Message = message;
    }

    public int Offset { get; }

    public string Message { get; }
}
