namespace Recipe.Runtime.Sampling;

/// <summary>What one sample of the global stream is.</summary>
/// <param name="Source">Index of the source, in the recipe's declaration order.</param>
/// <param name="Ordinal">How many samples of this source came before this one (across epochs).</param>
/// <param name="Epoch">Ordinal / sequences of the source: which pass over the source this is.</param>
/// <param name="Sequence">The sequence of the source to read, after this epoch's permutation.</param>
public readonly record struct SampleRef(int Source, long Ordinal, long Epoch, long Sequence);
