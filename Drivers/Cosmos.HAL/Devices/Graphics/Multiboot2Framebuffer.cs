using System;
using Cosmos.Core;
using Cosmos.Core.Memory;

namespace Cosmos.HAL.Devices.Graphics
{
    /// <summary>
    /// The linear framebuffer the boot loader left, as described by the Multiboot2 framebuffer tag (type 8): a VBE mode
    /// GRUB set through the BIOS, or the UEFI GOP mode. It works wherever GRUB runs (any adapter, real machines too), but
    /// its mode is fixed: <see cref="Framebuffer.SetMode"/> accepts only the current mode and <see cref="Disable"/> cannot
    /// return to text mode (under UEFI there is none). Which mode GRUB sets is chosen at build time (the kernel's
    /// <c>CosmosGraphicsMode</c>, written to grub.cfg as <c>gfxpayload</c>). Start fails, with the reason in
    /// <see cref="Device.StartError"/>, when there is no tag, when it describes VGA text or indexed colour, or when the
    /// pixel layout is not one of <see cref="PixelFormat"/>'s.
    /// </summary>
    public sealed unsafe class Multiboot2Framebuffer : Framebuffer
    {
        private static Multiboot2Framebuffer s_instance;
        private byte* _pixels;
        private int _length;

        private Multiboot2Framebuffer() : base("Multiboot2 framebuffer")
        {
        }

        /// <summary>The one instance (touches no hardware until started).</summary>
        public static Multiboot2Framebuffer Instance => s_instance ??= new Multiboot2Framebuffer();

        /// <summary>The decoded tag, once <see cref="Device.Start"/> found one (also when the start failed because the mode is text or indexed).</summary>
        public Multiboot2FramebufferTag? Tag { get; private set; }

        /// <summary>Physical address of the pixels (0 before a successful start).</summary>
        public ulong Address { get; private set; }

        /// <inheritdoc/>
        public override Span<byte> Memory => _pixels != null ? new Span<byte>(_pixels, _length) : throw new InvalidOperationException(string.Concat(Name, ": not started (", StartError ?? "Start was not called", ")"));

        /// <summary>
        /// Reads the framebuffer tag; the pixels are identity-mapped (the boot path maps the first 4 GiB; a framebuffer
        /// above that is mapped uncached here).
        /// </summary>
        protected override bool OnStart(out string error)
        {
            byte* tag = Multiboot2.FindTag(Multiboot2.TagFramebuffer);
            if (tag == null) { error = "the boot loader passed no framebuffer tag"; return false; }
            if (!Multiboot2FramebufferTag.TryParse(new ReadOnlySpan<byte>(tag, (int)*(uint*)(tag + 4)), out var t, out error)) return false;
            Tag = t;
            return Accept(t, out error);
        }

        private bool Accept(in Multiboot2FramebufferTag t, out string error)
        {
            if (t.Type == Multiboot2FramebufferTag.TypeEgaText) { error = "the screen is in VGA text mode (" + t.ToString() + ")"; return false; }
            if (t.Type != Multiboot2FramebufferTag.TypeRgb) { error = "not a direct-colour framebuffer (" + t.ToString() + ")"; return false; }
            PixelFormat f = t.Format;
            if (f == PixelFormat.Unknown) { error = "pixel layout not supported (" + t.ToString() + ")"; return false; }
            if (t.Address == 0 || t.Width == 0 || t.Height == 0 || t.Width > 16384 || t.Height > 16384 || t.Pitch < t.Width * (uint)(PixelFormats.BitsPerPixel(f) / 8))
            { error = "implausible framebuffer geometry (" + t.ToString() + ")"; return false; }
            ulong length = (ulong)t.Pitch * t.Height;
            if (length > int.MaxValue) { error = "framebuffer larger than 2 GiB (" + t.ToString() + ")"; return false; }
            if (t.Address + length > Paging.BootMappedLimit) Paging.MapUncached(t.Address, length);
            Address = t.Address;
            _pixels = (byte*)t.Address;
            _length = (int)length;
            Width = (int)t.Width;
            Height = (int)t.Height;
            Pitch = (int)t.Pitch;
            Format = f;
            error = null;
            return true;
        }

        /// <summary>
        /// Nothing to switch: the boot loader's mode stays (BIOS VBE modes could be left through the adapter's own driver,
        /// UEFI has no text mode). The screen keeps its content.
        /// </summary>
        public override void Disable()
        {
        }
    }
}
