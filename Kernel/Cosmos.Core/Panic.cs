namespace Cosmos.Core
{
    /// <summary>
    /// Last-resort reporting that works before the heap, the console or the drivers exist:
    /// writes straight to COM1 (16550 at 0x3F8, polling LSR bit 5) and to VGA text memory
    /// (0xB8000, white on red), never allocates, then halts the CPU (CLI; HLT forever).
    /// Every report line starts with <see cref="Marker"/> so the test runner can detect it.
    /// </summary>
    public static unsafe class Panic
    {
        /// <summary>Prefix of every panic line on serial.</summary>
        public const string Marker = "!!! PANIC: ";

        private static int s_vgaRow;
        private static int s_vgaCol;
        private static bool s_inPanic;

        /// <summary>Reports <paramref name="message"/> and halts. Never returns.</summary>
        public static void Halt(string message)
        {
            Begin();
            Write(message);
            End();
        }

        /// <summary>Reports "<paramref name="message"/> 0x<paramref name="value"/>" and halts. Never returns.</summary>
        public static void Halt(string message, ulong value)
        {
            Begin();
            Write(message);
            Write(" 0x");
            WriteHex(value);
            End();
        }

        /// <summary>Starts a multi-part panic report (call <see cref="Write(string)"/> then <see cref="End"/>).</summary>
        public static void Begin()
        {
            Native.Cli();
            if (s_inPanic)
            {
                Write("\n(nested panic)\n");
            }
            s_inPanic = true;
            s_vgaRow = 0; s_vgaCol = 0;
            Write("\n");
            Write(Marker);
        }

        /// <summary>Ends the report and halts forever.</summary>
        public static void End()
        {
            Write("\nSystem halted.\n");
            Native.HaltForever();
        }

        /// <summary>Writes text (UTF-16 code units below 0x80 as-is, others as '?').</summary>
        public static void Write(string s)
        {
            if (s == null) { Write("(null)"); return; }
            for (int i = 0; i < s.Length; i++) WriteChar(s[i]);
        }

        /// <summary>Writes <paramref name="value"/> as 16 hex digits.</summary>
        public static void WriteHex(ulong value)
        {
            for (int shift = 60; shift >= 0; shift -= 4)
            {
                int d = (int)((value >> shift) & 0xF);
                WriteChar((char)(d < 10 ? '0' + d : 'A' + d - 10));
            }
        }

        /// <summary>Writes <paramref name="value"/> in decimal.</summary>
        public static void WriteDecimal(ulong value)
        {
            char* buf = stackalloc char[20];
            int n = 0;
            do { buf[n++] = (char)('0' + (int)(value % 10)); value /= 10; } while (value != 0);
            while (n > 0) WriteChar(buf[--n]);
        }

        /// <summary>Writes one character to COM1 and VGA.</summary>
        public static void WriteChar(char c)
        {
            byte b = c < 0x80 ? (byte)c : (byte)'?';
            if (b == (byte)'\n') SerialRaw((byte)'\r');
            SerialRaw(b);
            VgaRaw(b);
        }

        private static void SerialRaw(byte b)
        {
            for (int spin = 0; spin < 100000; spin++)
            {
                if ((Native.InB(0x3FD) & 0x20) != 0) break;
            }
            Native.OutB(0x3F8, b);
        }

        private static void VgaRaw(byte b)
        {
            if (b == (byte)'\r') return;
            if (b == (byte)'\n') { s_vgaCol = 0; s_vgaRow++; }
            else
            {
                ushort* cell = (ushort*)0xB8000 + s_vgaRow * 80 + s_vgaCol;
                *cell = (ushort)(0x4F00 | b);
                if (++s_vgaCol == 80) { s_vgaCol = 0; s_vgaRow++; }
            }
            if (s_vgaRow >= 25) s_vgaRow = 0;
        }
    }
}
