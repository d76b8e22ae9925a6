namespace Cosmos.Core
{
    /// <summary>
    /// Last-resort reporting that works before the heap, the console or the drivers exist:
    /// writes straight to COM1 (16550 at 0x3F8, polling LSR bit 5) and to VGA text memory
    /// (0xB8000, white on red), never allocates, then halts the CPU (CLI; HLT forever), or resets the machine
    /// when <see cref="RebootOnPanic"/> is set. Every report starts with <see cref="Marker"/> and ends with
    /// the line <see cref="HaltedLine"/> or <see cref="RebootingLine"/>, so the test runner can detect it.
    /// </summary>
    public static unsafe class Panic
    {
        /// <summary>Prefix of every panic line on serial.</summary>
        public const string Marker = "!!! PANIC: ";
        /// <summary>Last line of a report that halts.</summary>
        public const string HaltedLine = "System halted.";
        /// <summary>Last line of a report that resets the machine.</summary>
        public const string RebootingLine = "Rebooting.";

        /// <summary>
        /// When true, every panic (unhandled CPU exception, unhandled managed exception, runtime fail-fast,
        /// <see cref="Halt(string)"/>) resets the machine after its report instead of halting: what an unattended
        /// machine wants. Default false (the report stays on screen).
        /// </summary>
        public static bool RebootOnPanic;

        /// <summary>
        /// When set (test kernels: Cosmos.TestRunner), a halting panic ends QEMU after its report by writing
        /// <see cref="DebugExitValue"/> to QEMU's isa-debug-exit device at <see cref="DebugExitPort"/> (QEMU then exits
        /// with status (value &lt;&lt; 1) | 1), so the exit status alone tells the outcome. Leave it unset outside QEMU's
        /// test machine: port 0xF4 is not reserved on real hardware. Ignored when <see cref="RebootOnPanic"/> is set.
        /// </summary>
        public static bool DebugExitOnPanic;
        /// <summary>Value written to <see cref="DebugExitPort"/> after a panic report when <see cref="DebugExitOnPanic"/> is set.</summary>
        public static byte DebugExitValue;
        /// <summary>I/O port of QEMU's isa-debug-exit device in the test machine (Cosmos.TestRunner.TestProtocol.DebugExitPort).</summary>
        public const ushort DebugExitPort = 0xF4;

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

        /// <summary>Ends the report and halts forever, or resets the machine when <see cref="RebootOnPanic"/> is set. Never returns.</summary>
        public static void End()
        {
            Write("\n");
            if (RebootOnPanic)
            {
                Write(RebootingLine);
                Write("\n");
                Reset();
            }
            Write(HaltedLine);
            Write("\n");
            if (DebugExitOnPanic) Native.OutB(DebugExitPort, DebugExitValue);
            Native.HaltForever();
        }

        /// <summary>
        /// Resets the machine without help from drivers or ACPI: the 8042 keyboard controller's reset line (command
        /// 0xFE on port 0x64), then the PCI reset control register (0x06 to port 0xCF9), then a triple fault (an empty
        /// IDT and a touch of the unmapped null page). Never returns. The driverless tail of the one reset chain: Cosmos.HAL's
        /// MachineReset.Reboot tries the drivers' reset methods first and ends here; a panic runs only this part.
        /// </summary>
        public static void Reset()
        {
            Native.Cli();
            Native.OutB(0x64, 0xFE);
            Native.OutB(0xCF9, 0x06);
            byte* empty = stackalloc byte[16];
            *(ushort*)empty = 0;
            *(ulong*)(empty + 2) = 0;
            Native.Lidt(empty);
            System.Threading.Volatile.Read(ref *(byte*)0);
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

        private static bool s_serialStalled;

        /// <summary>A panic waits up to this long (ms) for a host that reads COM1 slowly: its last lines are the report.</summary>
        private const int SerialTimeoutMs = 5000;

        private static void SerialRaw(byte b)
        {
            if (UartTransmitter.WaitForEmpty(0x3FD, ref s_serialStalled, SerialTimeoutMs)) Native.OutB(0x3F8, b);
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
