using System;
using Cosmos.Common.Extensions;
using Cosmos.Core;
using Xunit;

namespace Cosmos.Core.Tests
{
    /// <summary>Cosmos API helpers that kernels call most: hex text, little-endian stores, memory fill and copy.</summary>
    public unsafe class CosmosApiTests
    {
        [Fact]
        public void HexTextIsUpperCasePaddedWithoutPrefix()
        {
            Assert.Equal("0A", ((byte)10).ToHex());
            Assert.Equal("00FF", ((ushort)255).ToHex());
            Assert.Equal("002A", 42.ToHex());
            Assert.Equal("FFFFFFFF", (-1).ToHex());
            Assert.Equal("DEADBEEF", 0xDEADBEEFu.ToHex());
            Assert.Equal("0000000000001234", 0x1234UL.ToHex());
            Assert.Equal("1234", 0x1234UL.ToHex(false));
            Assert.Equal("0", 0UL.ToHex(false));
            Assert.Equal("12345", 0x12345u.ToHex(2));
            Assert.Equal('F', ToHexString.DigitToHexChar(15));
            Assert.Throws<ArgumentOutOfRangeException>(() => ToHexString.DigitToHexChar(16));
        }

        [Fact]
        public void ByteConverterStoresLittleEndianAndChecksBounds()
        {
            var b = new byte[12];
            b.SetUInt16(0, 0x0102);
            b.SetUInt32(2, 0x03040506);
            b.SetUInt64(4, 0x0708090A0B0C0D0E);
            Assert.Equal(new byte[] { 2, 1, 6, 5, 0x0E, 0x0D, 0x0C, 0x0B, 0x0A, 9, 8, 7 }, b);
            Assert.Throws<IndexOutOfRangeException>(() => b.SetUInt32(9, 1));
            Assert.Throws<IndexOutOfRangeException>(() => b.SetUInt16(ulong.MaxValue, 1));
        }

        [Fact]
        public void FillRepeatsTheIntsBytesAndCountsElements()
        {
            var bytes = new byte[11];
            fixed (byte* p = bytes) MemoryOperations.Fill(p, 0x44332211, 11);
            Assert.Equal(new byte[] { 0x11, 0x22, 0x33, 0x44, 0x11, 0x22, 0x33, 0x44, 0x11, 0x22, 0x33 }, bytes);
            fixed (byte* p = bytes) MemoryOperations.Fill(p, 0x07070707, 5);
            Assert.Equal(new byte[] { 7, 7, 7, 7, 7, 0x22, 0x33, 0x44, 0x11, 0x22, 0x33 }, bytes);
            var ints = new uint[4];
            fixed (uint* p = ints) MemoryOperations.Fill(p, 9u, 3);
            Assert.Equal(new uint[] { 9, 9, 9, 0 }, ints);
            var shorts = new short[3];
            MemoryOperations.Fill(shorts, (short)-2);
            Assert.Equal(new short[] { -2, -2, -2 }, shorts);
            Assert.Throws<ArgumentOutOfRangeException>(() => { fixed (byte* p = bytes) MemoryOperations.Fill(p, 0, -1); });
        }

        [Fact]
        public void CopyMovesElementsAndRejectsShortSources()
        {
            var src = new int[] { 1, 2, 3, 4, 5 };
            var dst = new int[5];
            fixed (int* d = dst, s = src) MemoryOperations.Copy(d, s, 3);
            Assert.Equal(new[] { 1, 2, 3, 0, 0 }, dst);
            MemoryOperations.Copy(dst, 1, src, 3, 2);
            Assert.Equal(new[] { 1, 4, 5, 0, 0 }, dst);
            var overlap = new byte[] { 1, 2, 3, 4, 5, 6 };
            fixed (byte* p = overlap) MemoryOperations.Copy(p + 2, p, 4);
            Assert.Equal(new byte[] { 1, 2, 1, 2, 3, 4 }, overlap);
            Assert.Throws<ArgumentException>(() => MemoryOperations.Copy(new byte[4], new byte[3]));
            Assert.Throws<ArgumentOutOfRangeException>(() => MemoryOperations.Copy(new byte[4], 2, new byte[4], 0, 3));
        }
    }
}
