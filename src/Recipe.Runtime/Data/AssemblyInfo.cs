using System.Runtime.CompilerServices;

// The data tests exercise each widening path (AVX2, Vector128, scalar) directly, whatever the test machine supports.
[assembly: InternalsVisibleTo("Recipe.Data.Tests")]
