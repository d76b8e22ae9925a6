using System;

namespace Cosmos.HAL.Devices.Input
{
    /// <summary>Mouse buttons as the PS/2 packet reports them (byte 0, bits 0–2).</summary>
    [Flags]
    public enum PS2MouseButtons : byte
    {
        /// <summary>No button.</summary>
        None = 0,
        /// <summary>Left button.</summary>
        Left = 1,
        /// <summary>Right button.</summary>
        Right = 2,
        /// <summary>Middle button.</summary>
        Middle = 4,
    }

    /// <summary>
    /// Assembles PS/2 mouse packets (IBM PS/2 Technical Reference, "Pointing Device"; IntelliMouse extension): 3 bytes
    /// for a standard mouse, 4 with a wheel (device ID 3). Byte 0: buttons (bits 0–2), bit 3 always set, X and Y sign
    /// (bits 4, 5), X and Y overflow (bits 6, 7); bytes 1 and 2: the 9-bit two's-complement X and Y movement (Y up is
    /// positive); byte 3: the wheel as a signed 4-bit value (positive: towards the user). A byte 0 without bit 3 cannot
    /// start a packet and is dropped (resynchronisation); a packet with an overflow bit reports no movement on that
    /// axis. Pure: host-tested.
    /// </summary>
    public sealed class PS2MousePacketDecoder
    {
        private readonly byte[] _bytes = new byte[4];
        private int _count;

        /// <summary>True when packets have the fourth (wheel) byte.</summary>
        public bool HasWheel { get; set; }

        /// <summary>Bytes dropped while looking for a packet start.</summary>
        public long Resyncs { get; private set; }

        /// <summary>
        /// Feeds one byte; true when it completes a packet: <paramref name="dx"/> right-positive, <paramref name="dy"/>
        /// up-positive, <paramref name="dz"/> wheel clicks (positive: scrolled down, towards the user).
        /// </summary>
        public bool Feed(byte b, out int dx, out int dy, out int dz, out PS2MouseButtons buttons)
        {
            dx = dy = dz = 0;
            buttons = PS2MouseButtons.None;
            if (_count == 0 && (b & 0x08) == 0) { Resyncs++; return false; }
            _bytes[_count++] = b;
            if (_count < (HasWheel ? 4 : 3)) return false;
            _count = 0;
            byte flags = _bytes[0];
            buttons = (PS2MouseButtons)(flags & 7);
            if ((flags & 0x40) == 0) dx = _bytes[1] - ((flags & 0x10) != 0 ? 256 : 0);
            if ((flags & 0x80) == 0) dy = _bytes[2] - ((flags & 0x20) != 0 ? 256 : 0);
            if (HasWheel) dz = (sbyte)(byte)(_bytes[3] << 4) >> 4;
            return true;
        }

        /// <summary>Forgets a partial packet.</summary>
        public void Reset() => _count = 0;
    }
}
