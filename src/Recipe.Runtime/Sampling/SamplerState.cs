namespace Recipe.Runtime.Sampling;

/// <summary>
/// Where a run stands: the next global sample index and the stream it belongs to. This is the whole resume state.
/// </summary>
/// <param name="NextSample">The global index of the next sample to train on.</param>
/// <param name="StreamHash">
/// The sampler's <see cref="Sampler.StreamHash"/>: the recipe hash, with a fingerprint of the sequences per source
/// appended when the shards hold other counts than the recipe declares.
/// </param>
public readonly record struct SamplerState(long NextSample, string StreamHash);
