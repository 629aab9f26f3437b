namespace Recipe.Runtime.Tests;

/// <summary>
/// Test classes that switch the vector paths off (VectorPaths.Disable, process-wide) or check which path a sampler took
/// run one after another: the results are the same either way, but a check of the path taken is not.
/// </summary>
[CollectionDefinition(Name)]
public sealed class VectorPathsCollection
{
    public const string Name = "Vector paths";
}
