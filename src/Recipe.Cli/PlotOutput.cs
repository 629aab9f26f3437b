using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Recipe.Model;
using ScottPlot;
using SkiaSharp;

namespace Recipe.Cli;

/// <summary>
/// <c>recipe plan --plot FILE</c>: two stacked panels drawn with ScottPlot. Top: w(t) in percent per source, phase
/// starts as labelled dashed lines. Bottom: cumulative tokens per source, with each source's declared tokens ×
/// maxEpochs as a dotted limit line where it fits the axis, so over-repetition shows as a curve crossing its line.
/// </summary>
internal static class PlotOutput
{
    public const int Width = 1200;
    public const int Height = 900;

    /// <summary>Samples of w(t) across the run, besides the phase boundaries (and the token just before each).</summary>
    public const int Samples = 500;

    /// <summary>A limit line is drawn when it is at most this many times the largest cumulative curve.</summary>
    public const double LimitHeadroom = 1.5;

    /// <summary>The extension of a --plot file (.svg or .png), or a usage error.</summary>
    public static string CheckPath(string path)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".svg" or ".png")) throw new UsageException($"--plot takes a .svg or .png file, not '{path}'");
        return extension;
    }

    /// <summary>Writes the plot to <paramref name="path"/>: .svg or .png, by extension.</summary>
    public static void Write(Recipe.Model.Recipe recipe, string path)
    {
        string extension = CheckPath(path);
        var (weights, cumulative) = Build(recipe);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        if (extension == ".png")
        {
            using var surface = SKSurface.Create(new SKImageInfo(Width, Height)) ?? throw new InvalidOperationException("could not create a drawing surface");
            Draw(surface.Canvas, weights, cumulative);
            using var image = surface.Snapshot();
            using var data = image.Encode(SKEncodedImageFormat.Png, 100);
            using var file = File.Create(path);
            data.SaveTo(file);
        }
        else
        {
            // ScottPlot lays a plot out on its first render and draws it again; a first pass on a scratch surface
            // keeps that out of the SVG, so each series is one path there.
            using (var scratch = SKSurface.Create(new SKImageInfo(Width, Height)))
            {
                Draw(scratch.Canvas, weights, cumulative);
            }
            using var file = File.Create(path);
            using (var canvas = SKSvgCanvas.Create(SKRect.Create(Width, Height), file))
            {
                Draw(canvas, weights, cumulative);
            }
        }
    }

    private static void Draw(SKCanvas canvas, Plot weights, Plot cumulative)
    {
        using (var white = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Fill })
        {
            canvas.DrawRect(SKRect.Create(Width, Height), white);
        }
        float half = Height / 2f;
        Panel(canvas, weights, new PixelRect(0, Width, 0, half));
        Panel(canvas, cumulative, new PixelRect(0, Width, half, Height));
    }

    // Each panel clipped to its half: a plot's render starts by clearing what it may draw on.
    private static void Panel(SKCanvas canvas, Plot plot, PixelRect rect)
    {
        canvas.Save();
        canvas.ClipRect(new SKRect(rect.Left, rect.Top, rect.Right, rect.Bottom));
        plot.Render(canvas, rect);
        canvas.Restore();
    }

    /// <summary>Token positions sampled: an even grid, each phase start and the token before it (steps stay sharp).</summary>
    public static long[] SamplePositions(Recipe.Model.Recipe recipe)
    {
        long total = recipe.TotalTokens;
        var positions = new SortedSet<long>();
        for (int i = 0; i <= Samples; i++) positions.Add((long)Math.Round(total * (double)i / Samples));
        foreach (var phase in recipe.Schedule.Phases)
        {
            if (phase.At > 0 && phase.At <= total)
            {
                positions.Add(phase.At - 1);
                positions.Add(phase.At);
            }
        }
        return positions.ToArray();
    }

    private static (Plot Weights, Plot Cumulative) Build(Recipe.Model.Recipe recipe)
    {
        var schedule = WeightSchedule.For(recipe);
        var sources = recipe.Sources;
        long[] positions = SamplePositions(recipe);
        double[] xs = positions.Select(p => (double)p).ToArray();
        var weightSeries = sources.Select(_ => new double[positions.Length]).ToArray();
        var cumulativeSeries = sources.Select(_ => new double[positions.Length]).ToArray();
        var w = new double[sources.Count];
        var c = new double[sources.Count];
        for (int p = 0; p < positions.Length; p++)
        {
            schedule.Weights(positions[p], w);
            schedule.CumulativeTokens(positions[p], c);
            for (int s = 0; s < sources.Count; s++)
            {
                weightSeries[s][p] = 100 * w[s];
                cumulativeSeries[s][p] = c[s];
            }
        }

        var palette = new ScottPlot.Palettes.Category10();
        var top = NewPlot($"{recipe.Name}: mix weights over training ({Quantity.Format(recipe.TotalTokens)} tokens)", "share of the mix (%)");
        var bottom = NewPlot("cumulative tokens per source (dotted: declared tokens × maxEpochs)", "tokens seen");
        double maxWeight = 0;
        double maxCumulative = 0;
        for (int s = 0; s < sources.Count; s++)
        {
            var color = palette.GetColor(s);
            var line = top.Add.ScatterLine(xs, weightSeries[s], color);
            line.LegendText = sources[s].Name;
            line.LineWidth = 2;
            var used = bottom.Add.ScatterLine(xs, cumulativeSeries[s], color);
            used.LegendText = sources[s].Name;
            used.LineWidth = 2;
            maxWeight = Math.Max(maxWeight, weightSeries[s].Max());
            maxCumulative = Math.Max(maxCumulative, cumulativeSeries[s].Max());
        }

        double yTop = maxCumulative;
        for (int s = 0; s < sources.Count; s++)
        {
            double limit = sources[s].Tokens * recipe.MaxEpochsOf(sources[s]);
            if (limit <= 0 || limit > LimitHeadroom * maxCumulative) continue;
            var limitLine = bottom.Add.HorizontalLine(limit, 1.5f, palette.GetColor(s), LinePattern.Dotted);
            limitLine.LabelText = $"{sources[s].Name} limit";
            limitLine.LabelOppositeAxis = true;
            limitLine.LabelFontSize = 11;
            limitLine.LabelBackgroundColor = palette.GetColor(s).WithAlpha(0.85);
            yTop = Math.Max(yTop, limit);
        }

        foreach (var phase in recipe.Schedule.Phases)
        {
            var boundary = top.Add.VerticalLine(phase.At, 1.5f, Colors.Gray, LinePattern.Dashed);
            boundary.LabelText = phase.Name;
            boundary.LabelOppositeAxis = true;
            boundary.LabelFontSize = 12;
            boundary.LabelBackgroundColor = Colors.DimGray;
            bottom.Add.VerticalLine(phase.At, 1, Colors.LightGray, LinePattern.Dashed);
        }

        double total = Math.Max(1, recipe.TotalTokens);
        top.Axes.SetLimits(0, total, 0, Math.Min(100, maxWeight * 1.1 + 1));
        bottom.Axes.SetLimits(0, total, 0, Math.Max(1, yTop * 1.08));
        bottom.Axes.Left.TickGenerator = TokenTicks();
        top.ShowLegend(Edge.Right);
        bottom.ShowLegend(Edge.Right);
        return (top, bottom);
    }

    /// <summary>The colour of source <paramref name="index"/>'s series, as "#RRGGBB".</summary>
    public static string SeriesColor(int index)
    {
        var color = new ScottPlot.Palettes.Category10().GetColor(index);
        return $"#{color.R:X2}{color.G:X2}{color.B:X2}";
    }

    private static Plot NewPlot(string title, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, 15);
        plot.YLabel(yLabel, 13);
        plot.XLabel("tokens into training", 13);
        plot.Axes.Bottom.TickGenerator = TokenTicks();
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Axes.Left.TickLabelStyle.FontSize = 12;
        plot.Axes.Top.MinimumSize = 30; // room for the phase labels between the title and the data
        plot.Axes.Left.MinimumSize = 75; // the same left edge in both panels, so their x axes line up
        return plot;
    }

    private static ScottPlot.TickGenerators.NumericAutomatic TokenTicks() => new() { LabelFormatter = v => Quantity.Format(v) };
}
