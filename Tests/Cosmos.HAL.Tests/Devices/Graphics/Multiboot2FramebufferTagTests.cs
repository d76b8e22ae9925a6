using System;
using System.Buffers.Binary;
using Cosmos.HAL.Devices.Graphics;
using Xunit;

namespace Cosmos.HAL.Tests.Devices.Graphics
{
    /// <summary>The Multiboot2 framebuffer tag (type 8) as GRUB writes it: common part, then the RGB colour info at offset 32.</summary>
    public class Multiboot2FramebufferTagTests
    {
        private static byte[] Tag(ulong address, uint pitch, uint width, uint height, byte bpp, byte type, params byte[] colour)
        {
            var t = new byte[32 + colour.Length];
            BinaryPrimitives.WriteUInt32LittleEndian(t, 8);
            BinaryPrimitives.WriteUInt32LittleEndian(t.AsSpan(4), (uint)t.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(t.AsSpan(8), address);
            BinaryPrimitives.WriteUInt32LittleEndian(t.AsSpan(16), pitch);
            BinaryPrimitives.WriteUInt32LittleEndian(t.AsSpan(20), width);
            BinaryPrimitives.WriteUInt32LittleEndian(t.AsSpan(24), height);
            t[28] = bpp;
            t[29] = type;
            colour.CopyTo(t, 32);
            return t;
        }

        [Fact]
        public void GopModeOfOvmfIsXrgb8888()
        {
            var bytes = Tag(0x8000_0000, 5120, 1280, 800, 32, 1, 16, 8, 8, 8, 0, 8);
            Assert.True(Multiboot2FramebufferTag.TryParse(bytes, out var t, out var error), error);
            Assert.Equal((0x8000_0000UL, 5120u, 1280u, 800u, (byte)32), (t.Address, t.Pitch, t.Width, t.Height, t.BitsPerPixel));
            Assert.Equal(PixelFormat.Xrgb8888, t.Format);
            Assert.Equal("1280x800x32 RGB at 0x80000000, pitch 5120 (red 16/8, green 8/8, blue 0/8)", t.ToString());
        }

        [Theory]
        [InlineData(24, 16, 0, PixelFormat.Rgb888)]
        [InlineData(24, 0, 16, PixelFormat.Bgr888)]
        [InlineData(32, 0, 16, PixelFormat.Xbgr8888)]
        public void OtherDirectColourLayouts(byte bpp, byte red, byte blue, PixelFormat expected)
        {
            Assert.True(Multiboot2FramebufferTag.TryParse(Tag(0xFD00_0000, 3 * 640, 640, 480, bpp, 1, red, 8, 8, 8, blue, 8), out var t, out _));
            Assert.Equal(expected, t.Format);
        }

        [Fact]
        public void Rgb565()
        {
            Assert.True(Multiboot2FramebufferTag.TryParse(Tag(0xFD00_0000, 1280, 640, 480, 16, 1, 11, 5, 5, 6, 0, 5), out var t, out _));
            Assert.Equal(PixelFormat.Rgb565, t.Format);
        }

        [Fact]
        public void EgaTextAndIndexedHaveNoPixelFormat()
        {
            Assert.True(Multiboot2FramebufferTag.TryParse(Tag(0xB8000, 160, 80, 25, 16, 2), out var text, out _));
            Assert.Equal(Multiboot2FramebufferTag.TypeEgaText, text.Type);
            Assert.Equal(PixelFormat.Unknown, text.Format);
            Assert.Equal("80x25x16 EGA text at 0xB8000, pitch 160", text.ToString());
            Assert.True(Multiboot2FramebufferTag.TryParse(Tag(0xA0000, 320, 320, 200, 8, 0, 0, 1), out var indexed, out _));
            Assert.Equal(PixelFormat.Unknown, indexed.Format);
        }

        [Fact]
        public void MalformedTagsAreRefused()
        {
            var ok = Tag(0x8000_0000, 2560, 640, 480, 32, 1, 16, 8, 8, 8, 0, 8);
            var wrongType = (byte[])ok.Clone();
            wrongType[0] = 9;
            Assert.False(Multiboot2FramebufferTag.TryParse(wrongType, out _, out var e1));
            Assert.Contains("type 8", e1);
            Assert.False(Multiboot2FramebufferTag.TryParse(ok.AsSpan(0, 20), out _, out _));
            var noColour = Tag(0x8000_0000, 2560, 640, 480, 32, 1);
            Assert.False(Multiboot2FramebufferTag.TryParse(noColour, out _, out var e2));
            Assert.Contains("colour info", e2);
            var tooLong = (byte[])ok.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(tooLong.AsSpan(4), 100);
            Assert.False(Multiboot2FramebufferTag.TryParse(tooLong, out _, out _));
        }
    }
}
