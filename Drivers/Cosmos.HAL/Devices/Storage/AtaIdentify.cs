using System;

namespace Cosmos.HAL.Devices.Storage
{
    /// <summary>
    /// The fields of an IDENTIFY DEVICE (ECh) or IDENTIFY PACKET DEVICE (A1h) response (256 little-endian words) that the
    /// drivers use. Word numbers from ACS-3 (T13/2161-D) §7.12.7 Table 45 and ATA/ATAPI-7 Vol. 1 §6.18 (packet devices).
    /// Strings are ASCII with the two bytes of each word swapped (ACS-3 §3.4.9) and space padded. Pure: host tests feed
    /// it recorded responses.
    /// </summary>
    public sealed class AtaIdentify
    {
        /// <summary>Bytes in a response (256 words).</summary>
        public const int Size = 512;

        /// <summary>The raw words.</summary>
        public readonly ushort[] Words = new ushort[256];

        /// <summary>Decodes <paramref name="data"/> (512 bytes as read from the Data register, little-endian words).</summary>
        /// <exception cref="ArgumentException">Fewer than 512 bytes.</exception>
        public AtaIdentify(ReadOnlySpan<byte> data)
        {
            if (data.Length < Size) throw new ArgumentException("an IDENTIFY response is 512 bytes", nameof(data));
            for (int i = 0; i < 256; i++) Words[i] = (ushort)(data[2 * i] | data[2 * i + 1] << 8);
        }

        /// <summary>Decodes 256 words.</summary>
        public AtaIdentify(ReadOnlySpan<ushort> words)
        {
            if (words.Length < 256) throw new ArgumentException("an IDENTIFY response is 256 words", nameof(words));
            words.Slice(0, 256).CopyTo(Words);
        }

        /// <summary>Word 0 bit 15 clear: an ATA device (IDENTIFY DEVICE data).</summary>
        public bool IsAta => (Words[0] & 0x8000) == 0;
        /// <summary>Word 0 bits 15–14 = 10b: an ATAPI device (IDENTIFY PACKET DEVICE data).</summary>
        public bool IsAtapi => (Words[0] & 0xC000) == 0x8000;
        /// <summary>ATAPI word 0 bits 12–8: the SCSI peripheral device type (05h CD/DVD).</summary>
        public int PacketDeviceType => (Words[0] >> 8) & 0x1F;
        /// <summary>ATAPI word 0 bits 1–0: command packet size in bytes (00b: 12, 01b: 16).</summary>
        public int PacketSize => (Words[0] & 3) == 1 ? 16 : 12;
        /// <summary>Words 10–19: serial number (20 characters, trimmed).</summary>
        public string SerialNumber => Text(10, 10);
        /// <summary>Words 23–26: firmware revision (8 characters, trimmed).</summary>
        public string FirmwareRevision => Text(23, 4);
        /// <summary>Words 27–46: model number (40 characters, trimmed).</summary>
        public string ModelNumber => Text(27, 20);
        /// <summary>Word 49 bit 9: LBA addressing supported (mandatory since ATA-6 for ATA devices).</summary>
        public bool SupportsLba => (Words[49] & (1 << 9)) != 0;
        /// <summary>Word 49 bit 8: DMA supported.</summary>
        public bool SupportsDma => (Words[49] & (1 << 8)) != 0;
        /// <summary>Words 60–61: total number of user-addressable sectors for 28-bit commands.</summary>
        public uint Lba28Sectors => (uint)(Words[60] | Words[61] << 16);
        /// <summary>Word 83 bit 10 (with word 83 bits 15–14 = 01b, i.e. the word is valid): the 48-bit Address feature set is supported.</summary>
        public bool SupportsLba48 => (Words[83] & 0xC000) == 0x4000 && (Words[83] & (1 << 10)) != 0;
        /// <summary>Words 100–103: total number of user-addressable sectors for 48-bit commands.</summary>
        public ulong Lba48Sectors => Words[100] | (ulong)Words[101] << 16 | (ulong)Words[102] << 32 | (ulong)Words[103] << 48;
        /// <summary>Word 83 bit 12 (valid word): FLUSH CACHE is supported; word 83 bit 13: FLUSH CACHE EXT.</summary>
        public bool SupportsFlushCache => (Words[83] & 0xC000) == 0x4000 && (Words[83] & (1 << 12)) != 0;
        /// <summary>Word 83 bit 13 (valid word): FLUSH CACHE EXT is supported.</summary>
        public bool SupportsFlushCacheExt => (Words[83] & 0xC000) == 0x4000 && (Words[83] & (1 << 13)) != 0;

        /// <summary>
        /// Bytes per logical sector: words 117–118 (in words) when word 106 is valid (bits 15–14 = 01b) and says so
        /// (bit 12), else 512.
        /// </summary>
        public uint LogicalSectorSize
        {
            get
            {
                ushort w = Words[106];
                if ((w & 0xC000) != 0x4000 || (w & (1 << 12)) == 0) return 512;
                uint words = (uint)(Words[117] | Words[118] << 16);
                return words >= 256 ? words * 2 : 512;
            }
        }

        /// <summary>Sectors the device holds: the 48-bit count when 48-bit addressing is supported, else the 28-bit count.</summary>
        public ulong Sectors => SupportsLba48 && Lba48Sectors != 0 ? Lba48Sectors : Lba28Sectors;

        private string Text(int firstWord, int words)
        {
            Span<char> c = stackalloc char[words * 2];
            for (int i = 0; i < words; i++)
            {
                ushort w = Words[firstWord + i];
                c[2 * i] = Printable(w >> 8);
                c[2 * i + 1] = Printable(w & 0xFF);
            }
            int end = c.Length;
            while (end > 0 && (c[end - 1] == ' ' || c[end - 1] == '\0')) end--;
            int start = 0;
            while (start < end && c[start] == ' ') start++;
            return new string(c.Slice(start, end - start));
        }

        private static char Printable(int b) => b >= 0x20 && b < 0x7F ? (char)b : b == 0 ? '\0' : '?';
    }
}
