using System;
using Cosmos.Core;

namespace Cosmos.HAL.Firmware
{
    /// <summary>
    /// QEMU's firmware configuration device (fw_cfg) through its x86 I/O ports: selector 510h (16-bit write), data 511h
    /// (8-bit reads, auto-incrementing). Source: QEMU docs/specs/fw_cfg.rst ("Selector Register", "Data Register",
    /// "File Directory" at key 19h: a big-endian 32-bit count, then 64-byte entries of big-endian 32-bit size,
    /// big-endian 16-bit key, 16 reserved bits and a 56-byte NUL-terminated name). Files come from QEMU's
    /// <c>-fw_cfg name=opt/…,string=…</c> or <c>file=…</c> options; the test runner passes per-run settings this way
    /// (e.g. the host port of a peer server). Only present under QEMU: everywhere else <see cref="IsPresent"/> is false.
    /// Not thread-safe against concurrent readers (one selector).
    /// </summary>
    public static class QemuFwCfg
    {
        private const ushort SelectorPort = 0x510, DataPort = 0x511;
        private const ushort KeySignature = 0x0000, KeyFileDirectory = 0x0019;
        private static readonly object s_lock = new object();

        /// <summary>True when the signature key reads "QEMU".</summary>
        public static bool IsPresent
        {
            get
            {
                IOPort.Write16(SelectorPort, KeySignature);
                return IOPort.Read8(DataPort) == (byte)'Q' && IOPort.Read8(DataPort) == (byte)'E'
                    && IOPort.Read8(DataPort) == (byte)'M' && IOPort.Read8(DataPort) == (byte)'U';
            }
        }

        private static uint ReadBigEndian32()
        {
            uint v = 0;
            for (int i = 0; i < 4; i++) v = v << 8 | IOPort.Read8(DataPort);
            return v;
        }

        /// <summary>
        /// The contents of file <paramref name="name"/> (e.g. "opt/cosmos/peer/udp-echo"), or null when there is no
        /// fw_cfg device or no such file. Files over 1 MiB are refused (null) — this reader is for small settings.
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="name"/> is empty or longer than 55 characters.</exception>
        public static byte[] ReadFile(string name)
        {
            if (string.IsNullOrEmpty(name) || name.Length > 55) throw new ArgumentException("fw_cfg file names are 1..55 characters", nameof(name));
            if (!IsPresent) return null;
            lock (s_lock)
            {
                IOPort.Write16(SelectorPort, KeyFileDirectory);
                uint count = ReadBigEndian32();
                if (count > 4096) return null;
                Span<byte> entryName = stackalloc byte[56];
                for (uint e = 0; e < count; e++)
                {
                    uint size = ReadBigEndian32();
                    ushort key = (ushort)(IOPort.Read8(DataPort) << 8 | IOPort.Read8(DataPort));
                    IOPort.Read8(DataPort); IOPort.Read8(DataPort);
                    for (int i = 0; i < 56; i++) entryName[i] = IOPort.Read8(DataPort);
                    if (!NameEquals(entryName, name)) continue;
                    if (size > 1 << 20) return null;
                    var data = new byte[size];
                    IOPort.Write16(SelectorPort, key);
                    for (int i = 0; i < data.Length; i++) data[i] = IOPort.Read8(DataPort);
                    return data;
                }
                return null;
            }
        }

        /// <summary>File <paramref name="name"/> as ASCII text with trailing NULs and whitespace removed, or null (see <see cref="ReadFile"/>).</summary>
        public static string ReadString(string name)
        {
            var b = ReadFile(name);
            if (b == null) return null;
            int n = b.Length;
            while (n > 0 && (b[n - 1] == 0 || b[n - 1] == (byte)' ' || b[n - 1] == (byte)'\n' || b[n - 1] == (byte)'\r')) n--;
            var c = new char[n];
            for (int i = 0; i < n; i++) c[i] = (char)b[i];
            return new string(c);
        }

        private static bool NameEquals(ReadOnlySpan<byte> entry, string name)
        {
            for (int i = 0; i < name.Length; i++) if (entry[i] != name[i]) return false;
            return entry[name.Length] == 0;
        }
    }
}
