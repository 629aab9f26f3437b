using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Recipe.Runtime.Data;

/// <summary>
/// NumPy <c>.npy</c> files (numpy/lib/format.py, format versions 1.0, 2.0 and 3.0): the magic <c>\x93NUMPY</c>,
/// one byte each of major and minor version, the header length (little-endian uint16 in 1.0, uint32 in 2.0 and 3.0),
/// then the header: a Python dict literal <c>{'descr': '&lt;u2', 'fortran_order': False, 'shape': (N,), }</c>
/// padded with spaces and ended by a newline so the data starts on a 64-byte boundary, then the array.
/// Only 1-D arrays of little-endian integers fit in 32 bits are token files.
/// </summary>
internal static unsafe class NpyFormat
{
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private const int MaxHeaderLength = 10000;

    public static bool HasMagic(MappedFile map) =>
        map.Length >= Magic.Length && new ReadOnlySpan<byte>(map.Pointer, Magic.Length).SequenceEqual(Magic);

    public static TokenFile Read(MappedFile map)
    {
        string name = map.Name;
        const int preamble = 10;
        if (map.Length < preamble)
        {
            throw TokenFormatException.Truncated(name, map.Length, $".npy preamble needs {preamble} bytes but the file holds {map.Length}");
        }
        if (!HasMagic(map))
        {
            throw new TokenFormatException(name, 0,
                $"not a .npy file: it starts with {Convert.ToHexString(new ReadOnlySpan<byte>(map.Pointer, Magic.Length))}, not the magic 934E554D5059 (\\x93NUMPY)");
        }
        byte major = map.Pointer[6], minor = map.Pointer[7];
        if (major is < 1 or > 3 || minor != 0)
        {
            throw new TokenFormatException(name, 6, $".npy format version {major}.{minor} is not one of 1.0, 2.0, 3.0");
        }
        long headerStart;
        long headerLength;
        if (major == 1)
        {
            headerLength = Unsafe.ReadUnaligned<ushort>(map.Pointer + 8);
            headerStart = 10;
        }
        else
        {
            if (map.Length < 12)
            {
                throw TokenFormatException.Truncated(name, map.Length, $".npy {major}.0 preamble needs 12 bytes but the file holds {map.Length}");
            }
            headerLength = Unsafe.ReadUnaligned<uint>(map.Pointer + 8);
            headerStart = 12;
        }
        long dataStart = headerStart + headerLength;
        if (dataStart > map.Length)
        {
            throw TokenFormatException.Truncated(name, map.Length, $".npy header says it is {headerLength} bytes long, ending at byte {dataStart}, past the end of the file");
        }
        if (headerLength > MaxHeaderLength)
        {
            // NumPy itself refuses headers over 10,000 bytes unless told otherwise; a 1-D token array needs about 100.
            throw new TokenFormatException(name, 8, $".npy header says it is {headerLength} bytes long; a 1-D array's header is about 100 and NumPy reads at most {MaxHeaderLength}");
        }
        var header = new HeaderParser(name, headerStart, new ReadOnlySpan<byte>(map.Pointer + headerStart, (int)headerLength));
        Header parsed = header.Parse();

        TokenDType dtype = DTypeOf(name, parsed.Descr, parsed.DescrOffset);
        if (parsed.Shape.Length != 1)
        {
            throw new TokenFormatException(name, parsed.ShapeOffset,
                $".npy array has shape ({string.Join(", ", parsed.Shape)}), not (N,); token files are 1-D");
        }
        // fortran_order is irrelevant for one dimension: a 1-D array has the same bytes in C and Fortran order.
        long count = parsed.Shape[0];
        int size = TokenDTypes.Size(dtype);
        if (count > (map.Length - dataStart) / size)
        {
            throw TokenFormatException.Truncated(name, map.Length,
                $".npy shape says {count} tokens but the file holds {(map.Length - dataStart) / size}");
        }
        return new TokenFile(map, TokenFormat.Npy, dtype, dataStart, count);
    }

    private static TokenDType DTypeOf(string name, string descr, long offset)
    {
        switch (descr)
        {
            case "|u1": case "<u1": return TokenDType.UInt8;
            case "|i1": case "<i1": return TokenDType.Int8;
            case "<i2": return TokenDType.Int16;
            case "<u2": return TokenDType.UInt16;
            case "<i4": return TokenDType.Int32;
            case "<u4": return TokenDType.UInt32;
            case "<i8": return TokenDType.Int64;
        }
        string why = descr.Length >= 2 && descr[0] == '>' ? "big-endian; token files are little-endian"
            : descr.Length >= 2 && descr[1] is 'f' or 'c' ? "floating point; token ids are integers"
            : "not a token dtype";
        throw new TokenFormatException(name, offset,
            $".npy descr '{descr}' is {why} (expected '<u2', '<u4', '<i4', '<i8', '<i2', '|u1' or '|i1')");
    }

    private readonly record struct Header(string Descr, long DescrOffset, long[] Shape, long ShapeOffset);

    /// <summary>
    /// Reads the dict literal that NumPy writes with <c>repr</c>: string keys and values in single or double quotes,
    /// True/False, tuples of integers (the Python 2 'L' suffix allowed). Anything else is an error at its byte.
    /// </summary>
    private ref struct HeaderParser
    {
        private readonly string _name;
        private readonly long _base;
        private readonly ReadOnlySpan<byte> _text;
        private int _at;

        public HeaderParser(string name, long baseOffset, ReadOnlySpan<byte> text)
        {
            _name = name;
            _base = baseOffset;
            _text = text;
            _at = 0;
        }

        public Header Parse()
        {
            string? descr = null;
            bool? fortran = null;
            long[]? shape = null;
            long descrAt = 0, shapeAt = 0;
            SkipSpace();
            Expect((byte)'{');
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                SkipSpace();
                if (Peek() == '}') { _at++; break; }
                long keyAt = Offset;
                string key = ReadString();
                if (!seen.Add(key)) throw Error(keyAt, $".npy header repeats the key '{key}'");
                SkipSpace();
                Expect((byte)':');
                SkipSpace();
                switch (key)
                {
                    case "descr":
                        descrAt = Offset;
                        if (Peek() is not ('\'' or '"'))
                        {
                            throw Error(descrAt, ".npy descr is a structured dtype; token files hold a plain integer dtype such as '<u2'");
                        }
                        descr = ReadString();
                        break;
                    case "fortran_order":
                        fortran = ReadBool();
                        break;
                    case "shape":
                        shapeAt = Offset;
                        shape = ReadTuple();
                        break;
                    default:
                        throw Error(keyAt, $".npy header has the key '{key}'; NumPy writes exactly 'descr', 'fortran_order' and 'shape'");
                }
                SkipSpace();
                if (Peek() == ',') { _at++; continue; }
                SkipSpace();
                if (Peek() == '}') { _at++; break; }
                throw Error(Offset, $".npy header has '{Describe()}' where a ',' or '}}' belongs");
            }
            if (descr is null || fortran is null || shape is null)
            {
                string missing = descr is null ? "descr" : fortran is null ? "fortran_order" : "shape";
                throw Error(_base, $".npy header has no '{missing}' key");
            }
            // What follows the dict is padding: spaces and the closing newline.
            for (; _at < _text.Length; _at++)
            {
                if (_text[_at] is not ((byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or 0))
                {
                    throw Error(Offset, $".npy header has '{Describe()}' after its closing brace; only space padding and a newline belong there");
                }
            }
            return new Header(descr, descrAt, shape, shapeAt);
        }

        private readonly long Offset => _base + _at;

        private readonly int Peek() => _at < _text.Length ? _text[_at] : -1;

        private readonly string Describe() => _at < _text.Length ? ((char)_text[_at]).ToString() : "the end of the header";

        private void SkipSpace()
        {
            while (_at < _text.Length && _text[_at] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') _at++;
        }

        private void Expect(byte c)
        {
            if (Peek() != c) throw Error(Offset, $".npy header has '{Describe()}' where '{(char)c}' belongs");
            _at++;
        }

        private string ReadString()
        {
            int quote = Peek();
            if (quote is not ('\'' or '"')) throw Error(Offset, $".npy header has '{Describe()}' where a quoted string belongs");
            int start = ++_at;
            while (_at < _text.Length && _text[_at] != quote) _at++;
            if (_at >= _text.Length) throw Error(_base + start - 1, ".npy header has a string with no closing quote");
            string value = Encoding.UTF8.GetString(_text.Slice(start, _at - start));
            _at++;
            return value;
        }

        private bool ReadBool()
        {
            if (_text.Slice(_at).StartsWith("True"u8)) { _at += 4; return true; }
            if (_text.Slice(_at).StartsWith("False"u8)) { _at += 5; return false; }
            throw Error(Offset, $".npy fortran_order has '{Describe()}' where True or False belongs");
        }

        private long[] ReadTuple()
        {
            Expect((byte)'(');
            var values = new List<long>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')') { _at++; break; }
                long numberAt = Offset;
                int start = _at;
                while (_at < _text.Length && _text[_at] is >= (byte)'0' and <= (byte)'9') _at++;
                if (_at == start) throw Error(numberAt, $".npy shape has '{Describe()}' where a dimension belongs");
                if (!long.TryParse(_text.Slice(start, _at - start), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                {
                    throw Error(numberAt, ".npy shape has a dimension too large for a 64-bit count");
                }
                if (Peek() is 'L' or 'l') _at++;
                values.Add(value);
                SkipSpace();
                if (Peek() == ',') { _at++; continue; }
                SkipSpace();
                if (Peek() == ')') { _at++; break; }
                throw Error(Offset, $".npy shape has '{Describe()}' where ',' or ')' belongs");
            }
            return values.ToArray();
        }

        private readonly TokenFormatException Error(long offset, string detail) => new(_name, offset, detail);
    }
}
