using Cosmos.HAL;
using Cosmos.HAL.Devices.Graphics;

namespace Cosmos.System.Graphics
{
    /// <summary>
    /// Connects the HAL's framebuffer drivers to <see cref="FullScreenCanvas"/>: VMware SVGA II (priority 30), the
    /// Bochs/QEMU adapter (BGA, 20) and the boot loader's Multiboot2 framebuffer (10). Each provider starts the first
    /// device of its kind that PCI enumeration (or the boot information) produced, and returns null when there is none
    /// or it fails to start (its <see cref="Device.StartError"/> says why), so the next provider is asked.
    /// </summary>
    public static class FramebufferProviders
    {
        /// <summary>Priority of <see cref="VmwareSvga2"/>.</summary>
        public const int SvgaIIPriority = 30;
        /// <summary>Priority of <see cref="BochsVbe"/>.</summary>
        public const int BgaPriority = 20;
        /// <summary>Priority of <see cref="Multiboot2Framebuffer"/>.</summary>
        public const int Multiboot2Priority = 10;

        private static bool s_registered;

        /// <summary>Registers the three providers once (<see cref="Global.Init"/> calls it).</summary>
        public static void RegisterDefaults()
        {
            if (s_registered) return;
            s_registered = true;
            FullScreenCanvas.RegisterFramebufferProvider("SVGA II", StartSvgaII, SvgaIIPriority);
            FullScreenCanvas.RegisterFramebufferProvider("BGA", StartBga, BgaPriority);
            FullScreenCanvas.RegisterFramebufferProvider("Multiboot2 framebuffer", StartMultiboot2, Multiboot2Priority);
        }

        /// <summary>The first SVGA II adapter, started; null when there is none or it failed.</summary>
        public static Framebuffer StartSvgaII() => StartFirst<VmwareSvga2>();

        /// <summary>The first BGA, started; null when there is none or it failed.</summary>
        public static Framebuffer StartBga() => StartFirst<BochsVbe>();

        /// <summary>The Multiboot2 framebuffer, started; null when the boot loader left none (or text mode).</summary>
        public static Framebuffer StartMultiboot2()
        {
            var fb = Multiboot2Framebuffer.Instance;
            return fb.Start() ? fb : null;
        }

        private static Framebuffer StartFirst<T>() where T : Framebuffer
        {
            T fb = DeviceRegistry.Find<T>();
            return fb != null && fb.Start() ? fb : null;
        }
    }
}
