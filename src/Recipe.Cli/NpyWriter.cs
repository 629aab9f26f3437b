using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace Recipe.Cli;

/// <summary>
/// Writes a 1-D NumPy <c>.npy</c> file (format version 1.0) of a known length in chunks, so arrays of billions of
/// entries never sit in memory: the magic <c>\x93NUMPY</c>, version 1.0, a little-endian uint16 header length, the
/// header dict <c>{'descr': '&lt;i2', 'fortran_order': False, 'shape': (N,), }</c> padded with spaces and ended by
/// <c>\n</c> so that magic + version + length + header is a multiple of 64 bytes, then the little-endian values.
/// </summary>
internal sealed class NpyWriter<T> : IDisposable
    where T : unmanaged
{
    private readonly FileStream _stream;
    private long _written;

    public NpyWriter(string path, long length)
    {
        Descr = typeof(T) == typeof(short) ? "<i2" : typeof(T) == typeof(long) ? "<i8" : typeof(T) == typeof(int) ? "<i4"
            : throw new NotSupportedException($"No .npy descr for {typeof(T).Name}.");
        Length = length;
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
        _stream.Write(Header(Descr, length));
    }

    /// <summary>The NumPy dtype string.</summary>
    public string Descr { get; }

    /// <summary>The number of entries the header promises.</summary>
    public long Length { get; }

    /// <summary>The magic, version, header length and header of a 1-D C-order array of <paramref name="length"/> entries.</summary>
    public static byte[] Header(string descr, long length)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({length.ToString(CultureInfo.InvariantCulture)},), }}";
        const int prefix = 6 + 2 + 2; // magic, version 1.0, uint16 header length
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        int headerLength = total - prefix;
        var bytes = new byte[total];
        bytes[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY", bytes.AsSpan(1));
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), checked((ushort)headerLength));
        Encoding.ASCII.GetBytes(dict, bytes.AsSpan(prefix));
        bytes.AsSpan(prefix + dict.Length, headerLength - dict.Length - 1).Fill((byte)' ');
        bytes[total - 1] = (byte)'\n';
        return bytes;
    }

    /// <summary>Appends <paramref name="values"/>; on a big-endian machine they are byte-swapped in place first.</summary>
    public void Write(Span<T> values)
    {
        if (_written + values.Length > Length) throw new InvalidOperationException($"The header promises {Length} entries; {_written + values.Length} were written.");
        if (!BitConverter.IsLittleEndian) Swap(values);
        _stream.Write(MemoryMarshal.AsBytes(values));
        _written += values.Length;
    }

    /// <summary>Checks that every promised entry was written and flushes the file to disk.</summary>
    public void Complete()
    {
        if (_written != Length) throw new InvalidOperationException($"The header promises {Length} entries but {_written} were written.");
        _stream.Flush(flushToDisk: true);
    }

    public void Dispose() => _stream.Dispose();

    private static void Swap(Span<T> values)
    {
        if (typeof(T) == typeof(short)) BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<T, short>(values), MemoryMarshal.Cast<T, short>(values));
        else if (typeof(T) == typeof(int)) BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<T, int>(values), MemoryMarshal.Cast<T, int>(values));
        else BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<T, long>(values), MemoryMarshal.Cast<T, long>(values));
    }
}
