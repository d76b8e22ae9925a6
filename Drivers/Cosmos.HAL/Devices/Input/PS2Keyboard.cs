using System;

namespace Cosmos.HAL
{
    /// <summary>
    /// Polled PS/2 keyboard on 8042 port 1 with scan code translation to set 1, decoded by
    /// <see cref="ScanCodeSet1Decoder"/> (US layout). Keyboard commands: 0xFF reset (ACK 0xFA then
    /// self-test 0xAA), 0xF0 0x02 select set 2 (translated to set 1 by the controller), 0xF4 enable
    /// scanning, 0xED set LEDs. Source: OSDev wiki "PS/2 Keyboard".
    /// </summary>
    public static class PS2Keyboard
    {
        private const byte Ack = 0xFA, Resend = 0xFE;

        private static ScanCodeSet1Decoder s_decoder;
        private static readonly byte[] s_pending = new byte[16];
        private static int s_pendingHead, s_pendingCount;

        /// <summary>True when the controller and a keyboard answered during <see cref="Initialize"/>.</summary>
        public static bool IsPresent { get; private set; }
        /// <summary>Why the keyboard is unavailable, or null.</summary>
        public static string Error { get; private set; }
        /// <summary>Non-fatal setup problems (e.g. scan code set command refused), or null.</summary>
        public static string Warning { get; private set; }

        /// <summary>The decoder holding modifier and lock state.</summary>
        public static ScanCodeSet1Decoder Decoder => s_decoder ??= new ScanCodeSet1Decoder();

        /// <summary>
        /// Initializes the 8042 (<see cref="PS2Controller.Initialize"/>), resets the keyboard,
        /// selects scan code set 2 (translated), enables scanning and sets the LEDs. Returns
        /// <see cref="IsPresent"/>; on failure <see cref="Error"/> says why. Takes up to about a
        /// second when no keyboard answers.
        /// </summary>
        public static bool Initialize()
        {
            IsPresent = false;
            Error = null;
            Warning = null;
            s_pendingCount = 0;
            Decoder.Reset();
            if (!PS2Controller.Initialize()) { Error = PS2Controller.Error; return false; }

            if (!DeviceCommand(0xFF)) { Error = "keyboard did not acknowledge reset (0xFF): no keyboard on port 1?"; return false; }
            bool passed = false;
            for (int i = 0; i < 4; i++)
            {
                if (!PS2Controller.TryWaitRead(out byte r, 1_000_000)) break;
                if (r == 0xAA) { passed = true; break; }
                if (r == 0xFC || r == 0xFD) { Error = string.Concat("keyboard self-test failed: ", HalFormat.Hex(r, 2)); return false; }
            }
            if (!passed) Warning = "keyboard did not report self-test completion (0xAA)";

            if (!DeviceCommand(0xF0) || !DeviceCommand(0x02))
                Warning = string.Concat(Warning == null ? "" : string.Concat(Warning, "; "), "keyboard refused 'select scan code set 2'");
            if (!DeviceCommand(0xF4)) { Error = "keyboard did not acknowledge 'enable scanning' (0xF4)"; return false; }
            IsPresent = true;
            UpdateLeds();
            return true;
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
            if (s_pendingCount > 0)
            {
                code = s_pending[s_pendingHead];
                s_pendingHead = (s_pendingHead + 1) % s_pending.Length;
                s_pendingCount--;
                return true;
            }
            for (int i = 0; i < 16; i++)
            {
                if (!PS2Controller.TryRead(out code, out bool aux)) return false;
                if (!aux) return true;
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
            for (int i = 0; i < 32; i++)
            {
                if (!TryReadScanCode(out byte code)) return false;
                bool got = d.TryDecode(code, out key);
                if (d.LocksChanged) UpdateLeds();
                if (got) return true;
            }
            return false;
        }

        private static void Enqueue(byte b)
        {
            if (s_pendingCount == s_pending.Length) return; // full: drop the newest byte
            s_pending[(s_pendingHead + s_pendingCount) % s_pending.Length] = b;
            s_pendingCount++;
        }
    }
}
