using System;
using Cosmos.HAL.Devices.Graphics;

namespace Cosmos.System.Graphics
{
    /// <summary>
    /// Hands out the one full-screen <see cref="Canvas"/> (Cosmos API). Framebuffer drivers register a provider with
    /// <see cref="RegisterFramebufferProvider"/>; the first call of <see cref="GetFullScreenCanvas()"/> asks the
    /// providers, highest priority first (then registration order), and wraps the first framebuffer one returns in a
    /// <see cref="FramebufferCanvas"/>. Later calls return the same canvas (switched to the requested or default mode).
    /// Suggested priorities: SVGA II 30, BGA 20, the Multiboot2/GOP framebuffer 10.
    /// </summary>
    public static class FullScreenCanvas
    {
        private const int MaxProviders = 8;
        private static readonly Func<Framebuffer>[] s_providers = new Func<Framebuffer>[MaxProviders];
        private static readonly int[] s_priorities = new int[MaxProviders];
        private static readonly string[] s_names = new string[MaxProviders];
        private static int s_count;
        private static Canvas s_canvas;

        /// <summary>True between getting the canvas and <see cref="Disable"/>.</summary>
        public static bool IsInUse { get; private set; }

        /// <summary>
        /// Registers a framebuffer source: <paramref name="provider"/> returns a started framebuffer, or null when its
        /// hardware is absent. Called once per driver at start-up.
        /// </summary>
        /// <param name="name">What it is ("SVGA II", "BGA", "Multiboot2 framebuffer"), for messages.</param>
        /// <param name="provider">Returns the framebuffer or null.</param>
        /// <param name="priority">Higher is asked first.</param>
        /// <exception cref="ArgumentNullException"><paramref name="provider"/> is null.</exception>
        /// <exception cref="InvalidOperationException">More than 8 providers.</exception>
        public static void RegisterFramebufferProvider(string name, Func<Framebuffer> provider, int priority = 0)
        {
            if (provider == null) throw new ArgumentNullException(nameof(provider));
            if (s_count == MaxProviders) throw new InvalidOperationException("FullScreenCanvas: too many framebuffer providers (8)");
            int i = s_count++;
            while (i > 0 && s_priorities[i - 1] < priority)
            {
                s_providers[i] = s_providers[i - 1]; s_priorities[i] = s_priorities[i - 1]; s_names[i] = s_names[i - 1];
                i--;
            }
            s_providers[i] = provider; s_priorities[i] = priority; s_names[i] = name ?? "framebuffer";
        }

        /// <summary>The full-screen canvas, switched to its default mode (the framebuffer's preferred mode, e.g. 1024×768×32 for adapters that can switch).</summary>
        /// <exception cref="InvalidOperationException">No registered provider has a framebuffer.</exception>
        public static Canvas GetFullScreenCanvas()
        {
            if (s_canvas == null) s_canvas = Create();
            s_canvas.Mode = s_canvas.DefaultGraphicsMode;
            IsInUse = true;
            return s_canvas;
        }

        /// <summary>The full-screen canvas switched to <paramref name="mode"/>.</summary>
        /// <exception cref="InvalidOperationException">No registered provider has a framebuffer.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The framebuffer cannot show <paramref name="mode"/>.</exception>
        public static Canvas GetFullScreenCanvas(Mode mode)
        {
            if (s_canvas == null) s_canvas = Create();
            s_canvas.Mode = mode;
            IsInUse = true;
            return s_canvas;
        }

        /// <summary><see cref="GetFullScreenCanvas(Mode)"/> without exceptions: false (and null) when there is no framebuffer or the mode is not available.</summary>
        public static bool TryGetFullScreenCanvas(Mode mode, out Canvas canvas)
        {
            try
            {
                canvas = GetFullScreenCanvas(mode);
                return true;
            }
            catch (InvalidOperationException) { }
            catch (ArgumentOutOfRangeException) { }
            catch (NotSupportedException) { }
            canvas = null;
            return false;
        }

        /// <summary>The canvas handed out so far, or null.</summary>
        public static Canvas GetCurrentFullScreenCanvas() => s_canvas;

        /// <summary>Disables the canvas (back to text mode where the adapter can) when it is in use.</summary>
        public static void Disable()
        {
            if (IsInUse && s_canvas != null) s_canvas.Disable();
            IsInUse = false;
        }

        internal static void Released(Canvas canvas)
        {
            if (canvas == s_canvas) IsInUse = false;
        }

        /// <summary>Forgets providers and the canvas (host tests).</summary>
        internal static void Reset()
        {
            for (int i = 0; i < s_count; i++) { s_providers[i] = null; s_names[i] = null; }
            s_count = 0;
            s_canvas = null;
            IsInUse = false;
        }

        private static Canvas Create()
        {
            for (int i = 0; i < s_count; i++)
            {
                Framebuffer fb = s_providers[i]();
                if (fb != null) return new FramebufferCanvas(fb);
            }
            throw new InvalidOperationException(s_count == 0
                ? "FullScreenCanvas: no framebuffer driver registered"
                : "FullScreenCanvas: no registered framebuffer driver found its hardware");
        }
    }
}
