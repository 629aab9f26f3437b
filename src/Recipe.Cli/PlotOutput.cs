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
/// starts as labelled dashed lines and a continuation's switch points as solid dark-red ones. Bottom: epochs used over
/// training (cumulative tokens / declared tokens), so every source shares one scale and the limit is one dotted line at
/// maxEpochs (a source's own limit, where it differs, in its colour); the sources closest to their limit are named
/// with their final epochs at the right edge, so over-repetition shows as a curve crossing its line.
/// </summary>
internal static class PlotOutput
{
    public const int Width = 1200;
    public const int Height = 900;

    /// <summary>Samples of w(t) across the run, besides the phase boundaries (and the token just before each).</summary>
    public const int Samples = 500;

    /// <summary>A source's own limit is drawn when it is at most this many times the panel's top (the larger of maxEpochs and the epochs used).</summary>
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
        try
        {
            Render(recipe, path);
        }
        catch (Exception e) when (IsMissingNativeLibrary(e))
        {
            throw MissingNativeLibrary();
        }
    }

    /// <summary>The platforms whose SkiaSharp native library the tool package ships (RecipeToolNativeRuntimes in the csproj).</summary>
    public const string DrawingPlatforms = "linux-x64, linux-arm64, osx and win-x64";

    /// <summary>SkiaSharp failing to load its native library: directly, or from the static constructor that first needs it.</summary>
    internal static bool IsMissingNativeLibrary(Exception e) =>
        e is DllNotFoundException || e is TypeInitializationException { InnerException: { } inner } && IsMissingNativeLibrary(inner);

    internal static CliException MissingNativeLibrary() => new(
        $"--plot needs SkiaSharp's native drawing library, which the tool ships for {DrawingPlatforms} only, not for " +
        $"{System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}; plot `recipe plan --format json` elsewhere, or run the tool from a checkout there");

    private static void Render(Recipe.Model.Recipe recipe, string path)
    {
        string extension = CheckPath(path);
        var (weights, epochs, labels) = Build(recipe);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        if (extension == ".png")
        {
            using var surface = SKSurface.Create(new SKImageInfo(Width, Height)) ?? throw new InvalidOperationException("could not create a drawing surface");
            Draw(surface.Canvas, weights, epochs, labels);
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
                Draw(scratch.Canvas, weights, epochs, labels);
            }
            using var file = File.Create(path);
            using (var canvas = SKSvgCanvas.Create(SKRect.Create(Width, Height), file))
            {
                Draw(canvas, weights, epochs, labels);
            }
        }
    }

    private static void Draw(SKCanvas canvas, Plot weights, Plot epochs, IReadOnlyList<EdgeLabel> labels)
    {
        using (var white = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Fill })
        {
            canvas.DrawRect(SKRect.Create(Width, Height), white);
        }
        float half = Height / 2f;
        Panel(canvas, weights, new PixelRect(0, Width, 0, half));
        Panel(canvas, epochs, new PixelRect(0, Width, half, Height));
        DrawEdgeLabels(canvas, epochs, labels);
    }

    // Each panel clipped to its half: a plot's render starts by clearing what it may draw on.
    /// <summary>How a boundary is drawn: its line and label in the weights panel, its line in the epochs panel.</summary>
    private sealed record BoundaryStyle(float Width, Color Line, Color Label, float LowerWidth, Color Lower, LinePattern Pattern)
    {
        public static readonly BoundaryStyle Switch = new(2f, Colors.DarkRed, Colors.DarkRed, 1.5f, Colors.DarkRed, LinePattern.Solid);
        public static readonly BoundaryStyle Phase = new(1.5f, Colors.Gray, Colors.DimGray, 1f, Colors.LightGray, LinePattern.Dashed);
    }

    /// <summary>A vertical line at <paramref name="token"/> across both panels, labelled above the weights panel.</summary>
    private static void Boundary(Plot top, Plot bottom, long token, string label, BoundaryStyle style)
    {
        var line = top.Add.VerticalLine(token, style.Width, style.Line, style.Pattern);
        line.LabelText = label;
        line.LabelOppositeAxis = true;
        line.LabelFontSize = 12;
        line.LabelBackgroundColor = style.Label;
        // Centred on a line at the left edge, a label would cover the top of the axis's numbers: it starts there instead.
        if (token == 0) line.ManualLabelAlignment = Alignment.LowerLeft;
        bottom.Add.VerticalLine(token, style.LowerWidth, style.Lower, style.Pattern);
    }

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
        foreach (var phase in RecipePlan.RunPhases(recipe))
        {
            if (phase.At > 0 && phase.At <= total)
            {
                positions.Add(phase.At - 1);
                positions.Add(phase.At);
            }
        }
        return positions.ToArray();
    }

    private static (Plot Weights, Plot Epochs, List<EdgeLabel> Labels) Build(Recipe.Model.Recipe recipe)
    {
        var schedule = WeightSchedule.For(recipe);
        var sources = recipe.Sources;
        long[] positions = SamplePositions(recipe);
        double[] xs = positions.Select(p => (double)p).ToArray();
        var weightSeries = sources.Select(_ => new double[positions.Length]).ToArray();
        var epochSeries = sources.Select(_ => new double[positions.Length]).ToArray();
        var w = new double[sources.Count];
        var c = new double[sources.Count];
        for (int p = 0; p < positions.Length; p++)
        {
            schedule.Weights(positions[p], w);
            schedule.CumulativeTokens(positions[p], c);
            for (int s = 0; s < sources.Count; s++)
            {
                weightSeries[s][p] = 100 * w[s];
                epochSeries[s][p] = EpochsUsed(c[s], sources[s].Tokens);
            }
        }

        var palette = new ScottPlot.Palettes.Category10();
        var chain = recipe.Chain();
        string switchNote = chain.Count == 1 ? "" : $"; {chain.Count - 1} switch{(chain.Count > 2 ? "es" : "")} in dark red";
        var top = NewPlot($"{recipe.Name}: mix weights over training ({Quantity.Format(recipe.TotalTokens)} tokens{switchNote})", "share of the mix (%)");
        var bottom = NewPlot("epochs used: tokens seen / declared tokens (dotted: the maxEpochs limit)", "epochs used");
        double maxWeight = 0;
        double maxEpochs = 0;
        for (int s = 0; s < sources.Count; s++)
        {
            var color = palette.GetColor(s);
            var line = top.Add.ScatterLine(xs, weightSeries[s], color);
            line.LegendText = sources[s].Name;
            line.LineWidth = 2;
            var used = bottom.Add.ScatterLine(xs, epochSeries[s], color);
            used.LegendText = sources[s].Name;
            used.LineWidth = 2;
            maxWeight = Math.Max(maxWeight, weightSeries[s].Max());
            maxEpochs = Math.Max(maxEpochs, epochSeries[s].Max());
        }

        // One limit for every source on this scale; a source's own limit, where it differs, in its colour.
        var labels = new List<EdgeLabel>();
        double yTop = Math.Max(maxEpochs, recipe.MaxEpochs);
        AddLimit(bottom, labels, recipe.MaxEpochs, Colors.Black, $"maxEpochs {Number(recipe.MaxEpochs)}");
        for (int s = 0; s < sources.Count; s++)
        {
            double limit = recipe.MaxEpochsOf(sources[s]);
            if (limit == recipe.MaxEpochs || limit > LimitHeadroom * yTop) continue;
            AddLimit(bottom, labels, limit, palette.GetColor(s), $"{sources[s].Name} limit {Number(limit)}");
            yTop = Math.Max(yTop, limit);
        }
        foreach (int s in ClosestToLimit(recipe))
        {
            labels.Add(new EdgeLabel($"{sources[s].Name} {epochSeries[s][^1].ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}", epochSeries[s][^1], palette.GetColor(s)));
        }

        // A continuation's switch points are solid dark-red lines named after the recipe that takes over (for an
        // adapted run, each decision); the phases of the whole run are dashed.
        // Many switches (an adapted run) are numbered as in `recipe plan`'s chain table, so the labels do not collide.
        // One switch is named with the phase that starts there, which gets no label of its own (one label per line).
        var phases = RecipePlan.RunPhases(recipe);
        var switches = new HashSet<long>(chain.Skip(1).Select(link => link.StartToken));
        for (int l = 1; l < chain.Count; l++)
        {
            string? phase = phases.LastOrDefault(p => p.At == chain[l].StartToken)?.Name;
            string label = chain.Count > 2 ? $"#{l}" : $"switch: {chain[l].Name}{(phase is null ? "" : ", " + phase)}";
            Boundary(top, bottom, chain[l].StartToken, label, BoundaryStyle.Switch);
        }
        foreach (var phase in phases)
        {
            if (!switches.Contains(phase.At)) Boundary(top, bottom, phase.At, phase.Name, BoundaryStyle.Phase);
        }

        double total = Math.Max(1, recipe.TotalTokens);
        top.Axes.SetLimits(0, total, 0, Math.Min(100, maxWeight * 1.1 + 1));
        bottom.Axes.SetLimits(0, total, 0, yTop * 1.12);
        top.ShowLegend(Edge.Right);
        bottom.ShowLegend(Edge.Right);
        return (top, bottom, labels);
    }

    /// <summary>How many times a source's declared tokens have been read: the quantity its limit is stated in.</summary>
    public static double EpochsUsed(double tokensSeen, long declaredTokens) => declaredTokens > 0 ? tokensSeen / declaredTokens : 0;

    /// <summary>How many sources get their name and final epochs at the right edge: those closest to their limit.</summary>
    public const int LabelledSources = 3;

    /// <summary>The sources labelled at the right edge: the <see cref="LabelledSources"/> with the largest share of their limit used by the end.</summary>
    public static int[] ClosestToLimit(Recipe.Model.Recipe recipe)
    {
        var seen = new double[recipe.Sources.Count];
        WeightSchedule.For(recipe).CumulativeTokens(recipe.TotalTokens, seen);
        return Enumerable.Range(0, recipe.Sources.Count)
            .Where(s => recipe.Sources[s].Tokens > 0)
            .OrderByDescending(s => EpochsUsed(seen[s], recipe.Sources[s].Tokens) / recipe.MaxEpochsOf(recipe.Sources[s]))
            .ThenBy(s => s)
            .Take(LabelledSources)
            .ToArray();
    }

    private static void AddLimit(Plot plot, List<EdgeLabel> labels, double epochs, ScottPlot.Color color, string label)
    {
        plot.Add.HorizontalLine(epochs, 1.5f, color, LinePattern.Dotted);
        labels.Add(new EdgeLabel(label, epochs, color));
    }

    /// <summary>A label in the margin right of the epochs panel, at the height of <see cref="Y"/> (in epochs).</summary>
    private sealed record EdgeLabel(string Text, double Y, ScottPlot.Color Color);

    // The margin labels, drawn after the panel so their positions come from its final layout: each at its value's
    // height, nudged apart so that none overlap, in its line's colour.
    private static void DrawEdgeLabels(SKCanvas canvas, Plot plot, IReadOnlyList<EdgeLabel> labels)
    {
        var data = plot.RenderManager.LastRender.DataRect;
        using var typeface = SKTypeface.FromFamilyName(Fonts.Default, SKFontStyle.Bold);
        using var font = new SKFont(typeface, LabelSize);
        using var paint = new SKPaint { IsAntialias = true };
        float floor = float.PositiveInfinity;
        foreach (var label in labels.OrderBy(l => l.Y))
        {
            float y = Math.Min(plot.GetPixel(new Coordinates(0, label.Y)).Y + LabelSize / 3, floor - LabelSize - 2);
            floor = y;
            paint.Color = new SKColor(label.Color.R, label.Color.G, label.Color.B);
            canvas.DrawText(label.Text, data.Right + 6, y, SKTextAlign.Left, font, paint);
        }
    }

    private const float LabelSize = 13;

    /// <summary>The margin right of the data area that holds the labels of the epochs panel (both panels, so their x axes line up).</summary>
    private const float LabelMargin = 120;

    private static string Number(double value) => value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

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
        plot.Axes.Right.MinimumSize = LabelMargin;
        return plot;
    }

    private static ScottPlot.TickGenerators.NumericAutomatic TokenTicks() => new() { LabelFormatter = v => Quantity.Format(v) };
}
