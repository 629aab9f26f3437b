namespace Recipe.Runtime.Device;

/// <summary>Which sources the <see cref="DeviceBatchLoader"/> copies into device memory once, at creation.</summary>
public enum DeviceResidency
{
    /// <summary>
    /// Sources in declaration order are made resident while their tokens fit <see cref="DeviceLoaderOptions.ResidentBytes"/>
    /// (a source that does not fit is staged, and later, smaller ones may still fit). The default.
    /// </summary>
    Fit,

    /// <summary>Every source is resident; creating the loader fails when they do not fit the budget.</summary>
    All,

    /// <summary>No source is resident: the host gathers every row into page-locked staging (device memory holds only the batches).</summary>
    None,
}

/// <summary>How a <see cref="DeviceBatchLoader"/> uses the accelerator, beside the <see cref="Loading.LoaderOptions"/> it shares with the CPU loader.</summary>
public sealed class DeviceLoaderOptions
{
    /// <summary>Which sources live in device memory.</summary>
    public DeviceResidency Residency { get; init; } = DeviceResidency.Fit;

    /// <summary>
    /// Device bytes the resident sources may take (a uint8/uint16 source 2 bytes per token, any other 4). Null: half
    /// of the accelerator's memory, which leaves the other half to the model being trained.
    /// </summary>
    public long? ResidentBytes { get; init; }
}
