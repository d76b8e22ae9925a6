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
            using var session = new DemoSession("--vmport", absolutePointer ? "true" : "false");
            string dir = Path.GetDirectoryName(session.Qmp)!, qmp = session.Qmp;
            string Text() => session.Text();
            void WaitFor(string text, int seconds) => session.WaitFor(text, seconds);
            {
                session.Type("gui\n");
                WaitFor("gui: desktop 1024x768x32", 180);
                Assert.Contains(absolutePointer ? "mouse: absolute (vmmouse) + PS/2" : "mouse: PS/2;", Text());
                using var q = QmpClient.Connect(qmp, TimeSpan.FromSeconds(20));
                session.DiagnoseWith(q);
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
                session.Type("hello desktop\n\u001b");
                WaitFor("gui: line 'hello desktop'", 30);
                WaitFor("gui: closed", 30);
                session.ShutDown("echo back in the shell\nshutdown\n");
                Assert.True(Text().Contains("back in the shell"), "no 'back in the shell' after the desktop closed:\n" + Text());
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
            using var session = new DemoSession();
            {
                session.Type("layout de\n");
                session.WaitFor("keyboard layout: DE", 180);
                using var q = QmpClient.Connect(session.Qmp, TimeSpan.FromSeconds(20));
                session.DiagnoseWith(q);
                void Keys(params string[] qcodes)
                {
                    foreach (var k in qcodes)
                    {
                        q.Execute("{\"execute\":\"send-key\",\"arguments\":{\"keys\":[{\"type\":\"qcode\",\"data\":\"" + k + "\"}]}}");
                        Thread.Sleep(30);
                    }
                }
                Keys("e", "c", "h", "o", "spc", "y", "z", "spc", "equal", "e", "ret");
                session.WaitFor("zy é", 30);
                session.Type("layout fr\n");
                session.WaitFor("keyboard layout: FR", 30);
                Keys("e", "c", "h", "o", "spc", "q", "a", "ret");
                session.WaitFor("\naq", 30);
                session.ShutDown("shutdown\n");
            }
        }
    }

    /// <summary>
    /// The demo OS under the runner with a QMP socket: standard input typed into COM1, output collected as it comes,
    /// <see cref="WaitFor"/> on a text. Disposing kills a QEMU still running and deletes the socket's folder.
    /// </summary>
    internal sealed class DemoSession : IDisposable
    {
        private readonly Process _p;
        private readonly StringBuilder _output = new();
        private readonly string _dir;

        /// <summary>The QMP socket path.</summary>
        public string Qmp { get; }
        /// <summary>The runner process.</summary>
        public Process Process => _p;

        public DemoSession(params string[] runOptions)
        {
            _ = KernelImage.ElfPath;
            string tool = Path.Combine(KernelImage.RepoRoot(), "Build", "Cosmos.Build", "bin", "Debug", "net10.0", "Cosmos.Build.dll");
            string iso = Path.Combine(KernelImage.DemoOutputDirectory(), "CosmosOS.iso");
            _dir = Path.Combine(Path.GetTempPath(), "cosmos-session-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(_dir);
            Qmp = Path.Combine(_dir, "q.sock");
            var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
            foreach (var a in new[] { tool, "run", "--iso", iso, "--display", "false", "--nic", "none", "--qmp", Qmp }.Concat(runOptions)) psi.ArgumentList.Add(a);
            _p = Process.Start(psi)!;
            _p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (_output) _output.AppendLine(e.Data); };
            _p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_output) _output.AppendLine(e.Data); };
            _p.BeginOutputReadLine(); _p.BeginErrorReadLine();
        }

        /// <summary>Everything the runner printed so far.</summary>
        public string Text() { lock (_output) return _output.ToString(); }

        /// <summary>Types <paramref name="text"/> into COM1.</summary>
        public void Type(string text) { _p.StandardInput.Write(text); _p.StandardInput.Flush(); }

        /// <summary>
        /// What a failed wait adds to its message about the guest (set by <see cref="DiagnoseWith"/> once the test holds
        /// the QMP connection).
        /// </summary>
        public Func<string> Diagnose { get; set; }

        /// <summary>A failed wait adds QEMU's <c>info registers</c> through <paramref name="qmp"/>: whether the CPU is halted, and where it is.</summary>
        public void DiagnoseWith(QmpClient qmp) =>
            Diagnose = () => qmp.Execute("{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"info registers\"}}");

        /// <summary>Fails the test unless <paramref name="text"/> appears within <paramref name="seconds"/>.</summary>
        public void WaitFor(string text, int seconds)
        {
            var end = DateTime.UtcNow.AddSeconds(seconds);
            while (!Text().Contains(text))
            {
                if (DateTime.UtcNow > end) Assert.Fail($"no '{text}' within {seconds} s:\n" + Text() + GuestState());
                Thread.Sleep(100);
            }
        }

        private string GuestState()
        {
            if (Diagnose == null || _p.HasExited) return "";
            try { return "\nthe guest now (QMP info registers):\n" + Diagnose(); }
            catch (Exception e) { return "\n(QMP info registers failed: " + e.Message + ")"; }
        }

        /// <summary>Types <paramref name="last"/> (ending with shutdown), closes input and expects QEMU's exit status 0.</summary>
        public void ShutDown(string last)
        {
            _p.StandardInput.Write(last);
            _p.StandardInput.Close();
            Assert.True(_p.WaitForExit(60_000), "no shutdown:\n" + Text() + GuestState());
            // WaitForExit with a timeout returns when the process ends, before the output events have all been raised;
            // WaitForExitAsync also waits for the end of both streams, so Text() holds everything the runner printed
            // (bounded: a QEMU that outlived the runner would hold its stderr open).
            using (var drained = new CancellationTokenSource(10_000))
                try { _p.WaitForExitAsync(drained.Token).Wait(); } catch (AggregateException) { }
            Assert.Equal(0, _p.ExitCode);
        }

        public void Dispose()
        {
            if (!_p.HasExited) _p.Kill(true);
            _p.Dispose();
            try { Directory.Delete(_dir, true); } catch { }
        }
    }
}
