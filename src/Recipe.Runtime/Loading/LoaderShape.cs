namespace Recipe.Runtime.Loading;

/// <summary>
/// The shape a loader cuts the stream into at one step: <see cref="WorldSize"/> ranks of <see cref="RowsPerRank"/> rows.
/// Checkpoints record the shape that wrote them, for the logs; it does not bind the shape a run resumes on.
/// </summary>
public readonly record struct LoaderShape(int WorldSize, int RowsPerRank);
