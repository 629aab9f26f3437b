using System.Collections.Generic;

namespace Recipe.Benchmarks;

/// <summary>
/// A faithful C# port of <c>DataMixer.set_phase_schedule</c>'s <c>weight_fn</c> (the Python data mixer): phases are
/// (boundary, {source: weight}) pairs normalised once at set-up; each call finds the two surrounding phases by a linear
/// search and builds a new dictionary over the union of their keys. Like the Python, a position at or before the
/// first boundary or at or after the last returns the stored (normalised) dictionary itself.
/// </summary>
public sealed class DictionaryMixer
{
    private readonly List<(long Boundary, Dictionary<string, double> Weights)> _normalized = new();

    public DictionaryMixer(IEnumerable<(long Boundary, Dictionary<string, double> Weights)> phases)
    {
        // Normalize all phase weights
        foreach (var (boundary, weights) in phases)
        {
            double total = 0;
            foreach (double value in weights.Values) total += value;
            var normalized = new Dictionary<string, double>();
            foreach (var pair in weights) normalized[pair.Key] = pair.Value / total;
            _normalized.Add((boundary, normalized));
        }
    }

    public Dictionary<string, double> WeightFn(long tokensSoFar)
    {
        // Find the two surrounding phases
        if (tokensSoFar <= _normalized[0].Boundary) return _normalized[0].Weights;
        if (tokensSoFar >= _normalized[_normalized.Count - 1].Boundary) return _normalized[_normalized.Count - 1].Weights;
        for (int i = 0; i < _normalized.Count - 1; i++)
        {
            var (b1, w1) = _normalized[i];
            var (b2, w2) = _normalized[i + 1];
            if (b1 <= tokensSoFar && tokensSoFar <= b2)
            {
                double alpha = b2 > b1 ? (double)(tokensSoFar - b1) / (b2 - b1) : 0;
                // {k: w1.get(k, 0) * (1 - alpha) + w2.get(k, 0) * alpha for k in set(w1) | set(w2)}
                var keys = new HashSet<string>(w1.Keys);
                keys.UnionWith(w2.Keys);
                var result = new Dictionary<string, double>();
                foreach (string k in keys)
                {
                    result[k] = w1.GetValueOrDefault(k, 0) * (1 - alpha) + w2.GetValueOrDefault(k, 0) * alpha;
                }
                return result;
            }
        }
        return _normalized[_normalized.Count - 1].Weights;
    }
}
