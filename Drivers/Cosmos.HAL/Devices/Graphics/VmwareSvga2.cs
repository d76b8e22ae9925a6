using System;
using System.Collections.Generic;
using System.Threading;
using Cosmos.Core;
using Cosmos.Core.Memory;
using Cosmos.HAL.Bus.Pci;

namespace Cosmos.HAL.Devices.Graphics
{
    /// <summary>
    /// VMware SVGA II (PCI 15AD:0405: VMware's virtual GPU, QEMU <c>-vga vmware</c>), in its 2D subset. Source: VMware's
    /// "SVGA Device Interface and Programming Model" and the register layout of its <c>svga_reg.h</c>.
    /// <para>
    /// Registers are 32-bit, reached through I/O BAR0: the index at base + 0, the value at base + 1. Start writes the
    /// highest ID the driver speaks (SVGA_ID_2 = 0x90000002) to register 0 (ID) and reads back what the device accepts,
    /// trying ID 1 and ID 0 next; then reads FB_START (13), VRAM_SIZE (15), MEM_START (18, the command FIFO), MEM_SIZE (19),
    /// CAPABILITIES (17), MAX_WIDTH (4) and MAX_HEIGHT (5). A mode is WIDTH (2), HEIGHT (3) and BITS_PER_PIXEL (7) written
    /// while ENABLE (1) is set; BYTES_PER_LINE (12) and FB_OFFSET (14) then give the pitch and where the visible pixels
    /// start; RED/GREEN/BLUE_MASK (9–11) the pixel layout.
    /// </para>
    /// <para>
    /// The command FIFO is memory shared with the device: u32 registers MIN (0), MAX (1), NEXT_CMD (2), STOP (3) give the
    /// byte offsets of the ring [MIN, MAX), where the driver writes its next command and where the device reads; the
    /// driver sets them up and writes CONFIG_DONE (20) = 1. <see cref="Update"/> queues SVGA_CMD_UPDATE (1, x, y, width,
    /// height): the device copies that rectangle to the screen. When the ring is full the driver writes SYNC (21) = 1 and
    /// waits for BUSY (22) to read 0, which means the device consumed everything (<see cref="Sync"/>).
    /// </para>
    /// QEMU emulates 32 bpp only; <see cref="Disable"/> clears ENABLE and the VGA shows its own mode again.
    /// </summary>
    public sealed unsafe class VmwareSvga2 : Framebuffer
    {
        private const int RegId = 0, RegEnable = 1, RegWidth = 2, RegHeight = 3, RegMaxWidth = 4, RegMaxHeight = 5, RegDepth = 6,
            RegBitsPerPixel = 7, RegRedMask = 9, RegGreenMask = 10, RegBlueMask = 11, RegBytesPerLine = 12, RegFbStart = 13,
            RegFbOffset = 14, RegVramSize = 15, RegCapabilities = 17, RegMemStart = 18, RegMemSize = 19, RegConfigDone = 20,
            RegSync = 21, RegBusy = 22;

        /// <summary>SVGA_ID_0, the first version of the interface; IDs are 0x90000000 + version.</summary>
        public const uint Id0 = 0x9000_0000;
        /// <summary>SVGA_ID_2, the version this driver asks for first.</summary>
        public const uint Id2 = 0x9000_0002;

        private const int FifoMin = 0, FifoMax = 1, FifoNextCmd = 2, FifoStop = 3;
        /// <summary>Where the command ring starts inside the FIFO memory: room for the FIFO registers (4 basic, up to a few hundred extended ones).</summary>
        private const uint FifoRingStart = 4096;
        private const uint CmdUpdate = 1;

        /// <summary>The mode <see cref="Device.Start"/> sets and the first of <see cref="GetModes"/>.</summary>
        public static readonly FramebufferMode PreferredMode = new FramebufferMode(1024, 768, 32);

        private static readonly (int W, int H)[] s_sizes =
        {
            (1024, 768), (640, 480), (800, 600), (1152, 864), (1280, 720), (1280, 800), (1280, 1024), (1366, 768), (1440, 900), (1600, 900),
            (1600, 1200), (1680, 1050), (1920, 1080), (1920, 1200),
        };

        private ushort _io;
        private byte* _vram;
        private uint* _fifo;
        private ulong _fbStart, _fifoStart;
        private uint _vramSize, _fifoSize;
        private int _fbOffset;
        private bool _enabled;

        /// <summary>A driver for <paramref name="pci"/> (touches no hardware).</summary>
        public VmwareSvga2(PCIDevice pci) : base(string.Concat("SVGA II ", (pci ?? throw new ArgumentNullException(nameof(pci))).Address.ToString()), pci)
        {
            Pci = pci;
        }

        /// <summary>The PCI function.</summary>
        public PCIDevice Pci { get; }

        /// <summary>True for 15AD:0405.</summary>
        public static bool Handles(PCIDevice pci) => pci.VendorID == 0x15AD && pci.DeviceID == 0x0405;

        /// <summary>The negotiated interface version (0, 1 or 2).</summary>
        public int Version { get; private set; }

        /// <summary>CAPABILITIES register (bit flags, e.g. 0x8000 extended FIFO).</summary>
        public uint Capabilities { get; private set; }

        /// <summary>Largest width and height (MAX_WIDTH, MAX_HEIGHT) at 32 bpp.</summary>
        public FramebufferMode MaxMode { get; private set; }

        /// <summary>VRAM_SIZE in bytes.</summary>
        public uint VideoMemory => _vramSize;

        /// <summary>MEM_SIZE: bytes of FIFO memory.</summary>
        public uint FifoSize => _fifoSize;

        /// <summary>Physical address of the framebuffer (FB_START).</summary>
        public ulong FramebufferAddress => _fbStart;

        /// <summary>UPDATE commands queued since start.</summary>
        public ulong UpdatesQueued { get; private set; }

        /// <summary>Times the driver waited for the device to drain the FIFO.</summary>
        public ulong Syncs { get; private set; }

        /// <inheritdoc/>
        public override Span<byte> Memory => _vram != null ? new Span<byte>(_vram + _fbOffset, Pitch * Height) : throw new InvalidOperationException(string.Concat(Name, ": not started (", StartError ?? "Start was not called", ")"));

        /// <inheritdoc/>
        public override bool CanSetMode => true;

        /// <summary>Reads register <paramref name="index"/>.</summary>
        public uint ReadRegister(int index)
        {
            IOPort.Write32(_io, (uint)index);
            return IOPort.Read32((ushort)(_io + 1));
        }

        /// <summary>Writes register <paramref name="index"/>.</summary>
        public void WriteRegister(int index, uint value)
        {
            IOPort.Write32(_io, (uint)index);
            IOPort.Write32((ushort)(_io + 1), value);
        }

        /// <summary>Negotiates the ID, maps the framebuffer and the FIFO, sets <see cref="PreferredMode"/> and sets up the FIFO.</summary>
        protected override bool OnStart(out string error)
        {
            var bar0 = Pci.BaseAddressBar.Length > 0 ? Pci.BaseAddressBar[0] : null;
            if (bar0 == null || !bar0.IsIO || bar0.BaseAddress == 0) { error = "BAR0 is not an assigned I/O BAR"; return false; }
            _io = (ushort)bar0.BaseAddress;
            Pci.EnableIO(true);
            Pci.EnableMemorySpace(true);

            Version = -1;
            for (uint v = 2; ; v--)
            {
                WriteRegister(RegId, Id0 + v);
                if (ReadRegister(RegId) == Id0 + v) { Version = (int)v; break; }
                if (v == 0) break;
            }
            if (Version < 0) { error = string.Concat("the device accepted none of SVGA_ID_2, _1, _0 (ID reads ", HalFormat.Hex(ReadRegister(RegId), 8), ")"); return false; }

            _fbStart = ReadRegister(RegFbStart);
            _vramSize = ReadRegister(RegVramSize);
            _fifoStart = ReadRegister(RegMemStart);
            _fifoSize = ReadRegister(RegMemSize);
            Capabilities = Version >= 1 ? ReadRegister(RegCapabilities) : 0;
            MaxMode = new FramebufferMode((int)ReadRegister(RegMaxWidth), (int)ReadRegister(RegMaxHeight), 32);
            if (_fbStart == 0 || _vramSize == 0) { error = "no framebuffer (FB_START " + HalFormat.Hex(_fbStart) + ", VRAM_SIZE " + _vramSize.ToString() + ")"; return false; }
            if (_fifoStart == 0 || _fifoSize < FifoRingStart + 16384) { error = "no usable command FIFO (MEM_START " + HalFormat.Hex(_fifoStart) + ", MEM_SIZE " + _fifoSize.ToString() + ")"; return false; }
            Paging.MapUncached(_fbStart, _vramSize);
            Paging.MapUncached(_fifoStart, _fifoSize);
            _vram = (byte*)_fbStart;
            _fifo = (uint*)_fifoStart;

            try { Program(PreferredMode); }
            catch (NotSupportedException e) { error = e.Message; return false; }

            Volatile.Write(ref _fifo[FifoMin], FifoRingStart);
            Volatile.Write(ref _fifo[FifoMax], _fifoSize);
            Volatile.Write(ref _fifo[FifoNextCmd], FifoRingStart);
            Volatile.Write(ref _fifo[FifoStop], FifoRingStart);
            WriteRegister(RegConfigDone, 1);
            error = null;
            return true;
        }

        /// <summary>
        /// The preferred mode first, then the common sizes that fit MAX_WIDTH × MAX_HEIGHT and the video memory, all at
        /// 32 bpp. <see cref="SetMode"/> takes any other size within the limits as well.
        /// </summary>
        public override FramebufferMode[] GetModes()
        {
            var list = new List<FramebufferMode>();
            foreach (var (w, h) in s_sizes)
            {
                var m = new FramebufferMode(w, h, 32);
                if (Fits(m)) list.Add(m);
            }
            if (list.Count == 0) list.Add(CurrentMode);
            return list.ToArray();
        }

        private bool Fits(FramebufferMode m) =>
            m.BitsPerPixel == 32 && m.Width > 0 && m.Height > 0 && m.Width <= MaxMode.Width && m.Height <= MaxMode.Height
            && (ulong)m.Width * 4 * (ulong)m.Height <= _vramSize;

        /// <summary>Switches to <paramref name="mode"/> (WIDTH, HEIGHT, BITS_PER_PIXEL, ENABLE) and reads the pitch and offset back.</summary>
        /// <exception cref="NotSupportedException">Not 32 bpp, larger than the maxima or the video memory, or the device did not take it.</exception>
        /// <exception cref="InvalidOperationException">The device is not started.</exception>
        public override void SetMode(FramebufferMode mode)
        {
            if (!IsStarted) throw new InvalidOperationException(string.Concat(Name, ": not started"));
            Program(mode);
        }

        private void Program(FramebufferMode mode)
        {
            if (!Fits(mode))
                throw new NotSupportedException(string.Concat(Name, ": mode ", mode.ToString(), " is not available (32 bpp only; at most ",
                    MaxMode.Width.ToString(), "x", MaxMode.Height.ToString(), "; ", (_vramSize >> 10).ToString(), " KiB of video memory)"));
            WriteRegister(RegWidth, (uint)mode.Width);
            WriteRegister(RegHeight, (uint)mode.Height);
            WriteRegister(RegBitsPerPixel, 32);
            WriteRegister(RegEnable, 1);
            _enabled = true;
            uint w = ReadRegister(RegWidth), h = ReadRegister(RegHeight), bpp = ReadRegister(RegBitsPerPixel), pitch = ReadRegister(RegBytesPerLine);
            uint offset = ReadRegister(RegFbOffset);
            uint r = ReadRegister(RegRedMask), g = ReadRegister(RegGreenMask), b = ReadRegister(RegBlueMask);
            PixelFormat f = bpp == 32 && r == 0xFF0000 && g == 0xFF00 && b == 0xFF ? PixelFormat.Xrgb8888
                          : bpp == 32 && r == 0xFF && g == 0xFF00 && b == 0xFF0000 ? PixelFormat.Xbgr8888 : PixelFormat.Unknown;
            if (w != (uint)mode.Width || h != (uint)mode.Height || f == PixelFormat.Unknown || pitch < w * 4 || (ulong)offset + (ulong)pitch * h > _vramSize)
                throw new NotSupportedException(string.Concat(Name, ": the device did not take mode ", mode.ToString(), " (reads back ", w.ToString(), "x", h.ToString(),
                    "x", bpp.ToString(), ", pitch ", pitch.ToString(), ", offset ", offset.ToString(), ", masks ", HalFormat.Hex(r), "/", HalFormat.Hex(g), "/", HalFormat.Hex(b), ")"));
            Width = (int)w;
            Height = (int)h;
            Pitch = (int)pitch;
            Format = f;
            _fbOffset = (int)offset;
        }

        /// <summary>Queues SVGA_CMD_UPDATE for the rectangle (waits for the device when the FIFO is full).</summary>
        public override void Update(int x, int y, int width, int height)
        {
            if (_fifo == null || !_enabled || width <= 0 || height <= 0) return;
            Span<uint> cmd = stackalloc uint[5];
            cmd[0] = CmdUpdate; cmd[1] = (uint)x; cmd[2] = (uint)y; cmd[3] = (uint)width; cmd[4] = (uint)height;
            WriteCommand(cmd);
            UpdatesQueued++;
        }

        /// <summary>
        /// Copies <paramref name="words"/> into the ring and publishes them with one NEXT_CMD write (so the device never
        /// sees half a command); syncs first while there is not room for all of them.
        /// </summary>
        private void WriteCommand(ReadOnlySpan<uint> words)
        {
            uint min = Volatile.Read(ref _fifo[FifoMin]), max = Volatile.Read(ref _fifo[FifoMax]);
            uint bytes = (uint)words.Length * 4;
            for (int tries = 0; FreeBytes(min, max) <= bytes; tries++)
            {
                if (tries == 3) throw new InvalidOperationException(string.Concat(Name, ": the command FIFO stays full (the device does not consume it)"));
                Sync();
            }
            uint next = Volatile.Read(ref _fifo[FifoNextCmd]);
            for (int i = 0; i < words.Length; i++)
            {
                Volatile.Write(ref _fifo[next / 4], words[i]);
                next += 4;
                if (next == max) next = min;
            }
            Volatile.Write(ref _fifo[FifoNextCmd], next);
        }

        private uint FreeBytes(uint min, uint max)
        {
            uint next = Volatile.Read(ref _fifo[FifoNextCmd]), stop = Volatile.Read(ref _fifo[FifoStop]);
            uint used = next >= stop ? next - stop : (max - min) - (stop - next);
            return (max - min) - used;
        }

        /// <summary>Asks the device to process the FIFO (SYNC = 1) and waits until BUSY reads 0 (nothing to do while SVGA is disabled).</summary>
        /// <exception cref="InvalidOperationException">BUSY stayed set for 10 million reads.</exception>
        public void Sync()
        {
            if (_fifo == null || !_enabled) return;
            Syncs++;
            WriteRegister(RegSync, 1);
            for (int i = 0; ReadRegister(RegBusy) != 0; i++)
            {
                if (i == 10_000_000) throw new InvalidOperationException(string.Concat(Name, ": the device stayed BUSY after SYNC"));
                Native.Pause();
            }
        }

        /// <summary>True when the device has consumed every queued command (FIFO STOP = NEXT_CMD).</summary>
        public bool FifoEmpty => _fifo != null && Volatile.Read(ref _fifo[FifoStop]) == Volatile.Read(ref _fifo[FifoNextCmd]);

        /// <summary>Clears ENABLE: the VGA shows its own mode again. A later <see cref="SetMode"/> enables SVGA again.</summary>
        public override void Disable()
        {
            if (!IsStarted) return;
            Sync();
            WriteRegister(RegEnable, 0);
            _enabled = false;
        }
    }
}
