using System;
using System.Threading;
using Cosmos.Core;
using Cosmos.Core.Memory;
using Cosmos.HAL.Bus.Pci;

namespace Cosmos.HAL.Devices.Virtio
{
    /// <summary>
    /// How a virtio PCI device is reached (Virtual I/O Device 1.0 §4.1): the <b>modern</b> interface, found through the
    /// vendor-specific PCI capabilities (§4.1.4: common configuration, notifications, ISR status, device configuration,
    /// each a window into a memory BAR), used whenever the device has it; else the <b>legacy</b> register block at I/O
    /// BAR0 (§4.1.4.8), which transitional devices (1000h–103Fh) also keep. Both drive split virtqueues laid out the same
    /// way (descriptor table, available ring, used ring at the next 4 KiB boundary): the legacy interface takes the
    /// table's page number, the modern one the three addresses. Feature bits are 64 on the modern interface (bit 32,
    /// VIRTIO_F_VERSION_1, must be accepted, and FEATURES_OK confirms the set, §3.1.1) and 32 on the legacy one.
    /// Used by <see cref="Storage.VirtioBlock"/> and <see cref="Network.VirtioNet"/>.
    /// </summary>
    internal sealed unsafe class VirtioPciTransport
    {
        /// <summary>Device status bits (§2.1).</summary>
        public const byte StatusAcknowledge = 1, StatusDriver = 2, StatusDriverOk = 4, StatusFeaturesOk = 8, StatusNeedsReset = 64, StatusFailed = 128;
        /// <summary>VIRTIO_F_VERSION_1 (§6): the device and driver follow the 1.0 specification (modern interface only).</summary>
        public const ulong FeatureVersion1 = 1UL << 32;
        /// <summary>"No MSI-X vector" in the vector registers (§4.1.5.1.2).</summary>
        public const ushort NoVector = 0xFFFF;

        // Modern: virtio_pci_cap cfg_type values (§4.1.4) and common configuration offsets (§4.1.4.3).
        private const byte CapCommon = 1, CapNotify = 2, CapIsr = 3, CapDevice = 4;
        private const int DeviceFeatureSelect = 0x00, DeviceFeature = 0x04, DriverFeatureSelect = 0x08, DriverFeature = 0x0C,
            MsixConfig = 0x10, NumQueues = 0x12, ModernStatus = 0x14, ConfigGeneration = 0x15, ModernQueueSelect = 0x16,
            ModernQueueSize = 0x18, QueueMsixVectorReg = 0x1A, QueueEnable = 0x1C, QueueNotifyOff = 0x1E, QueueDesc = 0x20,
            QueueDriver = 0x28, QueueDevice = 0x30;

        private readonly VirtioLegacyRegisters _legacy;
        private readonly ulong _common, _notify, _isr, _device;
        private readonly uint _notifyMultiplier;
        private bool _msix;
        private ulong _features;

        /// <summary>True for the modern (capability, memory-mapped) interface.</summary>
        public bool IsModern { get; }

        /// <summary>The feature bits accepted by <see cref="SetFeatures"/>.</summary>
        public ulong Features => _features;

        /// <summary>"modern" or "legacy".</summary>
        public string Kind => IsModern ? "modern" : "legacy";

        private VirtioPciTransport(VirtioLegacyRegisters legacy) { _legacy = legacy; }

        private VirtioPciTransport(ulong common, ulong notify, uint multiplier, ulong isr, ulong device)
        {
            IsModern = true;
            _common = common; _notify = notify; _notifyMultiplier = multiplier; _isr = isr; _device = device;
        }

        /// <summary>
        /// The interface of <paramref name="pci"/>: modern when its capabilities name a common configuration, notification,
        /// ISR and device configuration window in memory BARs (the BARs are mapped uncached); else legacy when BAR0 is an
        /// I/O BAR; else null with <paramref name="error"/> saying why. Enables the matching decoding and bus mastering.
        /// </summary>
        public static VirtioPciTransport Open(PCIDevice pci, out string error)
        {
            ulong common = 0, notify = 0, isr = 0, device = 0;
            uint multiplier = 0;
            string capError = null;
            foreach (var cap in pci.GetCapabilities())
            {
                if (cap.Id != PciCapabilities.VendorSpecific) continue;
                byte off = cap.Offset;
                byte type = pci.ReadRegister8((byte)(off + 3));
                byte bar = pci.ReadRegister8((byte)(off + 4));
                uint offset = pci.ReadRegister32((byte)(off + 8));
                uint length = pci.ReadRegister32((byte)(off + 12));
                if (type < CapCommon || type > CapDevice) continue;   // PCI configuration access (5) and unknown kinds
                if ((type == CapCommon && common != 0) || (type == CapNotify && notify != 0) || (type == CapIsr && isr != 0) || (type == CapDevice && device != 0)) continue;   // the first of each (§4.1.4)
                if (bar > 5 || (type == CapCommon && length < 0x38)) { capError = string.Concat("virtio capability type ", type.ToString(), " names BAR", bar.ToString(), " with ", length.ToString(), " bytes"); continue; }
                ulong baseAddress;
                try { baseAddress = pci.MapMemoryBar(bar); }
                catch (InvalidOperationException e) { capError = e.Message; continue; }
                ulong at = baseAddress + offset;
                switch (type)
                {
                    case CapCommon: common = at; break;
                    case CapNotify: notify = at; multiplier = pci.ReadRegister32((byte)(off + 16)); break;
                    case CapIsr: isr = at; break;
                    case CapDevice: device = at; break;
                }
            }
            pci.EnableBusMaster(true);
            if (common != 0 && notify != 0 && isr != 0 && device != 0)
            {
                error = null;
                return new VirtioPciTransport(common, notify, multiplier, isr, device);
            }
            var bar0 = pci.BaseAddressBar.Length > 0 ? pci.BaseAddressBar[0] : null;
            if (bar0 != null && bar0.IsIO && bar0.BaseAddress != 0)
            {
                pci.EnableIO(true);
                error = null;
                return new VirtioPciTransport(new VirtioLegacyRegisters((ushort)bar0.BaseAddress));
            }
            error = capError != null
                ? "no usable modern interface (" + capError + ") and BAR0 is not a legacy I/O register block"
                : "neither the modern virtio capabilities nor a legacy I/O register block at BAR0";
            return null;
        }

        private static byte R8(ulong a) => Volatile.Read(ref *(byte*)a);
        private static ushort R16(ulong a) => Volatile.Read(ref *(ushort*)a);
        private static uint R32(ulong a) => Volatile.Read(ref *(uint*)a);
        private static void W8(ulong a, byte v) => Volatile.Write(ref *(byte*)a, v);
        private static void W16(ulong a, ushort v) => Volatile.Write(ref *(ushort*)a, v);
        private static void W32(ulong a, uint v) => Volatile.Write(ref *(uint*)a, v);
        private static void W64(ulong a, ulong v) { W32(a, (uint)v); W32(a + 4, (uint)(v >> 32)); }   // low half first (§4.1.3.1)

        /// <summary>The device status register.</summary>
        public byte Status
        {
            get => IsModern ? R8(_common + ModernStatus) : _legacy.In8(VirtioLegacyRegisters.DeviceStatus);
            set { if (IsModern) W8(_common + ModernStatus, value); else _legacy.Out8(VirtioLegacyRegisters.DeviceStatus, value); }
        }

        /// <summary>Reset (status 0, and on the modern interface waiting until the device reads back 0), then ACKNOWLEDGE and DRIVER (§3.1.1 steps 1–3); returns the feature bits the device offers.</summary>
        public ulong ResetAndAcknowledge()
        {
            Status = 0;
            if (IsModern) { for (int i = 0; i < 1_000_000 && Status != 0; i++) Native.Pause(); }
            _msix = false;
            Status = StatusAcknowledge;
            Status = StatusAcknowledge | StatusDriver;
            if (!IsModern) return _legacy.In32(VirtioLegacyRegisters.DeviceFeatures);
            W32(_common + DeviceFeatureSelect, 0);
            ulong low = R32(_common + DeviceFeature);
            W32(_common + DeviceFeatureSelect, 1);
            return low | (ulong)R32(_common + DeviceFeature) << 32;
        }

        /// <summary>
        /// Accepts <paramref name="features"/> (§3.1.1 steps 4–6): the legacy interface takes the low 32 bits; the modern
        /// one also gets VIRTIO_F_VERSION_1, then FEATURES_OK, which the device must keep set. False with
        /// <paramref name="error"/> (and FAILED set) when it does not.
        /// </summary>
        public bool SetFeatures(ulong features, out string error)
        {
            if (!IsModern)
            {
                _features = features & 0xFFFF_FFFF;
                _legacy.Out32(VirtioLegacyRegisters.GuestFeatures, (uint)_features);
                error = null;
                return true;
            }
            _features = features | FeatureVersion1;
            W32(_common + DriverFeatureSelect, 0);
            W32(_common + DriverFeature, (uint)_features);
            W32(_common + DriverFeatureSelect, 1);
            W32(_common + DriverFeature, (uint)(_features >> 32));
            Status = StatusAcknowledge | StatusDriver | StatusFeaturesOk;
            if ((Status & StatusFeaturesOk) == 0)
            {
                Status = StatusFailed;
                error = "the device did not accept the features (FEATURES_OK cleared)";
                return false;
            }
            error = null;
            return true;
        }

        /// <summary>The status bits a started driver keeps: ACKNOWLEDGE, DRIVER, FEATURES_OK (modern) and DRIVER_OK.</summary>
        public byte RunningStatus => (byte)(StatusAcknowledge | StatusDriver | StatusDriverOk | (IsModern ? StatusFeaturesOk : 0));

        /// <summary>Entries of virtqueue <paramref name="queue"/> (0: the queue does not exist).</summary>
        public ushort QueueSize(ushort queue)
        {
            if (!IsModern)
            {
                _legacy.Out16(VirtioLegacyRegisters.QueueSelect, queue);
                return _legacy.In16(VirtioLegacyRegisters.QueueSize);
            }
            if (queue >= R16(_common + NumQueues)) return 0;
            W16(_common + ModernQueueSelect, queue);
            return R16(_common + ModernQueueSize);
        }

        /// <summary>True when virtqueue <paramref name="queue"/> is already set up (a driver did not reset the device).</summary>
        public bool QueueInUse(ushort queue)
        {
            if (!IsModern)
            {
                _legacy.Out16(VirtioLegacyRegisters.QueueSelect, queue);
                return _legacy.In32(VirtioLegacyRegisters.QueueAddress) != 0;
            }
            W16(_common + ModernQueueSelect, queue);
            return R16(_common + QueueEnable) != 0;
        }

        /// <summary>The byte offset of the used ring in a queue of <paramref name="size"/> entries laid out from one page-aligned block.</summary>
        public static ulong UsedRingOffset(ulong size) => VirtioLegacyRegisters.AlignPage(16 * size + 6 + 2 * size);

        /// <summary>Bytes of such a block (descriptor table, available ring, used ring).</summary>
        public static ulong RingBytes(ulong size) => UsedRingOffset(size) + VirtioLegacyRegisters.AlignPage(6 + 8 * size);

        /// <summary>
        /// Gives the device virtqueue <paramref name="queue"/> of <paramref name="size"/> entries laid out from
        /// <paramref name="ring"/> (page aligned: descriptor table, available ring right after it, used ring at
        /// <see cref="UsedRingOffset"/>), and enables it (modern).
        /// </summary>
        public void SetQueue(ushort queue, ushort size, ulong ring)
        {
            if (!IsModern)
            {
                _legacy.Out16(VirtioLegacyRegisters.QueueSelect, queue);
                _legacy.Out32(VirtioLegacyRegisters.QueueAddress, (uint)(ring >> 12));
                return;
            }
            W16(_common + ModernQueueSelect, queue);
            W16(_common + ModernQueueSize, size);
            W64(_common + QueueDesc, ring);
            W64(_common + QueueDriver, ring + 16 * (ulong)size);
            W64(_common + QueueDevice, ring + UsedRingOffset(size));
            W16(_common + QueueEnable, 1);
        }

        /// <summary>Tells the device that virtqueue <paramref name="queue"/> has new available buffers.</summary>
        public void Notify(ushort queue)
        {
            if (!IsModern) { _legacy.Out16(VirtioLegacyRegisters.QueueNotify, queue); return; }
            W16(_common + ModernQueueSelect, queue);
            ushort off = R16(_common + QueueNotifyOff);
            W16(_notify + (ulong)off * _notifyMultiplier, queue);
        }

        /// <summary>Reads (and so clears) the ISR status: bit 0 queue interrupt, bit 1 configuration change (§4.1.4.5).</summary>
        public byte ReadIsr() => IsModern ? R8(_isr) : _legacy.In8(VirtioLegacyRegisters.Isr);

        /// <summary>
        /// Routes configuration changes nowhere and virtqueue <paramref name="queue"/> to MSI-X table entry
        /// <paramref name="entry"/> (after <see cref="PCIDevice.EnableMsix"/>); false when the device refuses it. On the
        /// legacy interface the device configuration then starts 4 bytes later (the two vector registers sit before it).
        /// </summary>
        public bool SetMsixVector(ushort queue, ushort entry)
        {
            if (!IsModern)
            {
                _legacy.Out16(VirtioLegacyRegisters.ConfigMsixVector, NoVector);
                _legacy.Out16(VirtioLegacyRegisters.QueueSelect, queue);
                _legacy.Out16(VirtioLegacyRegisters.QueueMsixVector, entry);
                _msix = true;
                return _legacy.In16(VirtioLegacyRegisters.QueueMsixVector) == entry;
            }
            W16(_common + MsixConfig, NoVector);
            W16(_common + ModernQueueSelect, queue);
            W16(_common + QueueMsixVectorReg, entry);
            _msix = true;
            return R16(_common + QueueMsixVectorReg) == entry;
        }

        /// <summary>Leaves virtqueue <paramref name="queue"/> without an MSI-X vector (its completions are polled).</summary>
        public void ClearMsixVector(ushort queue)
        {
            if (!IsModern)
            {
                _legacy.Out16(VirtioLegacyRegisters.QueueSelect, queue);
                _legacy.Out16(VirtioLegacyRegisters.QueueMsixVector, NoVector);
                return;
            }
            W16(_common + ModernQueueSelect, queue);
            W16(_common + QueueMsixVectorReg, NoVector);
        }

        private ulong ConfigAddress(int offset) => _device + (ulong)offset;
        private int LegacyConfig(int offset) => (_msix ? VirtioLegacyRegisters.ConfigMsix : VirtioLegacyRegisters.Config) + offset;

        /// <summary>A byte of the device-specific configuration (§4.1.4.6) at <paramref name="offset"/>.</summary>
        public byte Config8(int offset) => IsModern ? R8(ConfigAddress(offset)) : _legacy.In8(LegacyConfig(offset));
        /// <summary>A 16-bit field of the device-specific configuration.</summary>
        public ushort Config16(int offset) => IsModern ? R16(ConfigAddress(offset)) : _legacy.In16(LegacyConfig(offset));
        /// <summary>A 32-bit field of the device-specific configuration.</summary>
        public uint Config32(int offset) => IsModern ? R32(ConfigAddress(offset)) : _legacy.In32(LegacyConfig(offset));

        /// <summary>A 64-bit field, read as two 32-bit halves; on the modern interface retried until the configuration generation is stable (§4.1.4.3.1).</summary>
        public ulong Config64(int offset)
        {
            if (!IsModern) return _legacy.In32(LegacyConfig(offset)) | (ulong)_legacy.In32(LegacyConfig(offset + 4)) << 32;
            while (true)
            {
                byte before = R8(_common + ConfigGeneration);
                ulong v = R32(ConfigAddress(offset)) | (ulong)R32(ConfigAddress(offset + 4)) << 32;
                if (R8(_common + ConfigGeneration) == before) return v;
            }
        }
    }
}
