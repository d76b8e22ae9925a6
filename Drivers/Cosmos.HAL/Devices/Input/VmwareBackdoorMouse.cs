using System;
using Cosmos.Core;

namespace Cosmos.HAL.Devices.Input
{
    /// <summary>
    /// The absolute pointer of VMware's backdoor ("vmmouse"; QEMU emulates it on the pc machine with vmport on): I/O
    /// port 5658h with the magic 564D5868h in EAX and a command in ECX — GETVERSION (10), ABSPOINTER_DATA (39),
    /// ABSPOINTER_STATUS (40), ABSPOINTER_COMMAND (41). Start: GETVERSION must answer the magic; READ_ID (45414552h)
    /// then one status word and the version word 3442554Ah; REQUEST_ABSOLUTE (53424152h). Then the pointer reports
    /// absolute positions 0–FFFFh on both axes in 4-word packets (buttons/flags, X, Y, wheel) and the PS/2 mouse falls
    /// silent. Packet decoding is <see cref="Decode"/> (pure, host-tested).
    /// </summary>
    public sealed unsafe class VmwareBackdoorMouse : Device
    {
        private const uint Magic = 0x564D5868;
        private const ushort Port = 0x5658;
        private const uint GetVersion = 10, AbsData = 39, AbsStatus = 40, AbsCommand = 41;
        private const uint CmdReadId = 0x45414552, CmdDisable = 0x000000F5, CmdRequestAbsolute = 0x53424152;
        private const uint VersionId = 0x3442554A;
        private static VmwareBackdoorMouse s_instance;
        private bool _present;

        /// <summary>The device (created on first use; registered by <see cref="PcPlatform"/>).</summary>
        public static VmwareBackdoorMouse Instance => s_instance ??= new VmwareBackdoorMouse();

        private VmwareBackdoorMouse() : base("VMware absolute pointer", DeviceClass.Input, DeviceStage.Drivers) { }

        /// <summary>True when the backdoor answered and absolute mode is on.</summary>
        public static bool IsPresent => s_instance?._present ?? false;

        private static void Call(uint command, uint ebx, out uint eax, out uint ebxOut, out uint ecx, out uint edx)
        {
            uint* r = stackalloc uint[4];
            r[0] = Magic; r[1] = ebx; r[2] = command; r[3] = Port;
            Native.VmwareBackdoor(r);
            eax = r[0]; ebxOut = r[1]; ecx = r[2]; edx = r[3];
        }

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            Call(GetVersion, ~Magic, out uint version, out uint magic, out _, out _);
            if (magic != Magic || version == 0xFFFFFFFF) { error = "no VMware backdoor (GETVERSION did not answer the magic)"; return false; }
            Call(AbsCommand, CmdReadId, out _, out _, out _, out _);
            Call(AbsStatus, 0, out uint status, out _, out _, out _);
            if ((status & 0xFFFF) < 1 || (status & 0xFFFF0000) == 0xFFFF0000) { error = "the backdoor has no absolute pointer (status " + HalFormat.Hex(status) + ")"; return false; }
            Call(AbsData, 1, out uint id, out _, out _, out _);
            if (id != VersionId) { error = "unexpected absolute pointer version " + HalFormat.Hex(id); return false; }
            Call(AbsCommand, CmdRequestAbsolute, out _, out _, out _, out _);
            _present = true;
            error = null;
            return true;
        }

        /// <summary>Turns absolute mode off (the PS/2 mouse reports movement again).</summary>
        public static void Disable()
        {
            if (!IsPresent) return;
            Call(AbsCommand, CmdDisable, out _, out _, out _, out _);
            s_instance._present = false;
        }

        /// <summary>
        /// The next packet: <paramref name="x"/>, <paramref name="y"/> in 0–65535 across the screen, <paramref name="dz"/>
        /// wheel clicks, buttons. False when none is queued (or the device reset its queue: absolute mode is asked for again).
        /// </summary>
        public static bool TryReadPacket(out int x, out int y, out int dz, out PS2MouseButtons buttons)
        {
            x = y = dz = 0; buttons = 0;
            if (!IsPresent) return false;
            Call(AbsStatus, 0, out uint status, out _, out _, out _);
            if ((status & 0xFFFF0000) == 0xFFFF0000) { Call(AbsCommand, CmdRequestAbsolute, out _, out _, out _, out _); return false; }
            if ((status & 0xFFFF) < 4) return false;
            Call(AbsData, 4, out uint flags, out uint bx, out uint cx, out uint dx);
            Decode(flags, bx, cx, dx, out x, out y, out dz, out buttons);
            return true;
        }

        /// <summary>
        /// Decodes a packet's four words: flags and buttons (left 20h, right 10h, middle 08h), X, Y (0–FFFFh) and the wheel
        /// (a signed byte; positive: scrolled down, towards the user).
        /// </summary>
        public static void Decode(uint flags, uint xWord, uint yWord, uint zWord, out int x, out int y, out int dz, out PS2MouseButtons buttons)
        {
            x = (int)(xWord & 0xFFFF);
            y = (int)(yWord & 0xFFFF);
            dz = (sbyte)(byte)zWord;
            buttons = ((flags & 0x20) != 0 ? PS2MouseButtons.Left : 0) | ((flags & 0x10) != 0 ? PS2MouseButtons.Right : 0) | ((flags & 0x08) != 0 ? PS2MouseButtons.Middle : 0);
        }
    }
}
