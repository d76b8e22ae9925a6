using System;
using Cosmos.HAL.Devices.Input;

namespace Cosmos.System
{
    /// <summary>Mouse buttons (Cosmos API).</summary>
    [Flags]
    public enum MouseState
    {
        /// <summary>No button held.</summary>
        None = 0,
        /// <summary>Left button held.</summary>
        Left = 1,
        /// <summary>Right button held.</summary>
        Right = 2,
        /// <summary>Middle button held.</summary>
        Middle = 4,
    }

    /// <summary>
    /// Cosmos API: where the pointer is and which buttons are held, from the PS/2 mouse. The pointer starts in the middle
    /// of <see cref="ScreenWidth"/> × <see cref="ScreenHeight"/> (pixels; set them to the canvas's mode) and stays inside
    /// it; every read of a property first takes the packets that arrived (polled: call a property, or
    /// <see cref="Update"/>, at least a few times a second). Y grows downwards as on the screen. Without a mouse the
    /// position stays where it was set and no button is held.
    /// </summary>
    public static class MouseManager
    {
        private static uint s_x = 320, s_y = 240, s_width = 640, s_height = 480;
        private static int s_dx, s_dy, s_scroll;
        private static MouseState s_state, s_last;

        /// <summary>Horizontal position, pixels from the left (0 … ScreenWidth − 1).</summary>
        public static uint X { get { Update(); return s_x; } set { s_x = Math.Min(value, s_width - 1); } }
        /// <summary>Vertical position, pixels from the top (0 … ScreenHeight − 1).</summary>
        public static uint Y { get { Update(); return s_y; } set { s_y = Math.Min(value, s_height - 1); } }
        /// <summary>Buttons held now.</summary>
        public static MouseState MouseState { get { Update(); return s_state; } }
        /// <summary>Buttons held before the last change of <see cref="MouseState"/>.</summary>
        public static MouseState LastMouseState { get { Update(); return s_last; } }
        /// <summary>Horizontal movement of the last packet, pixels (right positive).</summary>
        public static int DeltaX { get { Update(); return s_dx; } }
        /// <summary>Vertical movement of the last packet, pixels (down positive).</summary>
        public static int DeltaY { get { Update(); return s_dy; } }
        /// <summary>Wheel clicks since the last read of this property (positive: scrolled down, towards the user); then 0.</summary>
        public static int ScrollDelta { get { Update(); int v = s_scroll; s_scroll = 0; return v; } }
        /// <summary>Mouse speed multiplier (Cosmos API; 1 = one pixel per count).</summary>
        public static float MouseSensitivity { get; set; } = 1f;

        /// <summary>Width of the area the pointer moves in, pixels (at least 1).</summary>
        public static uint ScreenWidth
        {
            get => s_width;
            set { s_width = Math.Max(1u, value); s_x = Math.Min(s_x, s_width - 1); }
        }

        /// <summary>Height of the area the pointer moves in, pixels (at least 1).</summary>
        public static uint ScreenHeight
        {
            get => s_height;
            set { s_height = Math.Max(1u, value); s_y = Math.Min(s_y, s_height - 1); }
        }

        /// <summary>True when a PS/2 mouse or the VMware absolute pointer answered at boot.</summary>
        public static bool IsPresent => PS2Mouse.IsPresent || VmwareBackdoorMouse.IsPresent;

        /// <summary>True when positions come from the VMware/QEMU absolute pointer (vmmouse) rather than PS/2 movement.</summary>
        public static bool IsAbsolute => VmwareBackdoorMouse.IsPresent;

        /// <summary>Takes every packet waiting and moves the pointer.</summary>
        public static void Update()
        {
            // The absolute pointer (VMware/QEMU vmmouse) when it is on: positions scaled from 0..65535 to the screen.
            while (VmwareBackdoorMouse.TryReadPacket(out int ax, out int ay, out int az, out PS2MouseButtons ab))
            {
                uint nx = (uint)((long)ax * s_width / 65536), ny = (uint)((long)ay * s_height / 65536);
                s_dx = (int)nx - (int)s_x; s_dy = (int)ny - (int)s_y;
                s_x = Math.Min(nx, s_width - 1); s_y = Math.Min(ny, s_height - 1);
                s_scroll += az;
                var state = (MouseState)(int)ab;
                if (state != s_state) { s_last = s_state; s_state = state; }
            }
            while (PS2Mouse.TryReadPacket(out int dx, out int dy, out int dz, out PS2MouseButtons b))
            {
                // With the absolute pointer on, the PS/2 mouse only carries the empty packets QEMU and VMware send to
                // raise IRQ 12 for it (their buttons are stale): drained, not applied.
                if (VmwareBackdoorMouse.IsPresent) continue;
                int mx = (int)(dx * MouseSensitivity), my = (int)(-dy * MouseSensitivity);
                s_dx = mx; s_dy = my;
                s_x = (uint)Math.Clamp((long)s_x + mx, 0, s_width - 1);
                s_y = (uint)Math.Clamp((long)s_y + my, 0, s_height - 1);
                s_scroll += dz;
                var state = (MouseState)(int)b;
                if (state != s_state) { s_last = s_state; s_state = state; }
            }
        }
    }
}
