using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace Recipe.Cli;

/// <summary>How progress is shown.</summary>
internal enum ProgressMode
{
    /// <summary>Nothing (stderr is not a terminal and --progress was not given).</summary>
    Off,

    /// <summary>A line per 10% (stderr redirected, --progress given): readable in a log file.</summary>
    Lines,

    /// <summary>One line redrawn in place at most ten times a second, erased when done (stderr is a terminal).</summary>
    Redraw,
}

/// <summary>
/// Progress of long work on stderr: <c>label [#######.......]  45%  1.20 GB / 2.67 GB</c>, within 79 columns.
/// Single-threaded: report from the thread doing the work.
/// </summary>
internal sealed class ProgressBar : IDisposable
{
    private const int Width = 79;
    private static readonly long RedrawTicks = Stopwatch.Frequency / 10;

    private readonly TextWriter _writer;
    private readonly string _label;
    private readonly long _total;
    private readonly ProgressMode _mode;
    private readonly Func<long, string> _format;
    private long _lastDraw;
    private long _lastDrawnDone = -1;
    private int _lastTenth = -1;
    private bool _drawn;
    private bool _finished;

    public ProgressBar(TextWriter writer, string label, long total, ProgressMode mode, Func<long, string>? format = null)
    {
        _writer = writer;
        _label = label;
        _total = Math.Max(0, total);
        _mode = mode;
        _format = format ?? (n => n.ToString("N0", CultureInfo.InvariantCulture));
    }

    /// <summary>Formats byte counts: <c>1.20 GB</c>.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = { "B", "kB", "MB", "GB", "TB", "PB" };
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : value.ToString("0.00", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    /// <summary>Reports that <paramref name="done"/> of the total units are done.</summary>
    public void Report(long done)
    {
        if (_mode == ProgressMode.Off || _finished) return;
        double fraction = _total == 0 ? 1 : Math.Clamp((double)done / _total, 0, 1);
        if (_mode == ProgressMode.Lines)
        {
            int tenth = (int)(fraction * 10);
            if (tenth <= _lastTenth) return;
            _lastTenth = tenth;
            _writer.WriteLine($"{_label}: {tenth * 10,3}% ({_format(done)} of {_format(_total)})");
            _writer.Flush();
            return;
        }
        long now = Stopwatch.GetTimestamp();
        if (_drawn && (done == _lastDrawnDone || (done < _total && now - _lastDraw < RedrawTicks))) return;
        _lastDraw = now;
        _lastDrawnDone = done;
        string total = _format(_total);
        string numbers = $" {fraction * 100,3:0}%  {_format(done).PadLeft(total.Length)} / {total}";
        int barWidth = Math.Max(10, Width - _label.Length - numbers.Length - 3);
        int filled = (int)(fraction * barWidth);
        string line = $"{_label} [{new string('#', filled)}{new string('.', barWidth - filled)}]{numbers}";
        if (line.Length > Width) line = line.Substring(0, Width);
        _writer.Write("\r" + line.PadRight(Width));
        _writer.Flush();
        _drawn = true;
    }

    /// <summary>Reports completion and, on a terminal, erases the bar so the results that follow start on a clean line.</summary>
    public void Finish()
    {
        if (_finished) return;
        Report(_total);
        _finished = true;
        if (_mode == ProgressMode.Redraw && _drawn)
        {
            _writer.Write("\r" + new string(' ', Width) + "\r");
            _writer.Flush();
        }
    }

    /// <summary>Erases a bar left by work that failed, so the error line is not appended to it.</summary>
    public void Dispose()
    {
        if (_finished) return;
        _finished = true;
        if (_mode == ProgressMode.Redraw && _drawn)
        {
            _writer.Write("\r" + new string(' ', Width) + "\r");
            _writer.Flush();
        }
    }
}

/// <summary>A synchronous <see cref="IProgress{T}"/> of fractions in [0, 1] onto a <see cref="ProgressBar"/> of <paramref name="scale"/> units.</summary>
internal sealed class FractionProgress(ProgressBar bar, long scale) : IProgress<double>
{
    public void Report(double value) => bar.Report((long)(Math.Clamp(value, 0, 1) * scale));
}
