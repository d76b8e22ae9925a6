namespace Cosmos.HAL.Devices.Display
{
    /// <summary>What the Multiboot2 framebuffer tag (type 8) says is on screen.</summary>
    public enum FramebufferKind
    {
        /// <summary>No framebuffer tag on a BIOS boot: assume VGA text mode.</summary>
        NoTag,
        /// <summary>No framebuffer tag, but an EFI system table tag (11 or 12): a UEFI boot where the loader set no text mode; VGA text memory is not shown.</summary>
        NoTagUefi,
        /// <summary>framebuffer_type 0: indexed-colour graphics mode (VGA text memory is not shown).</summary>
        IndexedGraphics,
        /// <summary>framebuffer_type 1: direct RGB graphics (typical for UEFI GOP; VGA text memory is not shown).</summary>
        RgbGraphics,
        /// <summary>framebuffer_type 2: EGA-compatible text mode (address/width/height in characters).</summary>
        EgaText,
        /// <summary>A malformed tag or an unknown framebuffer_type.</summary>
        Unknown,
    }
}
