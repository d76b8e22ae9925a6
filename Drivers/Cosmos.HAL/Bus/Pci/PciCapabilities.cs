using System;
using System.Collections.Generic;

namespace Cosmos.HAL.Bus.Pci
{
    /// <summary>One entry of a function's capabilities list: its Capability ID and its offset in configuration space.</summary>
    public readonly struct PciCapability
    {
        /// <summary>Capability ID (PCI Code and ID Assignment 1.11 §2: 01h power management, 05h MSI, 09h vendor specific, 10h PCI Express, 11h MSI-X, 12h SATA configuration).</summary>
        public readonly byte Id;
        /// <summary>Offset of the capability's first byte (its ID) in configuration space (0x40–0xFC, dword aligned).</summary>
        public readonly byte Offset;
        /// <summary>Builds an entry.</summary>
        public PciCapability(byte id, byte offset) { Id = id; Offset = offset; }
        /// <summary>"05@0x50".</summary>
        public override string ToString() => string.Concat(HalFormat.Hex(Id, 2), "@", HalFormat.Hex(Offset, 2));
    }

    /// <summary>
    /// The capabilities list of a PCI function (PCI Local Bus 3.0 §6.7): present when Status bit 4 (Capabilities List)
    /// is set; the first pointer is at 0x34 (0x14 for a CardBus bridge); each entry is ID (byte 0) and Next pointer
    /// (byte 1). Pointers have their low two bits masked (reserved); a pointer below 0x40 (inside the standard header)
    /// ends the list. The walk is bounded (at most 48 entries: (256 − 64) / 4), so a looping or corrupt list cannot hang
    /// the kernel. Pure apart from the configuration accesses (host tests use a simulated bus).
    /// </summary>
    public static class PciCapabilities
    {
        /// <summary>Capability ID of MSI (PCI Local Bus 3.0 §6.8.1).</summary>
        public const byte Msi = 0x05;
        /// <summary>Capability ID of MSI-X (§6.8.2).</summary>
        public const byte MsiX = 0x11;
        /// <summary>Capability ID of power management (PCI PM 1.2 §3.2).</summary>
        public const byte PowerManagement = 0x01;
        /// <summary>Capability ID of vendor-specific capabilities (virtio uses these for its structures).</summary>
        public const byte VendorSpecific = 0x09;
        /// <summary>Capability ID of PCI Express (PCIe Base §7.5.3).</summary>
        public const byte PciExpress = 0x10;
        /// <summary>Most entries a 256-byte configuration space can hold outside the 64-byte header.</summary>
        public const int MaxEntries = 48;

        /// <summary>Every capability of the function at <paramref name="address"/>, in list order (empty when Status bit 4 is clear).</summary>
        public static List<PciCapability> Read(IPciConfigAccess config, PciAddress address)
        {
            if (config == null) throw new ArgumentNullException(nameof(config));
            var list = new List<PciCapability>();
            int ptr = First(config, address);
            for (int n = 0; ptr >= 0x40 && n < MaxEntries; n++)
            {
                list.Add(new PciCapability(config.Read8(address, ptr), (byte)ptr));
                ptr = config.Read8(address, ptr + 1) & 0xFC;
            }
            return list;
        }

        /// <summary>Offset of the first capability with ID <paramref name="id"/>, or 0 when the function has none.</summary>
        public static int Find(IPciConfigAccess config, PciAddress address, byte id)
        {
            if (config == null) throw new ArgumentNullException(nameof(config));
            int ptr = First(config, address);
            for (int n = 0; ptr >= 0x40 && n < MaxEntries; n++)
            {
                if (config.Read8(address, ptr) == id) return ptr;
                ptr = config.Read8(address, ptr + 1) & 0xFC;
            }
            return 0;
        }

        /// <summary>Most entries the 3840-byte extended configuration space can hold (one dword each at least).</summary>
        public const int MaxExtendedEntries = 960;

        /// <summary>
        /// The PCI Express extended capabilities (PCI Express Base 4.0 §7.6.3) of the function: a list from offset 100h,
        /// each header a dword with the capability ID (bits 15–0), version (19–16) and next offset (31–20; dword aligned,
        /// 0 ends, below 100h is corrupt and ends too). Empty unless <paramref name="config"/> reaches the extended space
        /// (<see cref="PciEcam"/>) and the function has any (header 0 or all ones: none). Bounded like <see cref="Read"/>.
        /// Returned as (ID, version, offset).
        /// </summary>
        public static List<(ushort Id, byte Version, int Offset)> ReadExtended(IPciConfigAccess config, PciAddress address)
        {
            if (config == null) throw new ArgumentNullException(nameof(config));
            var list = new List<(ushort, byte, int)>();
            if (config is not PciEcam) return list;
            int ptr = 0x100;
            for (int n = 0; ptr >= 0x100 && n < MaxExtendedEntries; n++)
            {
                uint h = config.Read32(address, ptr);
                if (h == 0 || h == 0xFFFF_FFFF) break;
                list.Add(((ushort)h, (byte)((h >> 16) & 0xF), ptr));
                ptr = (int)(h >> 20) & 0xFFC;
            }
            return list;
        }

        private static int First(IPciConfigAccess config, PciAddress address)
        {
            if ((config.Read16(address, 0x06) & PciConfigHeader.StatusCapabilitiesList) == 0) return 0;
            int layout = config.Read8(address, 0x0E) & 0x7F;
            return config.Read8(address, layout == 2 ? 0x14 : 0x34) & 0xFC;
        }
    }
}
