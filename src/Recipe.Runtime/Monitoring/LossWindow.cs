using System;

namespace Recipe.Runtime.Monitoring;

/// <summary>
/// The last <c>capacity</c> losses of one source in a ring buffer: a run feeds billions of rows, and the verdict
/// only ever looks at the last two windows.
/// </summary>
internal sealed class LossWindow
{
    private readonly double[] _values;
    private int _next;

    public LossWindow(int capacity) => _values = new double[capacity];

    /// <summary>Losses recorded since the start, including those the buffer has since overwritten.</summary>
    public long Count { get; private set; }

    /// <summary>Losses held: <see cref="Count"/>, at most the capacity.</summary>
    public int Stored => Count < _values.Length ? (int)Count : _values.Length;

    public void Add(double loss)
    {
        _values[_next] = loss;
        _next = _next + 1 == _values.Length ? 0 : _next + 1;
        Count++;
    }

    /// <summary>
    /// Mean of the <paramref name="take"/> losses that end <paramref name="skip"/> losses before the newest, summed
    /// oldest first with Neumaier's compensation, as the Python monitor's <c>sum(history[a:b])</c> does on Python 3.12 and
    /// later: a window may hold millions of losses. Needs skip + take ≤ <see cref="Stored"/>.
    /// </summary>
    public double Mean(int skip, int take)
    {
        int capacity = _values.Length;
        // skip + take <= capacity and _next < capacity, so one wrap is enough.
        int index = _next - skip - take;
        if (index < 0) index += capacity;
        double sum = 0, compensation = 0;
        for (int i = 0; i < take; i++)
        {
            double value = _values[index];
            double next = sum + value;
            compensation += Math.Abs(sum) >= Math.Abs(value) ? (sum - next) + value : (value - next) + sum;
            sum = next;
            if (++index == capacity) index = 0;
        }
        return (sum + compensation) / take;
    }
}
