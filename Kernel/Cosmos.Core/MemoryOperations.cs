using System;
using System.Runtime.InteropServices;

namespace Cosmos.Core
{
    /// <summary>
    /// Cosmos API: filling and copying memory. Pointer overloads take element counts (bytes for <c>byte*</c>/<c>sbyte*</c>,
    /// 2-byte units for <c>ushort*</c>/<c>short*</c>, 4-byte units for <c>uint*</c>/<c>int*</c>) except
    /// <see cref="Fill(byte*, int, int)"/>, whose size is in bytes; array overloads cover the whole destination array.
    /// Everything runs on span fills and copies (the runtime's memset/memmove: REP STOSB/MOVSB). Copies between
    /// overlapping areas behave like memmove.
    /// </summary>
    public static unsafe class MemoryOperations
    {
        /// <summary>Writes <paramref name="aSize"/> bytes at <paramref name="aDest"/> with the 4 bytes of <paramref name="aValue"/> repeated (little-endian order; a size not a multiple of 4 ends mid-value).</summary>
        /// <exception cref="ArgumentOutOfRangeException">A negative size.</exception>
        public static void Fill(byte* aDest, int aValue, int aSize)
        {
            if (aSize < 0) throw new ArgumentOutOfRangeException(nameof(aSize), "size must not be negative");
            if ((byte)aValue == (byte)(aValue >> 8) && (ushort)aValue == (ushort)(aValue >> 16)) { new Span<byte>(aDest, aSize).Fill((byte)aValue); return; }
            new Span<int>(aDest, aSize / 4).Fill(aValue);
            for (int i = aSize & ~3; i < aSize; i++) aDest[i] = (byte)(aValue >> (8 * (i & 3)));
        }

        /// <summary>Fills <paramref name="size"/> 4-byte elements with <paramref name="value"/>.</summary>
        public static void Fill(uint* dest, uint value, int size) => new Span<uint>(dest, Count(size)).Fill(value);
        /// <summary>Fills <paramref name="size"/> 4-byte elements with <paramref name="value"/>.</summary>
        public static void Fill(int* dest, int value, int size) => new Span<int>(dest, Count(size)).Fill(value);
        /// <summary>Fills <paramref name="size"/> 2-byte elements with <paramref name="value"/>.</summary>
        public static void Fill(ushort* dest, ushort value, int size) => new Span<ushort>(dest, Count(size)).Fill(value);
        /// <summary>Fills <paramref name="size"/> 2-byte elements with <paramref name="value"/>.</summary>
        public static void Fill(short* dest, short value, int size) => new Span<short>(dest, Count(size)).Fill(value);
        /// <summary>Fills <paramref name="size"/> bytes with <paramref name="value"/>.</summary>
        public static void Fill(byte* dest, byte value, int size) => new Span<byte>(dest, Count(size)).Fill(value);
        /// <summary>Fills <paramref name="size"/> bytes with <paramref name="value"/>.</summary>
        public static void Fill(sbyte* dest, sbyte value, int size) => new Span<sbyte>(dest, Count(size)).Fill(value);
        /// <summary>Fills the whole array with <paramref name="value"/>.</summary>
        public static void Fill(uint[] dest, uint value) => dest.AsSpan().Fill(value);
        /// <summary>Fills the whole array with <paramref name="value"/>.</summary>
        public static void Fill(int[] dest, int value) => dest.AsSpan().Fill(value);
        /// <summary>Fills the whole array with <paramref name="value"/>.</summary>
        public static void Fill(ushort[] dest, ushort value) => dest.AsSpan().Fill(value);
        /// <summary>Fills the whole array with <paramref name="value"/>.</summary>
        public static void Fill(short[] dest, short value) => dest.AsSpan().Fill(value);
        /// <summary>Fills the whole array with <paramref name="value"/>.</summary>
        public static void Fill(byte[] dest, byte value) => dest.AsSpan().Fill(value);
        /// <summary>Fills the whole array with <paramref name="value"/>.</summary>
        public static void Fill(sbyte[] dest, sbyte value) => dest.AsSpan().Fill(value);
        /// <summary>Copies <paramref name="src"/> into <paramref name="dest"/> (Cosmos's name for an array copy); throws ArgumentException when src is shorter than dest.</summary>
        public static void Fill(sbyte[] dest, sbyte[] src) => Copy(dest, src);

        /// <summary>Copies <paramref name="size"/> bytes.</summary>
        public static void Copy(byte* dest, byte* src, int size) => new ReadOnlySpan<byte>(src, Count(size)).CopyTo(new Span<byte>(dest, size));
        /// <summary>Copies <paramref name="size"/> bytes.</summary>
        public static void Copy(sbyte* dest, sbyte* src, int size) => Copy((byte*)dest, (byte*)src, size);
        /// <summary>Copies <paramref name="size"/> 4-byte elements.</summary>
        public static void Copy(uint* dest, uint* src, int size) => new ReadOnlySpan<uint>(src, Count(size)).CopyTo(new Span<uint>(dest, size));
        /// <summary>Copies <paramref name="size"/> 4-byte elements.</summary>
        public static void Copy(int* dest, int* src, int size) => new ReadOnlySpan<int>(src, Count(size)).CopyTo(new Span<int>(dest, size));
        /// <summary>Copies <paramref name="size"/> 2-byte elements.</summary>
        public static void Copy(ushort* dest, ushort* src, int size) => new ReadOnlySpan<ushort>(src, Count(size)).CopyTo(new Span<ushort>(dest, size));
        /// <summary>Copies <paramref name="size"/> 2-byte elements.</summary>
        public static void Copy(short* dest, short* src, int size) => new ReadOnlySpan<short>(src, Count(size)).CopyTo(new Span<short>(dest, size));
        /// <summary>Copies the first dest.Length elements of <paramref name="src"/>; ArgumentException when src is shorter.</summary>
        public static void Copy(uint[] dest, uint[] src) => Prefix(src, dest.Length).CopyTo(dest);
        /// <summary>Copies the first dest.Length elements of <paramref name="src"/>; ArgumentException when src is shorter.</summary>
        public static void Copy(int[] dest, int[] src) => Prefix(src, dest.Length).CopyTo(dest);
        /// <summary>Copies the first dest.Length elements of <paramref name="src"/>; ArgumentException when src is shorter.</summary>
        public static void Copy(ushort[] dest, ushort[] src) => Prefix(src, dest.Length).CopyTo(dest);
        /// <summary>Copies the first dest.Length elements of <paramref name="src"/>; ArgumentException when src is shorter.</summary>
        public static void Copy(short[] dest, short[] src) => Prefix(src, dest.Length).CopyTo(dest);
        /// <summary>Copies the first dest.Length elements of <paramref name="src"/>; ArgumentException when src is shorter.</summary>
        public static void Copy(byte[] dest, byte[] src) => Prefix(src, dest.Length).CopyTo(dest);
        /// <summary>Copies the first dest.Length elements of <paramref name="src"/>; ArgumentException when src is shorter.</summary>
        public static void Copy(sbyte[] dest, sbyte[] src) => Prefix(src, dest.Length).CopyTo(dest);
        /// <summary>Copies <paramref name="aCount"/> bytes between array ranges (offsets and count in bytes); ArgumentOutOfRangeException when a range leaves its array.</summary>
        public static void Copy(byte[] aDest, int aDestOffset, byte[] aSrc, int aSrcOffset, int aCount) => aSrc.AsSpan(aSrcOffset, aCount).CopyTo(aDest.AsSpan(aDestOffset, aCount));
        /// <summary>Copies <paramref name="count"/> ints between array ranges (offsets and count in elements); ArgumentOutOfRangeException when a range leaves its array.</summary>
        public static void Copy(int[] dest, int destOffset, int[] src, int srcOffset, int count) => src.AsSpan(srcOffset, count).CopyTo(dest.AsSpan(destOffset, count));

        private static int Count(int size) => size >= 0 ? size : throw new ArgumentOutOfRangeException(nameof(size), "size must not be negative");

        private static ReadOnlySpan<T> Prefix<T>(T[] src, int length) =>
            src.Length >= length ? new ReadOnlySpan<T>(src, 0, length) : throw new ArgumentException($"source has {src.Length} elements, the destination {length}", nameof(src));
    }
}
