using System.Runtime.CompilerServices;

// The tests compile the kernels for a CUDA architecture (no GPU needed) and run them on single inputs.
[assembly: InternalsVisibleTo("Recipe.Device.Tests")]
