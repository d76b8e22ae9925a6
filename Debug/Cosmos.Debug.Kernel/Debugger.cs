using System.Runtime.CompilerServices;
using Cosmos.Core;

namespace Cosmos.Debug.Kernel
{
    /// <summary>
    /// A kernel's debug channel (Cosmos API: <c>Cosmos.System.Kernel.mDebugger</c>, <c>new Debugger("Section")</c>).
    /// Every message is one line on COM1 (I/O port 0x3F8, 16550 UART: each byte waits, bounded, for THR-empty, LSR bit 5
    /// at 0x3FD, see Cosmos.Core.UartTransmitter): <c>[Section] text</c>. Characters outside ASCII are sent as '?'.
    /// Cosmos's Visual Studio debug stub and its binary channel protocol do not exist here; the text lines are what the
    /// test runner's serial log shows, and <see cref="Break"/> is a breakpoint address for gdb (QEMU's -s).
    /// COM1 must have been initialized (Cosmos.System.Kernel.Start does it before BeforeRun).
    /// </summary>
    public class Debugger
    {
        private const ushort Com1 = 0x3F8;
        private const ushort Com1LineStatus = Com1 + 5;

        /// <summary>Creates a debugger whose lines start with <c>[<paramref name="section"/>]</c>.</summary>
        public Debugger(string section) { Section = section ?? ""; }

        /// <summary>Name shown in brackets before each line.</summary>
        public string Section { get; }

        /// <summary>Sends one line: <c>[Section] text</c>.</summary>
        public void Send(string text) => SendLine(text);

        /// <summary>Sends each string as its own line.</summary>
        public void Send(string[] stringArray)
        {
            if (stringArray == null) { SendLine("(null)"); return; }
            for (int i = 0; i < stringArray.Length; i++) SendLine(stringArray[i]);
        }

        /// <summary>Sends a number in decimal and hexadecimal: <c>[Section] 42 (0x2A)</c>.</summary>
        public void SendNumber(int number) => SendLine(number.ToString() + " (0x" + ((uint)number).ToString("X") + ")");
        /// <inheritdoc cref="SendNumber(int)"/>
        public void SendNumber(uint number) => SendLine(number.ToString() + " (0x" + number.ToString("X") + ")");
        /// <inheritdoc cref="SendNumber(int)"/>
        public void SendNumber(long number) => SendLine(number.ToString() + " (0x" + ((ulong)number).ToString("X") + ")");
        /// <inheritdoc cref="SendNumber(int)"/>
        public void SendNumber(ulong number) => SendLine(number.ToString() + " (0x" + number.ToString("X") + ")");
        /// <summary>Sends a floating-point number in decimal.</summary>
        public void SendNumber(float number) => SendLine(number.ToString());
        /// <inheritdoc cref="SendNumber(float)"/>
        public void SendNumber(double number) => SendLine(number.ToString());

        /// <summary>
        /// Announces a break on COM1 (<c>[Section] break</c>) and calls <see cref="BreakHere"/>, the function to set a
        /// gdb breakpoint on (<c>hbreak Cosmos_Debug_Kernel_Cosmos_Debug_Kernel_Debugger__BreakHere</c>, see README §Debugging).
        /// Execution continues when no debugger is attached.
        /// </summary>
        public void Break()
        {
            SendLine("break");
            BreakHere();
        }

        /// <summary>The breakpoint target of <see cref="Break"/>: never inlined, so its symbol stays in the ELF.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void BreakHere() => Native.Pause();

        private void SendLine(string text)
        {
            WriteRaw("[");
            WriteRaw(Section);
            WriteRaw("] ");
            WriteRaw(text ?? "(null)");
            WriteByte((byte)'\n');
        }

        private static void WriteRaw(string s)
        {
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                WriteByte(c < 0x80 ? (byte)c : (byte)'?');
            }
        }

        private static bool s_stalled;

        private static void WriteByte(byte b)
        {
            // As Cosmos.HAL's SerialPort: sleeps while the host end is behind, drops the byte only when it stays busy (UartTransmitter).
            if (UartTransmitter.WaitForEmpty(Com1LineStatus, ref s_stalled)) Native.OutB(Com1, b);
        }
    }
}
