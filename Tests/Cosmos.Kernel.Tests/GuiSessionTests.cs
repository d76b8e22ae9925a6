using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Cosmos.Build.Running;
using Xunit;

namespace Cosmos.Kernel.Tests
{
    /// <summary>
    /// The demo shell's <c>gui</c> (issue #12's "using it"): the desktop comes up on the BGA at 1024×768×32, a PS/2 mouse
    /// drag injected through QEMU's QMP (<c>input-send-event</c>, relative moves and the left button) moves the Notes
    /// window by exactly the distance dragged (checked in the kernel's report and on a screendump), text typed on COM1
    /// lands in Notes, and Esc returns to the shell.
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public class GuiSessionTests
    {
        private static readonly int TitleGreen = 0x2E8B57;

        private static int Pixel(string ppm, int x, int y)
        {
            var b = File.ReadAllBytes(ppm);
            int pos = 0, fields = 0;
            int[] v = new int[3];
            while (fields < 4)   // "P6", width, height, maxval
            {
                while (char.IsWhiteSpace((char)b[pos])) pos++;
                int start = pos;
                while (!char.IsWhiteSpace((char)b[pos])) pos++;
                if (fields > 0) v[fields - 1] = int.Parse(Encoding.ASCII.GetString(b, start, pos - start));
                fields++;
            }
            pos++;
            int at = pos + (y * v[0] + x) * 3;
            return b[at] << 16 | b[at + 1] << 8 | b[at + 2];
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void DesktopWindowsDragWithTheMouseAndTakeTypedText(bool absolutePointer)
        {
            _ = KernelImage.ElfPath;
            string tool = Path.Combine(KernelImage.RepoRoot(), "Build", "Cosmos.Build", "bin", "Debug", "net10.0", "Cosmos.Build.dll");
            string iso = Path.Combine(KernelImage.DemoOutputDirectory(), "CosmosOS.iso");
            string dir = Path.Combine(Path.GetTempPath(), "cosmos-gui-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            string qmp = Path.Combine(dir, "q.sock");
            var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { tool, "run", "--iso", iso, "--display", "false", "--nic", "none", "--qmp", qmp, "--vmport", absolutePointer ? "true" : "false" }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var output = new StringBuilder();
            p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
            p.BeginOutputReadLine(); p.BeginErrorReadLine();
            string Text() { lock (output) return output.ToString(); }
            void WaitFor(string text, int seconds)
            {
                var end = DateTime.UtcNow.AddSeconds(seconds);
                while (!Text().Contains(text))
                {
                    if (DateTime.UtcNow > end) Assert.Fail($"no '{text}' within {seconds} s:\n" + Text());
                    Thread.Sleep(100);
                }
            }
            try
            {
                p.StandardInput.Write("gui\n");
                p.StandardInput.Flush();
                WaitFor("gui: desktop 1024x768x32", 180);
                Assert.Contains(absolutePointer ? "mouse: absolute (vmmouse) + PS/2" : "mouse: PS/2;", Text());
                using var q = QmpClient.Connect(qmp, TimeSpan.FromSeconds(20));
                Thread.Sleep(500);
                string before = Path.Combine(dir, "before.ppm");
                q.ScreenDump(before);
                Assert.Equal(TitleGreen, Pixel(before, 64 + 4, 76 + 4));              // Notes starts at (64, 76), title bar active
                void Rel(int dx, int dy) => q.Execute("{\"execute\":\"input-send-event\",\"arguments\":{\"events\":[{\"type\":\"rel\",\"data\":{\"axis\":\"x\",\"value\":" + dx + "}},{\"type\":\"rel\",\"data\":{\"axis\":\"y\",\"value\":" + dy + "}}]}}");
                void Button(bool down) => q.Execute("{\"execute\":\"input-send-event\",\"arguments\":{\"events\":[{\"type\":\"btn\",\"data\":{\"down\":" + (down ? "true" : "false") + ",\"button\":\"left\"}}]}}");
                void Abs(int x, int y) => q.Execute("{\"execute\":\"input-send-event\",\"arguments\":{\"events\":[{\"type\":\"abs\",\"data\":{\"axis\":\"x\",\"value\":" + (x * 32768 / 1024) + "}},{\"type\":\"abs\",\"data\":{\"axis\":\"y\",\"value\":" + ((y * 32768 + 767) / 768) + "}}]}}");
                if (absolutePointer) Abs(104, 88);                                     // Notes' title bar
                else for (int i = 0; i < 8; i++) { Rel(-51, -37); Thread.Sleep(50); }  // from the centre (512, 384) to (104, 88)
                Thread.Sleep(300);
                Button(true);
                Thread.Sleep(300);
                if (absolutePointer) Abs(304, 238);                                     // drag by (200, 150)
                else for (int i = 0; i < 5; i++) { Rel(40, 30); Thread.Sleep(50); }
                Thread.Sleep(300);
                Button(false);
                WaitFor("gui: window Notes at 264,226", 30);
                Thread.Sleep(500);
                string after = Path.Combine(dir, "after.ppm");
                q.ScreenDump(after);
                Assert.Equal(TitleGreen, Pixel(after, 264 + 4, 226 + 4));
                Assert.NotEqual(TitleGreen, Pixel(after, 64 + 4, 76 + 4));
                if (absolutePointer)
                {
                    Abs(600, 200);                                                      // Monitor's title bar (Monitor at 512,192)
                    Thread.Sleep(300);
                    Button(true);
                    Thread.Sleep(300);
                    Abs(700, 300);
                    Thread.Sleep(300);
                    Button(false);
                    WaitFor("gui: window Monitor at 612,292", 30);
                }
                p.StandardInput.Write("hello desktop\n\u001b");
                p.StandardInput.Flush();
                WaitFor("gui: line 'hello desktop'", 30);
                WaitFor("gui: closed", 30);
                p.StandardInput.Write("echo back in the shell\nshutdown\n");
                p.StandardInput.Close();
                Assert.True(p.WaitForExit(60_000), "no shutdown:\n" + Text());
                Assert.Contains("back in the shell", Text());
                Assert.Equal(0, p.ExitCode);
            }
            finally
            {
                if (!p.HasExited) p.Kill(true);
                try { Directory.Delete(dir, true); } catch { }
            }
        }

        /// <summary>
        /// Keyboard layouts end to end: the shell's <c>layout</c> command switches, then keys pressed on QEMU's PS/2
        /// keyboard (QMP <c>send-key</c> by position) come out as that layout types them: QWERTZ swaps y and z and its
        /// dead ´ composes é; AZERTY swaps a and q.
        /// </summary>
        [Fact]
        public void KeysSentToTheKeyboardComeOutInTheChosenLayout()
        {
            _ = KernelImage.ElfPath;
            string tool = Path.Combine(KernelImage.RepoRoot(), "Build", "Cosmos.Build", "bin", "Debug", "net10.0", "Cosmos.Build.dll");
            string iso = Path.Combine(KernelImage.DemoOutputDirectory(), "CosmosOS.iso");
            string qmp = Path.Combine(Path.GetTempPath(), "cosmos-kbd-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".sock");
            var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
            foreach (var a in new[] { tool, "run", "--iso", iso, "--display", "false", "--nic", "none", "--qmp", qmp }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var output = new StringBuilder();
            p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
            p.BeginOutputReadLine(); p.BeginErrorReadLine();
            string Text() { lock (output) return output.ToString(); }
            void WaitFor(string text, int seconds)
            {
                var end = DateTime.UtcNow.AddSeconds(seconds);
                while (!Text().Contains(text))
                {
                    if (DateTime.UtcNow > end) Assert.Fail($"no '{text}' within {seconds} s:\n" + Text());
                    Thread.Sleep(100);
                }
            }
            try
            {
                p.StandardInput.Write("layout de\n");
                p.StandardInput.Flush();
                WaitFor("keyboard layout: DE", 180);
                using var q = QmpClient.Connect(qmp, TimeSpan.FromSeconds(20));
                void Keys(params string[] qcodes)
                {
                    foreach (var k in qcodes)
                    {
                        q.Execute("{\"execute\":\"send-key\",\"arguments\":{\"keys\":[{\"type\":\"qcode\",\"data\":\"" + k + "\"}]}}");
                        Thread.Sleep(30);
                    }
                }
                Keys("e", "c", "h", "o", "spc", "y", "z", "spc", "equal", "e", "ret");
                WaitFor("zy é", 30);
                p.StandardInput.Write("layout fr\n");
                p.StandardInput.Flush();
                WaitFor("keyboard layout: FR", 30);
                Keys("e", "c", "h", "o", "spc", "q", "a", "ret");
                WaitFor("\naq", 30);
                p.StandardInput.Write("shutdown\n");
                p.StandardInput.Close();
                Assert.True(p.WaitForExit(60_000), "no shutdown:\n" + Text());
                Assert.Equal(0, p.ExitCode);
            }
            finally
            {
                if (!p.HasExited) p.Kill(true);
                try { File.Delete(qmp); } catch { }
            }
        }
    }
}
