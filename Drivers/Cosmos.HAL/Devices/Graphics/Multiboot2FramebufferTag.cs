using System;
using System.Buffers.Binary;

namespace Cosmos.HAL.Devices.Graphics
{
    /// <summary>
    /// The Multiboot2 framebuffer information tag (type 8), decoded. Layout as GRUB writes it (Multiboot2 specification
    /// 1.0 §3.6.12 and GRUB's <c>multiboot_tag_framebuffer_common</c>): u32 type, u32 size, u64 framebuffer_addr, u32 pitch,
    /// u32 width, u32 height, u8 bpp, u8 framebuffer_type (0 indexed, 1 direct RGB, 2 EGA text), u16 reserved, then for
    /// type 1 the colour info at offset 32: u8 red_field_position, u8 red_mask_size, and the same for green and blue.
    /// </summary>
    public readonly struct Multiboot2FramebufferTag
    {
        /// <summary>framebuffer_type 0: indexed colour.</summary>
        public const int TypeIndexed = 0;
        /// <summary>framebuffer_type 1: direct RGB.</summary>
        public const int TypeRgb = 1;
        /// <summary>framebuffer_type 2: EGA text (width and height in characters).</summary>
        public const int TypeEgaText = 2;

        /// <summary>Physical address of the pixels.</summary>
        public ulong Address { get; init; }
        /// <summary>Bytes per row.</summary>
        public uint Pitch { get; init; }
        /// <summary>Width in pixels (characters for EGA text).</summary>
        public uint Width { get; init; }
        /// <summary>Height in pixels (characters for EGA text).</summary>
        public uint Height { get; init; }
        /// <summary>Bits per pixel.</summary>
        public byte BitsPerPixel { get; init; }
        /// <summary>framebuffer_type (<see cref="TypeIndexed"/>, <see cref="TypeRgb"/>, <see cref="TypeEgaText"/>).</summary>
        public byte Type { get; init; }
        /// <summary>Red field position and size (type 1 only).</summary>
        public byte RedPosition { get; init; }
        /// <summary>Red field size in bits.</summary>
        public byte RedSize { get; init; }
        /// <summary>Green field position.</summary>
        public byte GreenPosition { get; init; }
        /// <summary>Green field size in bits.</summary>
        public byte GreenSize { get; init; }
        /// <summary>Blue field position.</summary>
        public byte BluePosition { get; init; }
        /// <summary>Blue field size in bits.</summary>
        public byte BlueSize { get; init; }

        /// <summary>The pixel format of a type 1 tag (<see cref="PixelFormats.FromFields"/>), else <see cref="PixelFormat.Unknown"/>.</summary>
        public PixelFormat Format => Type == TypeRgb
            ? PixelFormats.FromFields(BitsPerPixel, RedPosition, RedSize, GreenPosition, GreenSize, BluePosition, BlueSize)
            : PixelFormat.Unknown;

        /// <summary>
        /// Decodes <paramref name="tag"/> (the whole tag, header included). Returns false with <paramref name="error"/>
        /// when it is not a framebuffer tag, is shorter than its fields, or a type 1 tag lacks its colour info.
        /// </summary>
        public static bool TryParse(ReadOnlySpan<byte> tag, out Multiboot2FramebufferTag result, out string error)
        {
            result = default;
            if (tag.Length < 8 || BinaryPrimitives.ReadUInt32LittleEndian(tag) != 8) { error = "not a framebuffer tag (type 8)"; return false; }
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(4));
            if (size < 31 || size > tag.Length) { error = string.Concat("framebuffer tag of ", size.ToString(), " bytes (at least 31 expected)"); return false; }
            byte type = tag[29];
            if (type == TypeRgb && size < 38) { error = string.Concat("RGB framebuffer tag of ", size.ToString(), " bytes has no colour info (38 expected)"); return false; }
            result = new Multiboot2FramebufferTag
            {
                Address = BinaryPrimitives.ReadUInt64LittleEndian(tag.Slice(8)),
                Pitch = BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(16)),
                Width = BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(20)),
                Height = BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(24)),
                BitsPerPixel = tag[28],
                Type = type,
                RedPosition = type == TypeRgb ? tag[32] : (byte)0,
                RedSize = type == TypeRgb ? tag[33] : (byte)0,
                GreenPosition = type == TypeRgb ? tag[34] : (byte)0,
                GreenSize = type == TypeRgb ? tag[35] : (byte)0,
                BluePosition = type == TypeRgb ? tag[36] : (byte)0,
                BlueSize = type == TypeRgb ? tag[37] : (byte)0,
            };
            error = null;
            return true;
        }

        /// <summary>"1024x768x32 RGB at 0xFD000000, pitch 4096 (red 16/8, green 8/8, blue 0/8)".</summary>
        public override string ToString()
        {
            string kind = Type switch { TypeIndexed => "indexed", TypeRgb => "RGB", TypeEgaText => "EGA text", _ => string.Concat("type ", Type.ToString()) };
            string s = string.Concat(Width.ToString(), "x", Height.ToString(), "x", BitsPerPixel.ToString(), " ", kind, " at ", HalFormat.Hex(Address), ", pitch ", Pitch.ToString());
            if (Type == TypeRgb)
                s = string.Concat(s, " (red ", RedPosition.ToString(), "/", RedSize.ToString(), ", green ", GreenPosition.ToString(), "/", GreenSize.ToString(),
                    ", blue ", BluePosition.ToString(), "/", BlueSize.ToString(), ")");
            return s;
        }
    }
}
