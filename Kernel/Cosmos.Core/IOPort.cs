namespace Cosmos.Core
{
    /// <summary>
    /// An x86 I/O port (Intel SDM Vol. 1 §19). Cosmos API name; a thin typed wrapper over
    /// the X# IN/OUT helpers.
    /// </summary>
    public readonly struct IOPort
    {
        /// <summary>The 16-bit port number.</summary>
        public readonly ushort Port;

        /// <summary>Port <paramref name="port"/>.</summary>
        public IOPort(ushort port) { Port = port; }
        /// <summary>Port <paramref name="baseAddress"/> + <paramref name="offset"/>.</summary>
        public IOPort(ushort baseAddress, ushort offset) { Port = (ushort)(baseAddress + offset); }

        /// <summary>8-bit IN.</summary>
        public byte Byte { get => Native.InB(Port); set => Native.OutB(Port, value); }
        /// <summary>16-bit IN/OUT.</summary>
        public ushort Word { get => Native.InW(Port); set => Native.OutW(Port, value); }
        /// <summary>32-bit IN/OUT.</summary>
        public uint DWord { get => Native.InD(Port); set => Native.OutD(Port, value); }

        /// <summary>8-bit OUT to <paramref name="port"/>.</summary>
        public static void Write8(ushort port, byte value) => Native.OutB(port, value);
        /// <summary>16-bit OUT to <paramref name="port"/>.</summary>
        public static void Write16(ushort port, ushort value) => Native.OutW(port, value);
        /// <summary>32-bit OUT to <paramref name="port"/>.</summary>
        public static void Write32(ushort port, uint value) => Native.OutD(port, value);
        /// <summary>8-bit IN from <paramref name="port"/>.</summary>
        public static byte Read8(ushort port) => Native.InB(port);
        /// <summary>16-bit IN from <paramref name="port"/>.</summary>
        public static ushort Read16(ushort port) => Native.InW(port);
        /// <summary>32-bit IN from <paramref name="port"/>.</summary>
        public static uint Read32(ushort port) => Native.InD(port);

        /// <summary>A write to port 0x80 (POST code), about 1 µs on PC hardware; used as an I/O delay.</summary>
        public static void Wait() => Native.OutB(0x80, 0);
    }
}
