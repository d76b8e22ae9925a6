using System;
using System.Collections.Generic;
using Cosmos.Core;
using Cosmos.HAL.Bus.Pci;

namespace Cosmos.HAL.Devices.Graphics
{
    /// <summary>
    /// The Bochs/QEMU display adapter ("BGA", QEMU <c>-vga std</c>, PCI 1234:1111; VirtualBox's 80EE:BEEF speaks the same
    /// interface) through its "dispi" registers: 16-bit registers selected by writing their index to I/O port 0x1CE and
    /// read or written at 0x1CF (Bochs <c>vbe.h</c> / QEMU <c>hw/display/vga.c</c>): 0 ID (0xB0C0–0xB0C5), 1 XRES, 2 YRES,
    /// 3 BPP, 4 ENABLE (bit 0 enabled, bit 1 get capabilities: XRES/YRES/BPP then read the maxima, bit 6 linear
    /// framebuffer, bit 7 keep memory), 5 BANK, 6 VIRT_WIDTH, 7 VIRT_HEIGHT, 8 X_OFFSET, 9 Y_OFFSET, 10 video memory in
    /// 64 KiB units. The pixels are the linear framebuffer at BAR0. Modes are set at run time: 16 (<see cref="PixelFormat.Rgb565"/>),
    /// 24 (<see cref="PixelFormat.Rgb888"/>) or 32 bpp (<see cref="PixelFormat.Xrgb8888"/>), any size up to the adapter's maxima
    /// that fits the video memory. <see cref="Disable"/> clears ENABLE, which gives the screen back to the VGA (text mode
    /// when the VGA registers still hold it).
    /// </summary>
    public sealed unsafe class BochsVbe : Framebuffer
    {
        /// <summary>Index port of the dispi registers.</summary>
        public const ushort IndexPort = 0x1CE;
        /// <summary>Data port of the dispi registers.</summary>
        public const ushort DataPort = 0x1CF;

        private const ushort RegId = 0, RegXRes = 1, RegYRes = 2, RegBpp = 3, RegEnable = 4, RegBank = 5, RegVirtWidth = 6, RegVirtHeight = 7,
            RegXOffset = 8, RegYOffset = 9, RegVideoMemory64K = 10;
        private const ushort Enabled = 0x01, GetCaps = 0x02, LinearFramebuffer = 0x40;

        /// <summary>The mode <see cref="Device.Start"/> sets when the adapter is not already in a dispi mode, and the first of <see cref="GetModes"/>.</summary>
        public static readonly FramebufferMode PreferredMode = new FramebufferMode(1024, 768, 32);

        private static readonly (int W, int H)[] s_sizes =
        {
            (1024, 768), (640, 480), (800, 600), (1152, 864), (1280, 720), (1280, 800), (1280, 1024), (1366, 768), (1440, 900), (1600, 900),
            (1600, 1200), (1680, 1050), (1920, 1080), (1920, 1200),
        };

        private byte* _lfb;
        private ulong _vramBytes;

        /// <summary>A driver for <paramref name="pci"/> (touches no hardware).</summary>
        public BochsVbe(PCIDevice pci) : base(string.Concat("BGA ", (pci ?? throw new ArgumentNullException(nameof(pci))).Address.ToString()), pci)
        {
            Pci = pci;
        }

        /// <summary>The PCI function.</summary>
        public PCIDevice Pci { get; }

        /// <summary>True for QEMU/Bochs's 1234:1111 and VirtualBox's 80EE:BEEF.</summary>
        public static bool Handles(PCIDevice pci) => (pci.VendorID == 0x1234 && pci.DeviceID == 0x1111) || (pci.VendorID == 0x80EE && pci.DeviceID == 0xBEEF);

        /// <summary>The dispi interface version the adapter reports in register 0 (0xB0C0–0xB0C5; QEMU 7.2: see docs/FACTS.md).</summary>
        public ushort Version { get; private set; }

        /// <summary>Largest width, height and depth the adapter accepts (read with the get-capabilities bit).</summary>
        public FramebufferMode MaxMode { get; private set; }

        /// <summary>Video memory in bytes (register 10, or BAR0's size when the register reads 0).</summary>
        public ulong VideoMemory => _vramBytes;

        /// <summary>Physical address of the linear framebuffer (BAR0).</summary>
        public ulong FramebufferAddress { get; private set; }

        /// <inheritdoc/>
        public override Span<byte> Memory => _lfb != null ? new Span<byte>(_lfb, Pitch * Height) : throw new InvalidOperationException(string.Concat(Name, ": not started (", StartError ?? "Start was not called", ")"));

        /// <inheritdoc/>
        public override bool CanSetMode => true;

        /// <summary>Reads dispi register <paramref name="index"/>.</summary>
        public static ushort ReadRegister(ushort index)
        {
            IOPort.Write16(IndexPort, index);
            return IOPort.Read16(DataPort);
        }

        /// <summary>Writes dispi register <paramref name="index"/>.</summary>
        public static void WriteRegister(ushort index, ushort value)
        {
            IOPort.Write16(IndexPort, index);
            IOPort.Write16(DataPort, value);
        }

        /// <summary>
        /// Checks the ID register, maps BAR0, reads the maxima and the memory size; keeps a dispi mode already set (by
        /// GRUB's VBE calls) or sets <see cref="PreferredMode"/>.
        /// </summary>
        protected override bool OnStart(out string error)
        {
            ushort id = ReadRegister(RegId);
            if ((id & 0xFFF0) != 0xB0C0) { error = string.Concat("no dispi interface (ID register reads ", HalFormat.Hex(id, 4), ")"); return false; }
            Version = id;
            var bar = Pci.BaseAddressBar.Length > 0 ? Pci.BaseAddressBar[0] : null;
            if (bar == null || !bar.IsMemory || bar.BaseAddress == 0 || bar.Size == 0) { error = "BAR0 (the linear framebuffer) is not an assigned memory BAR"; return false; }
            FramebufferAddress = Pci.MapMemoryBar(0);
            _lfb = (byte*)FramebufferAddress;
            ulong mem = (ulong)ReadRegister(RegVideoMemory64K) << 16;
            _vramBytes = mem != 0 && mem <= bar.Size ? mem : bar.Size;

            ushort enable = ReadRegister(RegEnable);
            WriteRegister(RegEnable, (ushort)(enable | GetCaps));
            MaxMode = new FramebufferMode(ReadRegister(RegXRes), ReadRegister(RegYRes), ReadRegister(RegBpp));
            WriteRegister(RegEnable, enable);

            if ((enable & Enabled) != 0 && Adopt()) { error = null; return true; }
            try { Program(PreferredMode); }
            catch (NotSupportedException e) { error = e.Message; return false; }
            error = null;
            return true;
        }

        /// <summary>Takes over the dispi mode already set, when this driver can draw it.</summary>
        private bool Adopt()
        {
            int w = ReadRegister(RegXRes), h = ReadRegister(RegYRes), bpp = ReadRegister(RegBpp), virt = ReadRegister(RegVirtWidth);
            PixelFormat f = FormatOf(bpp);
            if (f == PixelFormat.Unknown || w == 0 || h == 0 || virt < w) return false;
            if (ReadRegister(RegXOffset) != 0 || ReadRegister(RegYOffset) != 0) return false;
            if ((ReadRegister(RegEnable) & LinearFramebuffer) == 0) return false;
            SetGeometry(w, h, virt * (bpp / 8), f);
            return true;
        }

        private static PixelFormat FormatOf(int bpp) => bpp switch
        {
            32 => PixelFormat.Xrgb8888,
            24 => PixelFormat.Rgb888,
            16 => PixelFormat.Rgb565,
            _ => PixelFormat.Unknown,
        };

        private void SetGeometry(int w, int h, int pitch, PixelFormat f)
        {
            Width = w;
            Height = h;
            Pitch = pitch;
            Format = f;
        }

        /// <summary>
        /// The preferred mode first, then the common sizes at 32, 24 and 16 bpp that fit the adapter's maxima and memory.
        /// <see cref="SetMode"/> takes any other size within the limits as well.
        /// </summary>
        public override FramebufferMode[] GetModes()
        {
            var list = new List<FramebufferMode>();
            int[] depths = { 32, 24, 16 };
            foreach (int bpp in depths)
                foreach (var (w, h) in s_sizes)
                {
                    var m = new FramebufferMode(w, h, bpp);
                    if (Fits(m)) list.Add(m);
                }
            if (list.Count == 0) list.Add(CurrentMode);
            return list.ToArray();
        }

        private bool Fits(FramebufferMode m) =>
            FormatOf(m.BitsPerPixel) != PixelFormat.Unknown && m.Width > 0 && m.Height > 0
            && m.Width <= MaxMode.Width && m.Height <= MaxMode.Height && m.BitsPerPixel <= MaxMode.BitsPerPixel
            && (ulong)m.Width * (ulong)(m.BitsPerPixel / 8) * (ulong)m.Height <= _vramBytes;

        /// <summary>
        /// Switches to <paramref name="mode"/>: ENABLE cleared, XRES, YRES, BPP and the offsets written, then ENABLE set
        /// with the linear-framebuffer bit (the adapter clears the memory). The values are read back.
        /// </summary>
        /// <exception cref="NotSupportedException">The depth is not 16, 24 or 32, the size exceeds the maxima or memory, or the adapter did not take the mode.</exception>
        /// <exception cref="InvalidOperationException">The device is not started.</exception>
        public override void SetMode(FramebufferMode mode)
        {
            if (!IsStarted) throw new InvalidOperationException(string.Concat(Name, ": not started"));
            Program(mode);
        }

        private void Program(FramebufferMode mode)
        {
            if (!Fits(mode))
                throw new NotSupportedException(string.Concat(Name, ": mode ", mode.ToString(), " is not available (depths 16, 24, 32; at most ",
                    MaxMode.ToString(), "; ", (_vramBytes >> 10).ToString(), " KiB of video memory)"));
            WriteRegister(RegEnable, 0);
            WriteRegister(RegXRes, (ushort)mode.Width);
            WriteRegister(RegYRes, (ushort)mode.Height);
            WriteRegister(RegBpp, (ushort)mode.BitsPerPixel);
            WriteRegister(RegBank, 0);
            WriteRegister(RegEnable, Enabled | LinearFramebuffer);
            WriteRegister(RegXOffset, 0);
            WriteRegister(RegYOffset, 0);
            int w = ReadRegister(RegXRes), h = ReadRegister(RegYRes), bpp = ReadRegister(RegBpp), virt = ReadRegister(RegVirtWidth);
            if (w != mode.Width || h != mode.Height || bpp != mode.BitsPerPixel || virt < w || ReadRegister(RegVirtHeight) < h)
            {
                WriteRegister(RegEnable, 0);
                throw new NotSupportedException(string.Concat(Name, ": the adapter did not take mode ", mode.ToString(), " (reads back ",
                    w.ToString(), "x", h.ToString(), "x", bpp.ToString(), ", virtual width ", virt.ToString(), ")"));
            }
            SetGeometry(w, h, virt * (bpp / 8), FormatOf(bpp));
        }

        /// <summary>Clears ENABLE: the VGA shows its own mode again (text mode when the boot left one). A later <see cref="SetMode"/> enables the dispi mode again.</summary>
        public override void Disable()
        {
            if (IsStarted) WriteRegister(RegEnable, 0);
        }
    }
}
