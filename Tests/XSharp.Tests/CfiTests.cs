using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;
using static XSharp.Reg;

namespace XSharp.Tests
{
    /// <summary>
    /// The DWARF CFI the X# assembler emits (.eh_frame built in NASM data, Build/XSharp/Cfi.cs), decoded by binutils:
    /// programs are assembled with nasm, linked with GNU ld --eh-frame-hdr and read back with
    /// <c>readelf --debug-dump=frames-interp</c> (the CFA table per location).
    /// </summary>
    public class CfiTests
    {
        /// <summary>Assembles and links <paramref name="a"/> (entry = first symbol) and returns readelf's interpreted frames and ld's messages.</summary>
        internal static (string Frames, string LinkMessages, Elf Elf) Link(Assembler a)
        {
            string dir = Path.Combine(Path.GetTempPath(), "xsharp-cfi-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                File.WriteAllBytes(Path.Combine(dir, "t.o"), Nasm.Assemble(a.ToNasm(), "elf64"));
                string ld = Exec("ld", "-nostdlib -static --eh-frame-hdr -e 0 -o t.elf t.o", dir);
                string frames = Exec("readelf", "--debug-dump=frames-interp t.elf", dir);
                return (frames, ld, new Elf(File.ReadAllBytes(Path.Combine(dir, "t.elf"))));
            }
            finally { try { Directory.Delete(dir, true); } catch { } }
        }

        internal static string Exec(string file, string args, string cwd)
        {
            var psi = new ProcessStartInfo(file, args) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            string o = p.StandardOutput.ReadToEnd(), e = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {args} failed:\n{o}\n{e}");
            return o + e;
        }

        /// <summary>The rows (LOC and the columns) readelf prints for the FDE whose range starts at the first location, as "CFA reg=rule ..." strings.</summary>
        private static string[] Rows(string frames, int fdeIndex = 0)
        {
            var blocks = Regex.Split(frames, @"\n(?=[0-9a-f]{8} [0-9a-f]{16} [0-9a-f]{8} FDE)").Where(b => Regex.IsMatch(b, @"^[0-9a-f]{8} [0-9a-f]{16} [0-9a-f]{8} FDE")).ToArray();
            var lines = blocks[fdeIndex].Split('\n').Skip(1).Where(l => l.Trim().Length > 0).ToArray();
            string[] header = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);   // LOC CFA rbx ... ra
            return lines.Skip(1).Select(l =>
            {
                var cells = l.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return string.Join(" ", header.Skip(1).Select((h, i) => h + "=" + cells[i + 1]));
            }).ToArray();
        }

        [Fact]
        public void PushesAndStackAdjustmentsAreFollowed()
        {
            var a = new Assembler();
            a.Text();
            a.Function("f", x =>
            {
                x.Push(RBX); x.CfiOffset(RBX, -16);
                x.Push(R12); x.CfiOffset(R12, -24);
                x.Sub(RSP, 24);
                x.Call(new Label("g"));
                x.Add(RSP, 24);
                x.Pop(R12); x.CfiRestore(R12);
                x.Pop(RBX); x.CfiRestore(RBX);
                x.Ret();
            });
            a.Function("g", x => x.Ret());
            var (frames, ld, _) = Link(a);
            Assert.DoesNotContain("error", ld);
            string[] rows = Rows(frames);
            Assert.Equal(new[]
            {
                "CFA=rsp+8 rbx=u r12=u ra=c-8",
                "CFA=rsp+16 rbx=c-16 r12=u ra=c-8",
                "CFA=rsp+24 rbx=c-16 r12=c-24 ra=c-8",
                "CFA=rsp+48 rbx=c-16 r12=c-24 ra=c-8",
                "CFA=rsp+24 rbx=c-16 r12=c-24 ra=c-8",
                "CFA=rsp+16 rbx=c-16 r12=u ra=c-8",
                "CFA=rsp+8 rbx=u r12=u ra=c-8",
            }, rows);
            Assert.Contains("CIE \"zR\" cf=1 df=-8 ra=16", frames);
        }

        [Fact]
        public void FrameRegisterExpressionsAndOutermostFrame()
        {
            var a = new Assembler();
            a.Text();
            a.Function("h", x =>
            {
                x.Push(RBP); x.CfiOffset(RBP, -16);
                x.Mov(RBP, RSP); x.CfiDefCfaRegister(RBP);
                x.Sub(RSP, Mem.Q(new Label("size")));              // untracked, but the CFA is RBP-based
                x.Call(new Label("h"));
                x.Mov(RSP, RBP); x.CfiDefCfaRegister(RSP);
                x.Pop(RBP); x.CfiRestore(RBP);
                x.Ret();
            });
            a.Function("entered", x =>
            {
                x.CfiDefCfaExpression(DwarfExpression.Load(RSP, 24));   // CFA = [rsp + 24]
                x.CfiReturnAddressExpression(DwarfExpression.Breg(RSP, 0));
                x.Nop();
                x.Iretq();
            }, signalFrame: true);
            a.Function("start", x =>
            {
                x.CfiDefCfa(RSP, 0);
                x.CfiUndefinedReturnAddress();
                x.Call(new Label("h"));
                x.Ud2();
            });
            a.Data();
            a.Label("size"); a.Dq(64);
            var (frames, ld, elf) = Link(a);
            Assert.DoesNotContain("error", ld);
            Assert.Equal(new[] { "CFA=rsp+8 rbp=u ra=c-8", "CFA=rsp+16 rbp=c-16 ra=c-8", "CFA=rbp+16 rbp=c-16 ra=c-8", "CFA=rsp+16 rbp=c-16 ra=c-8", "CFA=rsp+8 rbp=u ra=c-8" }, Rows(frames, 0));
            Assert.Equal(new[] { "CFA=exp ra=exp" }, Rows(frames, 1));
            Assert.Contains("CIE \"zRS\"", frames);
            Assert.Equal(new[] { "CFA=rsp+0 ra=u" }, Rows(frames, 2));
            // ld indexed all three FDEs in .eh_frame_hdr (version 1, table of (initial location, FDE) pairs).
            byte[] hdr = elf.Contents(".eh_frame_hdr");
            Assert.Equal(1, hdr[0]);
            Assert.Equal(3u, BitConverter.ToUInt32(hdr, 8));
        }

        [Fact]
        public void MisuseIsRejectedAtGenerationTime()
        {
            var a = new Assembler();
            a.Text();
            a.GlobalFunction("f");
            a.CfiStartProc();
            Assert.Throws<InvalidOperationException>(() => a.CfiStartProc());                 // nested
            a.And(RSP, -16);                                                                   // RSP-based CFA lost
            Assert.Throws<InvalidOperationException>(() => a.Call(new Label("f")));            // a call needs a known CFA
            Assert.Throws<ArgumentException>(() => a.CfiOffset(RBX, -12));                     // not a multiple of 8
            Assert.Throws<InvalidOperationException>(() => a.Section(".data"));                // the FDE range must stay in one section
            Assert.Throws<InvalidOperationException>(() => a.ToNasm());                        // still open
            a.CfiDefCfa(RBP, 16);
            a.Call(new Label("f"));
            a.CfiEndProc();
            Assert.Throws<InvalidOperationException>(() => a.CfiEndProc());
            Assert.Throws<InvalidOperationException>(() => a.CfiDefCfaOffset(8));              // outside a function
            var b = new Assembler();
            b.Data();
            Assert.Throws<InvalidOperationException>(() => b.CfiStartProc());                  // not code
            Assert.DoesNotContain(".eh_frame", new Assembler().ToNasm());                      // no CFI, no section
        }

        [Fact]
        public void RememberAndRestoreStateAcrossABranch()
        {
            var a = new Assembler();
            a.Text();
            a.Function("f", x =>
            {
                var other = x.NewLabel("other");
                x.Sub(RSP, 8);
                x.CfiRememberState();
                x.Jz(other);
                x.Push(RAX); x.Push(RAX);
                x.Iretq();                                   // leaves the frame: CFA unknown afterwards
                x.Label(other);
                x.CfiRestoreState();
                x.Add(RSP, 8);
                x.Ret();
            });
            var (frames, _, _) = Link(a);
            Assert.Equal(new[] { "CFA=rsp+8 ra=c-8", "CFA=rsp+16 ra=c-8", "CFA=rsp+24 ra=c-8", "CFA=rsp+32 ra=c-8", "CFA=rsp+16 ra=c-8", "CFA=rsp+8 ra=c-8" }, Rows(frames));
        }

        [Fact]
        public void DwarfRegisterNumbers()
        {
            Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 15 }, new[] { RAX, RDX, RCX, RBX, RSI, RDI, RBP, RSP, R8, R15 }.Select(DwarfRegister.Of).ToArray());
            Assert.Equal(new byte[] { 0x77, 0x18, 0x06 }, DwarfExpression.Load(RSP, 24));
            Assert.Equal(new byte[] { 0x73, 0x80, 0x01 }, DwarfExpression.Breg(RBX, 128));
            Assert.Equal(new byte[] { 0x77, 0x78 }, DwarfExpression.Breg(RSP, -8));
        }
    }
}
