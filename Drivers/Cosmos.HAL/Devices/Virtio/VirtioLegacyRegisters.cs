using Cosmos.Core;

namespace Cosmos.HAL.Devices.Virtio
{
    /// <summary>
    /// The register block of a legacy (transitional) virtio PCI device at I/O BAR0 (Virtual I/O Device 1.0 §4.1.4.8
    /// "Legacy Interfaces"), shared by <see cref="Storage.VirtioBlock"/> and <see cref="Network.VirtioNet"/>: byte offsets
    /// of the common header, the device status bits (§2.1) and port accessors. With MSI-X enabled the header gains
    /// the two vector registers and the device configuration moves from <see cref="Config"/> to <see cref="ConfigMsix"/>.
    /// </summary>
    internal readonly struct VirtioLegacyRegisters
    {
        /// <summary>Byte offsets in the legacy header.</summary>
        public const int DeviceFeatures = 0x00, GuestFeatures = 0x04, QueueAddress = 0x08, QueueSize = 0x0C, QueueSelect = 0x0E,
            QueueNotify = 0x10, DeviceStatus = 0x12, Isr = 0x13, Config = 0x14, ConfigMsixVector = 0x14, QueueMsixVector = 0x16, ConfigMsix = 0x18;
        /// <summary>Device status bits (§2.1).</summary>
        public const byte StatusAcknowledge = 1, StatusDriver = 2, StatusDriverOk = 4, StatusFailed = 128;
        /// <summary>"No MSI-X vector" in the vector registers.</summary>
        public const ushort NoVector = 0xFFFF;

        /// <summary>The I/O port of offset 0 (0: not set up).</summary>
        public readonly ushort Base;

        /// <summary>The block at I/O port <paramref name="basePort"/>.</summary>
        public VirtioLegacyRegisters(ushort basePort) => Base = basePort;

        public byte In8(int r) => IOPort.Read8((ushort)(Base + r));
        public ushort In16(int r) => IOPort.Read16((ushort)(Base + r));
        public uint In32(int r) => IOPort.Read32((ushort)(Base + r));
        public void Out8(int r, byte v) => IOPort.Write8((ushort)(Base + r), v);
        public void Out16(int r, ushort v) => IOPort.Write16((ushort)(Base + r), v);
        public void Out32(int r, uint v) => IOPort.Write32((ushort)(Base + r), v);

        /// <summary>Reset, then ACKNOWLEDGE and DRIVER (§3.1.1 steps 1–3); returns the feature bits the device offers.</summary>
        public uint ResetAndAcknowledge()
        {
            Out8(DeviceStatus, 0);
            Out8(DeviceStatus, StatusAcknowledge);
            Out8(DeviceStatus, StatusAcknowledge | StatusDriver);
            return In32(DeviceFeatures);
        }

        /// <summary><paramref name="v"/> rounded up to the next 4 KiB (the legacy virtqueue alignment).</summary>
        public static ulong AlignPage(ulong v) => (v + 4095) & ~4095UL;
    }
}
