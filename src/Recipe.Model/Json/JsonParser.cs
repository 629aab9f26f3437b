using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Recipe.Model.Json;

/// <summary>
/// A small strict JSON reader (RFC 8259, plus // and /* */ comments) that keeps the character span of every key
/// and value, so diagnostics point at the exact offending text. Written here rather than on System.Text.Json so
/// that the analyzer carries no dependency that IDE hosts may load in another version (roslyn#41785), and so
/// positions are in characters, the unit Roslyn and editors use.
/// </summary>
#if BUILDING_ANALYZER
internal
#else
public
#endif
sealed class JsonParser
{
    private const int MaxDepth = 64;
    private readonly string _text;
    private int _pos;
    private int _depth;

    private JsonParser(string text) => _text = text;

    /// <summary>Parses a whole document; on failure returns null and the first error.</summary>
    public static JsonNode? Parse(string text, out JsonSyntaxError? error)
    {
        var parser = new JsonParser(text);
        try
        {
            parser.SkipTrivia();
            var root = parser.ReadValue();
            parser.SkipTrivia();
            if (parser._pos < text.Length) throw parser.Fail($"unexpected {parser.Describe(parser._pos)} after the end of the document");
            error = null;
            return root;
        }
        catch (JsonFailure failure)
        {
            error = new JsonSyntaxError(failure.Offset, failure.Message);
            return null;
        }
    }

    private sealed class JsonFailure : System.Exception
    {
        public JsonFailure(int offset, string message) : base(message) => Offset = offset;

        public int Offset { get; }
    }

    private JsonFailure Fail(string message) => new(_pos, message);

    private string Describe(int at) =>
        at >= _text.Length ? "end of file" : $"character '{_text[at]}'";

    private void SkipTrivia()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\uFEFF')
            {
                _pos++;
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '/')
            {
                while (_pos < _text.Length && _text[_pos] != '\n') _pos++;
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '*')
            {
                int end = _text.IndexOf("*/", _pos + 2, System.StringComparison.Ordinal);
                if (end < 0) throw Fail("unterminated /* comment");
                _pos = end + 2;
            }
            else
            {
                return;
            }
        }
    }

    private JsonNode ReadValue()
    {
        if (_pos >= _text.Length) throw Fail("unexpected end of file, expected a value");
        char c = _text[_pos];
        switch (c)
        {
            case '{': return ReadObject();
            case '[': return ReadArray();
            case '"':
            {
                int start = _pos;
                string value = ReadString();
                return new JsonNode(JsonKind.String, start, _pos - start, value, null, null);
            }
            case 't': return ReadLiteral("true", JsonKind.True);
            case 'f': return ReadLiteral("false", JsonKind.False);
            case 'n': return ReadLiteral("null", JsonKind.Null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber();
                throw Fail($"unexpected {Describe(_pos)}, expected a value (object, array, string, number, true, false or null)");
        }
    }

    private JsonNode ReadLiteral(string literal, JsonKind kind)
    {
        int start = _pos;
        if (string.CompareOrdinal(_text, _pos, literal, 0, literal.Length) != 0)
        {
            throw Fail($"unexpected {Describe(_pos)}, expected a value (strings need double quotes)");
        }
        _pos += literal.Length;
        return new JsonNode(kind, start, literal.Length, literal, null, null);
    }

    private JsonNode ReadNumber()
    {
        int start = _pos;
        if (_text[_pos] == '-') _pos++;
        if (_pos < _text.Length && _text[_pos] == '0')
        {
            _pos++;
        }
        else if (!Digits())
        {
            throw Fail("a number needs digits after '-'");
        }
        if (_pos < _text.Length && _text[_pos] == '.')
        {
            _pos++;
            if (!Digits()) throw Fail("a number needs digits after the decimal point");
        }
        if (_pos < _text.Length && (_text[_pos] == 'e' || _text[_pos] == 'E'))
        {
            _pos++;
            if (_pos < _text.Length && (_text[_pos] == '+' || _text[_pos] == '-')) _pos++;
            if (!Digits()) throw Fail("a number needs digits in its exponent");
        }
        if (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '.'))
        {
            throw Fail($"unexpected {Describe(_pos)} in a number (quantities with a suffix are strings, e.g. \"15.6T\")");
        }
        return new JsonNode(JsonKind.Number, start, _pos - start, _text.Substring(start, _pos - start), null, null);
    }

    private bool Digits()
    {
        int start = _pos;
        while (_pos < _text.Length && _text[_pos] >= '0' && _text[_pos] <= '9') _pos++;
        return _pos > start;
    }

    private string ReadString()
    {
        int open = _pos;
        _pos++;
        // Most strings have no escape: take them in one piece.
        int plain = _pos;
        while (plain < _text.Length && _text[plain] != '"' && _text[plain] != '\\' && _text[plain] >= ' ') plain++;
        if (plain < _text.Length && _text[plain] == '"')
        {
            string value = _text.Substring(_pos, plain - _pos);
            _pos = plain + 1;
            return value;
        }
        var builder = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length) throw new JsonFailure(open, "unterminated string");
            char c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return builder.ToString();
            }
            if (c < ' ') throw Fail(c == '\n' ? "unterminated string (a line break inside a string)" : "control character inside a string; escape it");
            if (c != '\\')
            {
                builder.Append(c);
                _pos++;
                continue;
            }
            _pos++;
            if (_pos >= _text.Length) throw new JsonFailure(open, "unterminated string");
            char escape = _text[_pos];
            switch (escape)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_pos + 4 >= _text.Length ||
                        !ushort.TryParse(_text.Substring(_pos + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort code))
                    {
                        throw Fail("\\u needs four hex digits");
                    }
                    builder.Append((char)code);
                    _pos += 4;
                    break;
                default:
                    throw Fail($"unknown escape '\\{escape}' in a string");
            }
            _pos++;
        }
    }

    private JsonNode ReadObject()
    {
        int start = _pos;
        Enter();
        _pos++;
        var members = new List<JsonMember>();
        SkipTrivia();
        if (_pos < _text.Length && _text[_pos] == '}')
        {
            _pos++;
            _depth--;
            return new JsonNode(JsonKind.Object, start, _pos - start, null, members, null);
        }
        while (true)
        {
            SkipTrivia();
            if (_pos >= _text.Length) throw Fail("unexpected end of file inside an object; a '}' is missing");
            if (_text[_pos] != '"')
            {
                throw Fail(_text[_pos] == '}'
                    ? "trailing comma before '}'"
                    : $"unexpected {Describe(_pos)}, expected a property name in double quotes");
            }
            int nameStart = _pos;
            string name = ReadString();
            int nameLength = _pos - nameStart;
            SkipTrivia();
            if (_pos >= _text.Length || _text[_pos] != ':') throw Fail($"expected ':' after property name \"{name}\", found {Describe(_pos)}");
            _pos++;
            SkipTrivia();
            members.Add(new JsonMember(name, nameStart, nameLength, ReadValue()));
            SkipTrivia();
            if (_pos >= _text.Length) throw Fail("unexpected end of file inside an object; a '}' is missing");
            if (_text[_pos] == ',')
            {
                _pos++;
                continue;
            }
            if (_text[_pos] == '}')
            {
                _pos++;
                _depth--;
                return new JsonNode(JsonKind.Object, start, _pos - start, null, members, null);
            }
            throw Fail($"expected ',' or '}}' after the value of \"{name}\", found {Describe(_pos)}");
        }
    }

    private JsonNode ReadArray()
    {
        int start = _pos;
        Enter();
        _pos++;
        var items = new List<JsonNode>();
        SkipTrivia();
        if (_pos < _text.Length && _text[_pos] == ']')
        {
            _pos++;
            _depth--;
            return new JsonNode(JsonKind.Array, start, _pos - start, null, null, items);
        }
        while (true)
        {
            SkipTrivia();
            if (_pos < _text.Length && _text[_pos] == ']') throw Fail("trailing comma before ']'");
            items.Add(ReadValue());
            SkipTrivia();
            if (_pos >= _text.Length) throw Fail("unexpected end of file inside an array; a ']' is missing");
            if (_text[_pos] == ',')
            {
                _pos++;
                continue;
            }
            if (_text[_pos] == ']')
            {
                _pos++;
                _depth--;
                return new JsonNode(JsonKind.Array, start, _pos - start, null, null, items);
            }
            throw Fail($"expected ',' or ']' in an array, found {Describe(_pos)}");
        }
    }

    private void Enter()
    {
        if (++_depth > MaxDepth) throw Fail($"nesting deeper than {MaxDepth} levels");
    }
}
