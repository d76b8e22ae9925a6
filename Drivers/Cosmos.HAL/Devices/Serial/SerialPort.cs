using System;
using Cosmos.Core;

namespace Cosmos.HAL
{
    /// <summary>Standard PC serial port I/O bases (Cosmos API name).</summary>
    public enum COMPort : ushort
    {
        /// <summary>COM1, I/O 0x3F8 (IRQ 4).</summary>
        COM1 = 0x3F8,
        /// <summary>COM2, I/O 0x2F8 (IRQ 3).</summary>
        COM2 = 0x2F8,
        /// <summary>COM3, I/O 0x3E8 (IRQ 4).</summary>
        COM3 = 0x3E8,
        /// <summary>COM4, I/O 0x2E8 (IRQ 3).</summary>
        COM4 = 0x2E8,
    }

    /// <summary>Baud rates reachable from the 16550's 1.8432 MHz / 16 = 115200 Hz base (value = bits per second).</summary>
    public enum BaudRate : uint
    {
        /// <summary>115200 bit/s (divisor 1).</summary>
        BaudRate115200 = 115200,
        /// <summary>57600 bit/s (divisor 2).</summary>
        BaudRate57600 = 57600,
        /// <summary>38400 bit/s (divisor 3).</summary>
        BaudRate38400 = 38400,
        /// <summary>19200 bit/s (divisor 6).</summary>
        BaudRate19200 = 19200,
        /// <summary>9600 bit/s (divisor 12).</summary>
        BaudRate9600 = 9600,
    }

    /// <summary>
    /// 16550 UART, polled (Cosmos API name). Registers at base+0..7: RBR/THR (DLL when
    /// LCR.DLAB=1), IER (DLM), IIR/FCR, LCR, MCR, LSR, MSR, SCR. <see cref="Initialize(uint)"/> sets
    /// 8 data bits, no parity, 1 stop bit, FIFOs on, interrupts off. Text is sent as UTF-8.
    /// One instance per port; COM1 is the registered device <see cref="Com1"/> (stage
    /// <see cref="DeviceStage.Console"/>, the first device started at boot). Starting the device
    /// (<see cref="Device.Start"/>) is <see cref="Initialize(uint)"/> at 115200 bit/s.
    /// Source: TI/National PC16550D datasheet; OSDev wiki "Serial Ports".
    /// </summary>
    public sealed class SerialPort : Device
    {
        /// <summary>UART input clock divided by 16: the rate for divisor 1, in bit/s.</summary>
        public const uint BaseRate = 115200;

        private const int RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, FCR = 2, IIR = 2, LCR = 3, MCR = 4, LSR = 5, SCR = 7;
        private const byte LsrDataReady = 0x01;

        private static SerialPort s_com1;
        private char _pendingHighSurrogate;
        private bool _stalled;

        /// <summary>I/O base address.</summary>
        public ushort BaseAddress { get; }
        /// <summary>True after <see cref="Initialize(uint)"/> found a working UART (scratch register and loopback test passed).</summary>
        public bool IsPresent { get; private set; }
        /// <summary>True when the 16550A FIFOs reported enabled (IIR bits 7-6 = 11).</summary>
        public bool HasFifo { get; private set; }
        /// <summary>Why the port is unusable, or null.</summary>
        public string Error { get; private set; }
        /// <summary>When true, <see cref="Write(char)"/>/<see cref="Write(string)"/> send "\r\n" for '\n' (for raw terminals). Default false.</summary>
        public bool TranslateNewLine { get; set; }
        /// <summary>Bytes dropped because the transmitter stayed busy past <see cref="UartTransmitter"/>'s timeout (the reader at the other end is gone, broken UART).</summary>
        public ulong DroppedBytes { get; private set; }

        /// <summary>A port object for <paramref name="port"/> (not registered); call <see cref="Initialize(uint)"/> or <see cref="Device.Start"/> before use.</summary>
        public SerialPort(COMPort port = COMPort.COM1) : this((ushort)port, DeviceStage.OnDemand) { }

        /// <summary>A port object for an arbitrary I/O base (not registered).</summary>
        public SerialPort(ushort baseAddress) : this(baseAddress, DeviceStage.OnDemand) { }

        private SerialPort(ushort baseAddress, DeviceStage stage)
            : base(NameFor(baseAddress), DeviceClass.Serial, stage)
        {
            BaseAddress = baseAddress;
        }

        /// <summary>"COM1".."COM4" for the standard bases, else "16550 at 0x...".</summary>
        public static string NameFor(ushort baseAddress) => baseAddress switch
        {
            (ushort)COMPort.COM1 => "COM1",
            (ushort)COMPort.COM2 => "COM2",
            (ushort)COMPort.COM3 => "COM3",
            (ushort)COMPort.COM4 => "COM4",
            _ => string.Concat("16550 at ", HalFormat.Hex(baseAddress)),
        };

        /// <summary>
        /// COM1 as registered in <see cref="DeviceRegistry"/> (registered on first use when the platform has not done
        /// so yet), started (115200 8N1) on first use. Check <see cref="IsPresent"/>: without a UART writes are dropped.
        /// </summary>
        public static SerialPort Com1
        {
            get
            {
                var p = s_com1 ?? RegisterCom1();
                if (p.State == DeviceState.NotStarted) p.Start();
                return p;
            }
        }

        /// <summary>Registers COM1 (stage <see cref="DeviceStage.Console"/>) unless it is; returns it, not started.</summary>
        internal static SerialPort RegisterCom1()
        {
            if (s_com1 != null)
            {
                if (!s_com1.IsRegistered) DeviceRegistry.Register(s_com1);
                return s_com1;
            }
            var p = DeviceRegistry.Find("COM1") as SerialPort;
            if (p == null)
            {
                p = new SerialPort((ushort)COMPort.COM1, DeviceStage.Console);
                DeviceRegistry.Register(p);
            }
            s_com1 = p;
            return p;
        }

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            bool ok = Initialize(BaseRate);
            error = Error;
            return ok;
        }

        /// <summary>Divisor latch value for <paramref name="bitsPerSecond"/>; 0 when it does not divide 115200 exactly.</summary>
        public static ushort DivisorFor(uint bitsPerSecond)
        {
            if (bitsPerSecond == 0 || bitsPerSecond > BaseRate || BaseRate % bitsPerSecond != 0) return 0;
            return (ushort)(BaseRate / bitsPerSecond);
        }

        /// <summary>
        /// Detects and programs the UART: scratch register test (writes 0x5A/0xA5 to SCR), then
        /// 8N1 at <paramref name="bitsPerSecond"/> with FIFOs enabled and cleared (14-byte
        /// trigger), interrupts off, then an internal loopback test (MCR bit 4) with byte 0xAE,
        /// then normal mode with DTR and RTS set. Returns <see cref="IsPresent"/> and sets the device's
        /// <see cref="Device.State"/> accordingly.
        /// </summary>
        /// <exception cref="ArgumentException">The rate does not divide 115200.</exception>
        public bool Initialize(uint bitsPerSecond = BaseRate)
        {
            ushort divisor = DivisorFor(bitsPerSecond);
            if (divisor == 0) throw new ArgumentException(string.Concat("baud rate ", HalFormat.Dec((ulong)bitsPerSecond), " does not divide 115200"));
            IsPresent = false;
            Error = null;

            Out(SCR, 0x5A);
            byte s1 = In(SCR);
            Out(SCR, 0xA5);
            byte s2 = In(SCR);
            if (s1 != 0x5A || s2 != 0xA5) { Error = string.Concat("no UART at ", HalFormat.Hex(BaseAddress), " (scratch register test failed)"); MarkFailed(Error); return false; }

            Out(IER, 0x00);
            Out(LCR, 0x80);                    // DLAB
            Out(DLL, (byte)divisor);
            Out(DLM, (byte)(divisor >> 8));
            Out(LCR, 0x03);                    // 8 bits, no parity, 1 stop, DLAB off
            Out(FCR, 0xC7);                    // enable FIFO, clear RX/TX, 14-byte trigger
            HasFifo = (In(IIR) & 0xC0) == 0xC0;

            Out(MCR, 0x1E);                    // loopback, RTS, OUT1, OUT2
            Out(THR, 0xAE);
            bool echoed = false;
            for (int i = 0; i < 10_000; i++)
            {
                if ((In(LSR) & LsrDataReady) != 0) { echoed = In(RBR) == 0xAE; break; }
                IOPort.Wait();
            }
            if (!echoed) { Out(MCR, 0x03); Error = string.Concat("UART at ", HalFormat.Hex(BaseAddress), " failed the loopback test"); MarkFailed(Error); return false; }

            Out(MCR, 0x03);                    // normal operation: DTR, RTS (OUT2 off: no IRQ yet)
            IsPresent = true;
            MarkStarted();
            return true;
        }

        /// <summary>Same as <see cref="Initialize(uint)"/> with a <see cref="BaudRate"/> value.</summary>
        public bool Initialize(BaudRate rate) => Initialize((uint)rate);

        /// <summary>
        /// Sends one byte, waiting for the transmit holding register to empty: a short spin, then (when the thread may
        /// block) one scheduler tick at a time, so a host that reads the port slowly neither loses bytes nor has a
        /// guest spinning on LSR (<see cref="UartTransmitter"/>). Does nothing when the port is not present; counts the
        /// byte in <see cref="DroppedBytes"/> when the transmitter stayed busy past the timeout.
        /// </summary>
        public void Write(byte value)
        {
            if (!IsPresent) return;
            if (UartTransmitter.WaitForEmpty((ushort)(BaseAddress + LSR), ref _stalled)) Out(THR, value);
            else DroppedBytes++;
        }

        /// <summary>Sends <paramref name="data"/> byte by byte.</summary>
        public void Write(ReadOnlySpan<byte> data)
        {
            for (int i = 0; i < data.Length; i++) Write(data[i]);
        }

        /// <summary>
        /// Sends one UTF-16 code unit as UTF-8. A high surrogate is held until the next call; a
        /// lone surrogate is sent as U+FFFD.
        /// </summary>
        public void Write(char c)
        {
            Span<byte> buf = stackalloc byte[8];
            int n = 0;
            if (_pendingHighSurrogate != '\0')
            {
                char high = _pendingHighSurrogate;
                _pendingHighSurrogate = '\0';
                if (char.IsLowSurrogate(c))
                {
                    n = EncodeUtf8Scalar(char.ConvertToUtf32(high, c), buf);
                    Write(buf.Slice(0, n));
                    return;
                }
                n = EncodeUtf8Scalar(0xFFFD, buf);
                Write(buf.Slice(0, n));
            }
            if (char.IsHighSurrogate(c)) { _pendingHighSurrogate = c; return; }
            if (c == '\n' && TranslateNewLine) Write((byte)'\r');
            n = EncodeUtf8Scalar(char.IsLowSurrogate(c) ? 0xFFFD : c, buf);
            Write(buf.Slice(0, n));
        }

        /// <summary>Sends <paramref name="text"/> as UTF-8 (surrogate pairs combined, lone surrogates as U+FFFD). Null sends nothing.</summary>
        public void Write(string text)
        {
            if (text == null) return;
            for (int i = 0; i < text.Length; i++) Write(text[i]);
        }

        /// <summary>Sends <paramref name="text"/> then a newline.</summary>
        public void WriteLine(string text)
        {
            Write(text);
            Write('\n');
        }

        /// <summary>Reads a received byte if one is waiting (LSR.DR); never blocks.</summary>
        public bool TryRead(out byte value)
        {
            if (IsPresent && (In(LSR) & LsrDataReady) != 0)
            {
                value = In(RBR);
                return true;
            }
            value = 0;
            return false;
        }

        /// <summary>
        /// Encodes one Unicode scalar value (0..0x10FFFF, surrogates excluded; anything else becomes
        /// U+FFFD) as 1-4 UTF-8 bytes into <paramref name="destination"/> (at least 4 bytes).
        /// Returns the byte count. RFC 3629 §3.
        /// </summary>
        public static int EncodeUtf8Scalar(int scalar, Span<byte> destination)
        {
            if (scalar < 0 || scalar > 0x10FFFF || (scalar >= 0xD800 && scalar <= 0xDFFF)) scalar = 0xFFFD;
            if (scalar < 0x80) { destination[0] = (byte)scalar; return 1; }
            if (scalar < 0x800)
            {
                destination[0] = (byte)(0xC0 | (scalar >> 6));
                destination[1] = (byte)(0x80 | (scalar & 0x3F));
                return 2;
            }
            if (scalar < 0x10000)
            {
                destination[0] = (byte)(0xE0 | (scalar >> 12));
                destination[1] = (byte)(0x80 | ((scalar >> 6) & 0x3F));
                destination[2] = (byte)(0x80 | (scalar & 0x3F));
                return 3;
            }
            destination[0] = (byte)(0xF0 | (scalar >> 18));
            destination[1] = (byte)(0x80 | ((scalar >> 12) & 0x3F));
            destination[2] = (byte)(0x80 | ((scalar >> 6) & 0x3F));
            destination[3] = (byte)(0x80 | (scalar & 0x3F));
            return 4;
        }

        /// <summary>
        /// Encodes UTF-16 <paramref name="text"/> as UTF-8 into <paramref name="destination"/>
        /// (needs at most 3 bytes per char). Lone surrogates become U+FFFD. Returns the byte count.
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
        public static int EncodeUtf8(ReadOnlySpan<char> text, Span<byte> destination)
        {
            int n = 0;
            Span<byte> tmp = stackalloc byte[4];
            for (int i = 0; i < text.Length; i++)
            {
                int scalar = text[i];
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    scalar = char.ConvertToUtf32(text[i], text[i + 1]);
                    i++;
                }
                int len = EncodeUtf8Scalar(scalar, tmp);
                if (n + len > destination.Length) throw new ArgumentException("destination too small for the UTF-8 encoding");
                tmp.Slice(0, len).CopyTo(destination.Slice(n));
                n += len;
            }
            return n;
        }

        private void Out(int reg, byte value) => IOPort.Write8((ushort)(BaseAddress + reg), value);
        private byte In(int reg) => IOPort.Read8((ushort)(BaseAddress + reg));
    }
}
