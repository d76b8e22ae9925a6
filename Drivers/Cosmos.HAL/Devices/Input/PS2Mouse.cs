using System;
using Cosmos.Core;

namespace Cosmos.HAL.Devices.Input
{
    /// <summary>
    /// The PS/2 mouse on the 8042's second port (IBM PS/2 Technical Reference, "Keyboard/Auxiliary Device Controller"
    /// and "Pointing Device"). Start: enable port 2 (command A8h) and its clock in the configuration byte, then through
    /// D4h ("write to the auxiliary device"): Set Defaults (F6h), the IntelliMouse knock (Set Sample Rate 200, 100, 80,
    /// then Get Device ID F2h: 3 means a wheel and 4-byte packets), Enable Data Reporting (F4h). Bytes are polled, not
    /// taken on IRQ 12: the controller has one output byte for both ports, so the keyboard and mouse readers hand each
    /// other the bytes that are not theirs (QEMU queues the device's bytes behind the controller, so none are lost; on
    /// real hardware a mouse that is not polled often enough can lose bytes, and the decoder resynchronises).
    /// </summary>
    public sealed class PS2Mouse : Device
    {
        private const byte Ack = 0xFA;
        private static PS2Mouse s_instance;
        private readonly PS2MousePacketDecoder _decoder = new();
        private readonly byte[] _pending = new byte[256];
        private int _head, _count;
        private bool _present;

        /// <summary>The mouse device (created on first use; registered by <see cref="PcPlatform"/>).</summary>
        public static PS2Mouse Instance => s_instance ??= new PS2Mouse();

        private PS2Mouse() : base("PS/2 mouse", DeviceClass.Input, DeviceStage.Platform, parent: PS2Controller.Instance) { }

        /// <summary>True when a mouse answered on port 2.</summary>
        public static bool IsPresent => s_instance?._present ?? false;
        /// <summary>True when the mouse has a wheel (device ID 3).</summary>
        public static bool HasWheel => s_instance != null && s_instance._decoder.HasWheel;
        /// <summary>The device ID the mouse reported (0 standard, 3 wheel).</summary>
        public static byte DeviceId { get; private set; }

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            if (!PS2Controller.IsPresent && !PS2Controller.Initialize()) { error = "no 8042 controller: " + PS2Controller.Error; return false; }
            if (!PS2Controller.SendCommand(0xA8)) { error = "the controller refused to enable port 2"; return false; }
            if (!PS2Controller.TryCommand(0x20, out byte cfg)) { error = "no configuration byte"; return false; }
            PS2Controller.SendCommand(0x60, (byte)(cfg & ~PS2Controller.ConfigPort2ClockDisabled & ~PS2Controller.ConfigPort2Interrupt));
            if (!Command(0xF6)) { error = "no mouse on port 2 (Set Defaults was not acknowledged)"; return false; }
            Command(0xF3); Command(200); Command(0xF3); Command(100); Command(0xF3); Command(80);
            if (Command(0xF2) && ReadAux(out byte id)) DeviceId = id;
            _decoder.HasWheel = DeviceId == 3 || DeviceId == 4;
            if (!Command(0xF4)) { error = "the mouse did not acknowledge Enable Data Reporting"; return false; }
            _present = true;
            error = null;
            return true;
        }

        /// <summary>Sends a byte to the mouse (D4h prefix) and waits for its acknowledge (FAh); keyboard bytes met meanwhile go to the keyboard.</summary>
        private static bool Command(byte b)
        {
            if (!PS2Controller.SendCommand(0xD4, b)) return false;
            return ReadAux(out byte r) && r == Ack;
        }

        private static bool ReadAux(out byte value)
        {
            for (int i = 0; i < 200_000; i++)
            {
                if (PS2Controller.TryRead(out value, out bool aux))
                {
                    if (aux) return true;
                    PS2Keyboard.Enqueue(value);
                }
                else IOPort.Wait();
            }
            value = 0;
            return false;
        }

        /// <summary>Queues a mouse byte the keyboard reader met.</summary>
        internal static void Enqueue(byte b)
        {
            var m = Instance;
            if (m._count == m._pending.Length) return;   // full: drop the newest byte (the decoder resynchronises)
            m._pending[(m._head + m._count) % m._pending.Length] = b;
            m._count++;
        }

        /// <summary>
        /// The next complete packet, from bytes queued by the keyboard reader or read from the controller now (keyboard
        /// bytes met on the way are queued for the keyboard). Never blocks.
        /// </summary>
        public static bool TryReadPacket(out int dx, out int dy, out int dz, out PS2MouseButtons buttons)
        {
            dx = dy = dz = 0; buttons = 0;
            var m = s_instance;
            if (m == null || !m._present) return false;
            for (int guard = 0; guard < 64; guard++)
            {
                byte b;
                if (m._count > 0)
                {
                    b = m._pending[m._head];
                    m._head = (m._head + 1) % m._pending.Length;
                    m._count--;
                }
                else
                {
                    if (!PS2Controller.TryRead(out b, out bool aux)) return false;
                    if (!aux) { PS2Keyboard.Enqueue(b); continue; }
                }
                if (m._decoder.Feed(b, out dx, out dy, out dz, out buttons)) return true;
            }
            return false;
        }

        /// <summary>"PS/2 mouse (Input, Started): wheel" / "3 buttons".</summary>
        public override string ToString() => _present ? string.Concat(base.ToString(), ": ", _decoder.HasWheel ? "wheel" : "3 buttons") : base.ToString();
    }
}
