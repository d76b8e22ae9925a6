namespace Cosmos.HAL.Devices.Storage
{
    /// <summary>
    /// A drive or port a storage controller found but cannot run (a device that answers its probe with an error, an
    /// unsupported kind such as SATAPI): registered so that the <c>devices</c> listing shows it, started at once, and
    /// failed with the reason (<see cref="Device.StartError"/>). Never a block device.
    /// </summary>
    public sealed class FailedStorageDevice : Device
    {
        private readonly string _why;

        /// <summary>Creates, and starts (so fails), the placeholder.</summary>
        public FailedStorageDevice(string name, Device parent, string why) : base(name, DeviceClass.Storage, DeviceStage.OnDemand, 0, parent)
        {
            _why = why ?? "failed";
            Start();
        }

        /// <inheritdoc/>
        protected override bool OnStart(out string error) { error = _why; return false; }
    }
}
