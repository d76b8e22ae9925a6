using System;
using Cosmos.HAL.Devices.Input;

namespace Cosmos.HAL
{
    /// <summary>
    /// Polled PS/2 keyboard on 8042 port 1 with scan code translation to set 1, decoded by
    /// <see cref="ScanCodeSet1Decoder"/> (US layout). Keyboard commands: 0xFF reset (ACK 0xFA then
    /// self-test 0xAA), 0xF0 0x02 select set 2 (translated to set 1 by the controller), 0xF4 enable
    /// scanning, 0xED set LEDs. The device (<see cref="Instance"/>, stage <see cref="DeviceStage.Platform"/>,
    /// child of <see cref="PS2Controller"/>) holds the decoder, the queue of bytes that arrived during commands and
    /// what <see cref="Initialize"/> found; starting it is <see cref="Initialize"/>. The static members forward to it.
    /// Source: OSDev wiki "PS/2 Keyboard".
    /// </summary>
    public sealed class PS2Keyboard : Device
    {
        private const byte Ack = 0xFA, Resend = 0xFE;

        private static PS2Keyboard s_instance;
        private ScanCodeSet1Decoder _decoder;
        private readonly byte[] _pending = new byte[16];
        private int _pendingHead, _pendingCount;
        private bool _present;
        private string _error, _warning;

        /// <summary>The keyboard device (created on first use; registered by <see cref="PcPlatform"/>).</summary>
        public static PS2Keyboard Instance => s_instance ??= new PS2Keyboard();

        private PS2Keyboard() : base("PS/2 keyboard", DeviceClass.Input, DeviceStage.Platform, parent: PS2Controller.Instance) { }

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            bool ok = Initialize();
            error = Error;
            return ok;
        }

        /// <summary>True when the controller and a keyboard answered during <see cref="Initialize"/>.</summary>
        public static bool IsPresent => s_instance?._present ?? false;
        /// <summary>Why the keyboard is unavailable, or null.</summary>
        public static string Error => s_instance?._error;
        /// <summary>Non-fatal setup problems (e.g. scan code set command refused), or null.</summary>
        public static string Warning => s_instance?._warning;

        /// <summary>The decoder holding modifier and lock state.</summary>
        public static ScanCodeSet1Decoder Decoder
        {
            get
            {
                var k = Instance;
                return k._decoder ??= new ScanCodeSet1Decoder();
            }
        }

        /// <summary>
        /// Initializes the 8042 (<see cref="PS2Controller.Initialize"/>), resets the keyboard,
        /// selects scan code set 2 (translated), enables scanning and sets the LEDs. Returns
        /// <see cref="IsPresent"/>; on failure <see cref="Error"/> says why. Takes up to about a
        /// second when no keyboard answers.
        /// </summary>
        public static bool Initialize()
        {
            var k = Instance;
            k._present = false;
            k._error = null;
            k._warning = null;
            k._pendingCount = 0;
            Decoder.Reset();
            if (!PS2Controller.Initialize()) return k.Fail(PS2Controller.Error);

            if (!DeviceCommand(0xFF)) return k.Fail("keyboard did not acknowledge reset (0xFF): no keyboard on port 1?");
            bool passed = false;
            for (int i = 0; i < 4; i++)
            {
                if (!PS2Controller.TryWaitRead(out byte r, 1_000_000)) break;
                if (r == 0xAA) { passed = true; break; }
                if (r == 0xFC || r == 0xFD) return k.Fail(string.Concat("keyboard self-test failed: ", HalFormat.Hex(r, 2)));
            }
            if (!passed) k._warning = "keyboard did not report self-test completion (0xAA)";

            if (!DeviceCommand(0xF0) || !DeviceCommand(0x02))
                k._warning = string.Concat(k._warning == null ? "" : string.Concat(k._warning, "; "), "keyboard refused 'select scan code set 2'");
            if (!DeviceCommand(0xF4)) return k.Fail("keyboard did not acknowledge 'enable scanning' (0xF4)");
            k._present = true;
            k.MarkStarted();
            UpdateLeds();
            return true;
        }

        private bool Fail(string why)
        {
            _error = why;
            MarkFailed(why);
            return false;
        }

        /// <summary>
        /// Sends a one-byte command to the keyboard and waits for ACK (0xFA), retrying on Resend
        /// (0xFE) up to 3 times. Other bytes that arrive meanwhile (key presses) are queued for
        /// <see cref="TryReadKey"/>. False on timeout or repeated Resend.
        /// </summary>
        public static bool DeviceCommand(byte command)
        {
            for (int attempt = 0; attempt < 3; attempt++)
            {
                if (!PS2Controller.WriteDevice1(command)) return false;
                for (int n = 0; n < 8; n++)
                {
                    if (!PS2Controller.TryWaitRead(out byte r)) return false;
                    if (r == Ack) return true;
                    if (r == Resend) goto retry;
                    Enqueue(r);
                }
                return false;
            retry:;
            }
            return false;
        }

        /// <summary>Sends the Caps/Num/Scroll Lock state to the keyboard LEDs (command 0xED).</summary>
        public static bool UpdateLeds()
        {
            var d = Decoder;
            d.LocksChanged = false;
            if (!IsPresent) return false;
            return DeviceCommand(0xED) && DeviceCommand(d.LedMask);
        }

        /// <summary>Next raw byte from the keyboard (queued or from the controller), port 2 data skipped; never blocks.</summary>
        public static bool TryReadScanCode(out byte code)
        {
            var k = s_instance;
            if (k != null && k._pendingCount > 0)
            {
                code = k._pending[k._pendingHead];
                k._pendingHead = (k._pendingHead + 1) % k._pending.Length;
                k._pendingCount--;
                return true;
            }
            for (int i = 0; i < 16; i++)
            {
                if (!PS2Controller.TryRead(out code, out bool aux)) return false;
                if (!aux) return true;
                if (PS2Mouse.IsPresent) PS2Mouse.Enqueue(code);   // the mouse's byte: hand it over
            }
            code = 0;
            return false;
        }

        /// <summary>
        /// Polls for a key press. Returns true with the decoded key; false when no complete key
        /// press is waiting (or the keyboard is absent). Lock keys update the LEDs.
        /// </summary>
        public static bool TryReadKey(out ConsoleKeyInfo key)
        {
            key = default;
            if (!IsPresent) return false;
            var d = Decoder;
            if (d.TryTakeQueued(out key)) return true;
            for (int i = 0; i < 32; i++)
            {
                if (!TryReadScanCode(out byte code)) return false;
                bool got = d.TryDecode(code, out key);
                if (d.LocksChanged) UpdateLeds();
                if (got) return true;
            }
            return false;
        }

        /// <summary>Queues <paramref name="code"/> as if the keyboard had sent it (Cosmos's TestingHelpers; tests of layouts).</summary>
        public static void InjectScanCode(byte code) => Enqueue(code);

        /// <summary>Queues a keyboard byte the mouse reader met.</summary>
        internal static void Enqueue(byte b)
        {
            var k = Instance;
            if (k._pendingCount == k._pending.Length) return; // full: drop the newest byte
            k._pending[(k._pendingHead + k._pendingCount) % k._pending.Length] = b;
            k._pendingCount++;
        }
    }
}
