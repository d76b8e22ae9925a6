using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Cosmos.Core;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Graphics;
using Cosmos.System.Graphics;

namespace GfxBench
{
    /// <summary>
    /// Measures, in TSC ticks per frame (best of 9 rounds of <see cref="Frames"/> frames, the measurements taking turns), at 1024×768×32 on the
    /// framebuffer <see cref="FullScreenCanvas"/> picks:
    /// <list type="bullet">
    /// <item>Clear(colour) + Display(): the back buffer is not touched (the pending clear fills the framebuffer);</item>
    /// <item>DrawImage(full-screen bitmap, 0, 0) + Display(): the pending image is copied straight from the bitmap to
    /// the framebuffer;</item>
    /// <item>the baselines: a plain copy of the same 3 MiB from a RAM buffer into the framebuffer memory
    /// (one <c>Span.CopyTo</c>, which ends in the runtime's <c>memmove</c>: <c>rep movsb</c>), the same copy row by row
    /// (768 <c>Span.CopyTo</c> of 4 KiB, each also ending in <c>memmove</c>), the same copy as a plain loop of 16-byte
    /// loads and stores written here, and a plain 32-bit fill of the framebuffer (<c>Span.Fill</c>).</item>
    /// </list>
    /// Output: "bench gfx adapter NAME mode MODE tsc-hz H", "bench gfx clear-display ticks T", "bench gfx image-display
    /// ticks T", "bench gfx copy ticks T", "bench gfx row-copy ticks T", "bench gfx fill ticks T", "bench gfx vector-copy
    /// ticks T" (per frame), then "bench done".
    /// </summary>
    public sealed class Kernel : Cosmos.System.Kernel
    {
        private const int Frames = 20, Rounds = 9;

        private static void Out(string s)
        {
            var com = SerialPort.Com1;
            com.Write(s);
            com.Write("\n");
        }

        protected override void BeforeRun()
        {
            Canvas canvas;
            try { canvas = FullScreenCanvas.GetFullScreenCanvas(new Mode(1024, 768, ColorDepth.ColorDepth32)); }
            catch (Exception e) { Out("bench gfx error " + e.Message); Out("bench done"); IOPort.Write8(0xF4, 1); return; }
            var fc = (FramebufferCanvas)canvas;
            Framebuffer fb = fc.Framebuffer;
            Out("bench gfx adapter " + fb.Name + " mode " + fb.CurrentMode + " tsc-hz " + Cosmos.Runtime.RuntimeEnvironment.TscFrequency);

            var image = new Bitmap(1024, 768, ColorDepth.ColorDepth32);
            for (int i = 0; i < image.RawData.Length; i++) image.RawData[i] = unchecked((int)0xFF000000) | ((int)((uint)i * 2654435761u >> 8) & 0xFFFFFF);
            int[] ram = new int[1024 * 768];
            image.RawData.AsSpan().CopyTo(ram);

            // The six measurements take turns, round after round, and each keeps its best round: a change of host load
            // (TCG figures follow it) then reaches all of them alike instead of whichever ran during it.
            var rounds = new Func<ulong>[]
            {
                () => { ulong t0 = Native.Rdtsc(); for (int f = 0; f < Frames; f++) { canvas.Clear((f & 1) != 0 ? unchecked((int)0xFF204060) : unchecked((int)0xFF604020)); canvas.Display(); } return Native.Rdtsc() - t0; },
                () => { ulong t0 = Native.Rdtsc(); for (int f = 0; f < Frames; f++) { canvas.DrawImage(image, 0, 0); canvas.Display(); } return Native.Rdtsc() - t0; },
                () => { ulong t0 = Native.Rdtsc(); for (int f = 0; f < Frames; f++) Copy(ram, fb); return Native.Rdtsc() - t0; },
                () => { ulong t0 = Native.Rdtsc(); for (int f = 0; f < Frames; f++) CopyRows(ram, fb); return Native.Rdtsc() - t0; },
                () => { ulong t0 = Native.Rdtsc(); for (int f = 0; f < Frames; f++) Fill(fb, f); return Native.Rdtsc() - t0; },
                () => { ulong t0 = Native.Rdtsc(); for (int f = 0; f < Frames; f++) VectorCopy(ram, fb); return Native.Rdtsc() - t0; },
            };
            string[] names = { "clear-display", "image-display", "copy", "row-copy", "fill", "vector-copy" };
            ulong[] best = new ulong[rounds.Length];
            for (int i = 0; i < rounds.Length; i++) { rounds[i](); best[i] = ulong.MaxValue; }
            for (int r = 0; r < Rounds; r++)
                for (int i = 0; i < rounds.Length; i++) { ulong t = rounds[i](); if (t < best[i]) best[i] = t; }
            for (int i = 0; i < rounds.Length; i++) Out("bench gfx " + names[i] + " ticks " + (best[i] / Frames));
            Out("bench done");
            IOPort.Write8(0xF4, 0);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Copy(int[] ram, Framebuffer fb)
        {
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(ram.AsSpan()).CopyTo(fb.Memory);
            fb.Update(0, 0, fb.Width, fb.Height);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void CopyRows(int[] ram, Framebuffer fb)
        {
            Span<byte> src = System.Runtime.InteropServices.MemoryMarshal.AsBytes(ram.AsSpan()), dst = fb.Memory;
            int row = fb.Width * 4;
            for (int y = 0; y < fb.Height; y++) src.Slice(y * row, row).CopyTo(dst.Slice(y * fb.Pitch, row));
            fb.Update(0, 0, fb.Width, fb.Height);
        }

        // A plain copy loop of 16-byte loads and stores (64 bytes a step), written here apart from the canvas's own copy.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static unsafe void VectorCopy(int[] ram, Framebuffer fb)
        {
            Span<byte> dst = fb.Memory;
            fixed (int* s0 = ram)
            fixed (byte* d = dst)
            {
                byte* s = (byte*)s0;
                nint n = (nint)ram.Length * 4;
                for (nint i = 0; i + 64 <= n; i += 64)
                {
                    Vector128<byte> a = Vector128.Load(s + i), b = Vector128.Load(s + i + 16), c = Vector128.Load(s + i + 32), e = Vector128.Load(s + i + 48);
                    Vector128.Store(a, d + i); Vector128.Store(b, d + i + 16); Vector128.Store(c, d + i + 32); Vector128.Store(e, d + i + 48);
                }
            }
            fb.Update(0, 0, fb.Width, fb.Height);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Fill(Framebuffer fb, int f)
        {
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(fb.Memory).Fill((f & 1) != 0 ? 0x204060 : 0x604020);
            fb.Update(0, 0, fb.Width, fb.Height);
        }

        protected override void Run() => Native.HaltForever();
    }
}
