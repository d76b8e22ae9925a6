namespace Cosmos.Core
{
    /// <summary>
    /// Reader for the Multiboot2 boot information structure (Multiboot2 specification 1.0,
    /// §3.6 "Boot information format"). The structure starts with u32 total_size, u32 reserved,
    /// followed by 8-byte aligned tags { u32 type; u32 size; payload } and ends with a type 0 tag.
    /// The pointer comes from <see cref="Layout.BootInfo.MultibootInfo"/>.
    /// </summary>
    public static unsafe class Multiboot2
    {
        /// <summary>EAX value a Multiboot2 loader passes at entry.</summary>
        public const uint BootloaderMagic = 0x36D76289;
        /// <summary>Tag type: boot command line (string).</summary>
        public const uint TagCommandLine = 1;
        /// <summary>Tag type: boot loader name (string).</summary>
        public const uint TagBootLoaderName = 2;
        /// <summary>Tag type: basic memory information (mem_lower/mem_upper in KiB).</summary>
        public const uint TagBasicMemory = 4;
        /// <summary>Tag type: memory map.</summary>
        public const uint TagMemoryMap = 6;
        /// <summary>Tag type: framebuffer info.</summary>
        public const uint TagFramebuffer = 8;
        /// <summary>Tag type: EFI 64-bit system table pointer.</summary>
        public const uint TagEfi64 = 12;
        /// <summary>Tag type: ACPI 1.0 RSDP copy.</summary>
        public const uint TagAcpiOldRsdp = 14;
        /// <summary>Tag type: ACPI 2.0+ RSDP (XSDP) copy.</summary>
        public const uint TagAcpiNewRsdp = 15;

        /// <summary>The information structure, or null when the boot loader was not Multiboot2.</summary>
        public static byte* Info
        {
            get
            {
                var bi = Native.GetBootInfo();
                if (bi->MultibootMagic != BootloaderMagic) return null;
                return (byte*)bi->MultibootInfo;
            }
        }

        /// <summary>
        /// First tag of <paramref name="type"/>: pointer to its header (u32 type, u32 size),
        /// or null when absent, when the loader was not Multiboot2, or when the tag list is
        /// malformed (a tag size below 8 or running past total_size ends the walk).
        /// </summary>
        public static byte* FindTag(uint type) => FindTag(Info, type);

        /// <summary>Same as <see cref="FindTag(uint)"/> over an explicit structure (host-testable).</summary>
        public static byte* FindTag(byte* info, uint type)
        {
            if (info == null) return null;
            uint total = *(uint*)info;
            if (total < 16) return null;
            uint offset = 8;
            while (offset + 8 <= total)
            {
                byte* tag = info + offset;
                uint tagType = *(uint*)tag;
                uint size = *(uint*)(tag + 4);
                if (tagType == 0) return null;
                if (size < 8 || offset + size > total) return null;
                if (tagType == type) return tag;
                offset += (size + 7) & ~7u;
            }
            return null;
        }

        /// <summary>Reads the NUL-terminated string payload of a string tag (1 or 2) as ASCII, or null.</summary>
        public static string GetString(uint type)
        {
            byte* tag = FindTag(type);
            if (tag == null) return null;
            uint size = *(uint*)(tag + 4);
            byte* s = tag + 8;
            int len = 0;
            while (len < size - 8 && s[len] != 0) len++;
            var chars = new char[len];
            for (int i = 0; i < len; i++) chars[i] = (char)s[i];
            return new string(chars);
        }
    }
}
