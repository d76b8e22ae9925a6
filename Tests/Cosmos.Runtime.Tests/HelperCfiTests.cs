using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Cosmos.Runtime.ExceptionHandling;
using Xunit;

using static Cosmos.Runtime.Tests.HostTools;

namespace Cosmos.Runtime.Tests
{
    /// <summary>
    /// The X# helpers' DWARF CFI (Runtime/Cosmos.Runtime/Amd64 and Kernel/Cosmos.Core/Asm, emitted by Build/XSharp/Cfi.cs) as
    /// the kernel's stack walker uses it: the helpers are generated from the built Cosmos.Runtime.dll and Cosmos.Core.dll
    /// (as the build's x# step does),
    /// assembled with nasm, linked with GNU ld --eh-frame-hdr, and each helper frame the walker crosses is unwound by
    /// <see cref="CodeManager.Unwind(in CodeManager.Fde, RegDisplay*, ulong)"/> over a fake stack. The expected results are the
    /// frame layouts the walker hard-coded before (funclet locals, the context at SP + SIZEOF__ExInfo, the RBP frame of
    /// the interface dispatch stub); the interrupt stubs' signal frame and the end of a thread's stack are checked too.
    /// </summary>
    public unsafe class HelperCfiTests
    {
        private sealed class Linked
        {
            public byte* EhFrame;
            public ulong EhFrameAddress;
            public int EhFrameSize;
            public uint HdrFdeCount;
            public Dictionary<string, ulong> Symbols = new Dictionary<string, ulong>();
            public List<string> Functions = new List<string>();
            public string LinkerOutput = "";
            public int ExInfoStackSize;
            public string Disassembly = "";
        }

        private static readonly string[] Programs =
        {
            "Cosmos.Runtime.Amd64.ExceptionHandlingHelpers", "Cosmos.Runtime.Amd64.MemoryAndWriteBarriers",
            "Cosmos.Runtime.Amd64.TransitionHelpers", "Cosmos.Runtime.Amd64.InterfaceDispatch",
            "Cosmos.Runtime.Amd64.FloatingPointConversions", "Cosmos.Runtime.Amd64.ThreadingHelpers", "Cosmos.Runtime.Amd64.GcHelpers",
            "Cosmos.Runtime.Amd64.MissingCryptoBackend", "Cosmos.Runtime.Amd64.SquareRoot",
            "Cosmos.Core.Asm.InterruptStubs", "Cosmos.Core.Asm.ThreadHelpers", "Cosmos.Core.Asm.CpuHelpers",
        };

        private static readonly Lazy<Linked> s_linked = new Lazy<Linked>(Build);

        private static Linked Build()
        {
            string path = Metadata("CosmosRuntimeAssembly");
            Assert.True(File.Exists(path), "Cosmos.Runtime.dll not built at " + path);
            var alc = new AssemblyLoadContext("cosmos-runtime-cfi");
            string binDir = Path.GetDirectoryName(path)!;
            alc.Resolving += (ctx, name) =>
            {
                string candidate = Path.Combine(binDir, name.Name + ".dll");
                return File.Exists(candidate) ? ctx.LoadFromAssemblyPath(candidate) : null;
            };
            var runtime = alc.LoadFromAssemblyPath(path);
            var core = alc.LoadFromAssemblyName(new AssemblyName("Cosmos.Core"));

            var result = new Linked();
            result.ExInfoStackSize = (int)runtime.GetType("Cosmos.Runtime.ExceptionHandling.StackFrameIterator", throwOnError: true)!
                .GetField("ExInfoStackSize")!.GetRawConstantValue()!;
            string dir = Path.Combine(Path.GetTempPath(), "cosmos-helper-cfi-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                var defined = new HashSet<string>();
                var externs = new HashSet<string>();
                var objects = new List<string>();
                foreach (var typeName in Programs)
                {
                    var type = (typeName.StartsWith("Cosmos.Core.") ? core : runtime).GetType(typeName, throwOnError: true)!;
                    object program = Activator.CreateInstance(type)!;
                    string name = (string)type.GetProperty("Name")!.GetValue(program)!;
                    string text = (string)type.GetMethod("Generate")!.Invoke(program, null)!;
                    File.WriteAllText(Path.Combine(dir, name + ".asm"), text);
                    Exec("nasm", $"-f elf64 -o {name}.o {name}.asm", dir);
                    objects.Add(name + ".o");
                    foreach (Match m in Regex.Matches(text, @"^global (\S+?)(:(\w+))?$", RegexOptions.Multiline))
                    {
                        defined.Add(m.Groups[1].Value);
                        if (m.Groups[3].Value == "function") result.Functions.Add(m.Groups[1].Value);
                    }
                    foreach (Match m in Regex.Matches(text, @"^extern (\S+)$", RegexOptions.Multiline)) externs.Add(m.Groups[1].Value);
                }
                // Everything the helpers import (the CoreLib's RhThrowEx, linker-script symbols, ...): one UD2 each.
                var stub = new System.Text.StringBuilder("bits 64\nsection .text\n");
                foreach (var sym in externs.Where(e => !defined.Contains(e)).OrderBy(e => e, StringComparer.Ordinal))
                    stub.Append("global ").Append(sym).Append('\n').Append(sym).Append(":\n    ud2\n");
                File.WriteAllText(Path.Combine(dir, "stub.asm"), stub.ToString());
                Exec("nasm", "-f elf64 -o stub.o stub.asm", dir);
                result.LinkerOutput = Exec("ld", "-nostdlib -static --eh-frame-hdr -e 0 -o helpers.elf " + string.Join(" ", objects) + " stub.o", dir);

                result.Disassembly = Exec("objdump", "-d --no-show-raw-insn helpers.elf", dir);
                foreach (var line in Exec("nm", "helpers.elf", dir).Split('\n'))
                {
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length == 3) result.Symbols[parts[2]] = Convert.ToUInt64(parts[0], 16);
                }
                // Section headers: [Nr] Name Type Address Off Size ...
                string sections = Exec("readelf", "-S -W helpers.elf", dir);
                (ulong addr, long off, int size) Section(string name)
                {
                    var m = Regex.Match(sections, @"\]\s+" + Regex.Escape(name) + @"\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)");
                    Assert.True(m.Success, name + " missing from the linked helpers");
                    return (Convert.ToUInt64(m.Groups[1].Value, 16), Convert.ToInt64(m.Groups[2].Value, 16), Convert.ToInt32(m.Groups[3].Value, 16));
                }
                byte[] elf = File.ReadAllBytes(Path.Combine(dir, "helpers.elf"));
                var eh = Section(".eh_frame");
                var hdr = Section(".eh_frame_hdr");
                result.EhFrameAddress = eh.addr;
                result.EhFrameSize = eh.size;
                result.EhFrame = (byte*)NativeMemory.Alloc((nuint)eh.size + 8);
                Marshal.Copy(elf, (int)eh.off, (IntPtr)result.EhFrame, eh.size);
                *(uint*)(result.EhFrame + eh.size) = 0;
                result.HdrFdeCount = BitConverter.ToUInt32(elf, (int)hdr.off + 8);
            }
            finally { try { Directory.Delete(dir, true); } catch { } }
            return result;
        }

        /// <summary>Every FDE of the linked .eh_frame, with its range translated back to link addresses.</summary>
        private static List<(CodeManager.Fde Fde, ulong Start, ulong End)> Fdes()
        {
            var l = s_linked.Value;
            var list = new List<(CodeManager.Fde, ulong, ulong)>();
            for (int off = 0; off < l.EhFrameSize;)
            {
                uint length = *(uint*)(l.EhFrame + off);
                if (length == 0) break;
                if (CodeManager.ParseFde(l.EhFrame + off, out CodeManager.Fde fde))
                    list.Add((fde, ToLink(fde.PcBegin), ToLink(fde.PcEnd)));
                off += 4 + (int)length;
            }
            return list;
        }

        private static ulong ToLink(ulong host) => host - (ulong)s_linked.Value.EhFrame + s_linked.Value.EhFrameAddress;
        private static ulong ToHost(ulong link) => link - s_linked.Value.EhFrameAddress + (ulong)s_linked.Value.EhFrame;

        /// <summary>Unwinds the helper frame whose return address is the symbol <paramref name="returnLabel"/> (as the walker does: lookup at return address − 1).</summary>
        private static void UnwindAt(string returnLabel, RegDisplay* regs)
        {
            ulong ret = s_linked.Value.Symbols[returnLabel];
            var (fde, _, _) = Fdes().Single(f => ret - 1 >= f.Start && ret - 1 < f.End);
            Assert.True(CodeManager.Unwind(fde, regs, ToHost(ret - 1)));
        }

        [Fact]
        public void LinkedWithAnIndexedFdeForEveryHelper()
        {
            var l = s_linked.Value;
            Assert.DoesNotContain("error", l.LinkerOutput);
            var fdes = Fdes();
            Assert.Equal((uint)fdes.Count, l.HdrFdeCount);                       // ld indexed every FDE in .eh_frame_hdr
            string[] notFunctions = { "cosmos_av_helpers_start", "cosmos_av_helpers_end" };
            foreach (var f in l.Functions.Where(f => !notFunctions.Contains(f) && !Regex.IsMatch(f, @"2$")))
                Assert.True(fdes.Any(x => x.Start == l.Symbols[f]), f + " has no FDE starting at it");
        }

        [Theory]
        [InlineData("RhpCallCatchFunclet2", 24)]
        [InlineData("RhpCallFinallyFunclet2", 8)]
        [InlineData("RhpCallFilterFunclet2", 8)]
        public void FuncletCallHelpersUnwindIntoTheDispatcher(string returnLabel, int locals)
        {
            ulong* stack = stackalloc ulong[32];
            for (int i = 0; i < 32; i++) stack[i] = 0x1000 + (ulong)i;
            RegDisplay regs = default;
            regs.SP = (ulong)stack;
            regs.IP = s_linked.Value.Symbols[returnLabel];
            UnwindAt(returnLabel, &regs);
            // [SP] locals, then RBP, RBX, R12, R13, R14, R15, then the return address into the dispatcher.
            ulong* saved = (ulong*)((byte*)stack + locals);
            Assert.True(regs.pRbp == saved + 0);
            Assert.True(regs.pRbx == saved + 1);
            Assert.True(regs.pR12 == saved + 2);
            Assert.True(regs.pR13 == saved + 3);
            Assert.True(regs.pR14 == saved + 4);
            Assert.True(regs.pR15 == saved + 5);
            Assert.Equal(saved[6], regs.IP);
            Assert.Equal((ulong)(saved + 7), regs.SP);
        }

        [Theory]
        [InlineData("RhpThrowEx2")]
        [InlineData("RhpRethrow2")]
        public void ThrowHelpersUnwindToTheThrowSite(string returnLabel)
        {
            byte* stack = stackalloc byte[1024];
            var context = (PalLimitedContext*)(stack + s_linked.Value.ExInfoStackSize);
            ulong entryRsp = (ulong)context + 80 + 8;                            // [pad] above the context, then the return address
            *(ulong*)entryRsp = 0xAAAA_0001;                                     // the throw site (return address into managed code)
            *context = new PalLimitedContext { IP = 0xAAAA_0001, Rsp = entryRsp + 8, Rbp = 1, Rbx = 2, R12 = 3, R13 = 4, R14 = 5, R15 = 6 };
            RegDisplay regs = default;
            regs.SP = (ulong)stack;
            UnwindAt(returnLabel, &regs);
            Assert.Equal(context->IP, regs.IP);
            Assert.Equal(context->Rsp, regs.SP);
            Assert.True(regs.pRbp == &context->Rbp && regs.pRbx == &context->Rbx && regs.pR12 == &context->R12);
            Assert.True(regs.pR13 == &context->R13 && regs.pR14 == &context->R14 && regs.pR15 == &context->R15);
            Assert.True(regs.pRax == &context->Rax && regs.pRdx == &context->Rdx);
        }

        [Theory]
        [InlineData(0x7000UL)]
        [InlineData(0x7008UL)]
        public void HardwareThrowHelperIsASignalFrameOverItsContext(ulong faultingRsp)
        {
            byte* stack = stackalloc byte[1024];
            var context = (PalLimitedContext*)(stack + s_linked.Value.ExInfoStackSize);
            *context = new PalLimitedContext { IP = 0xBBBB_0002, Rsp = faultingRsp, Rbp = 1, Rbx = 2, R12 = 3, R13 = 4, R14 = 5, R15 = 6 };
            RegDisplay regs = default;
            regs.SP = (ulong)stack;
            UnwindAt("RhpThrowHwEx2", &regs);
            Assert.Equal(0xBBBB_0002UL, regs.IP);                                // the faulting instruction itself
            Assert.Equal(faultingRsp, regs.SP);                                  // whatever its alignment
            Assert.True(regs.pRbp == &context->Rbp && regs.pRbx == &context->Rbx && regs.pR12 == &context->R12);
            Assert.True(regs.pR13 == &context->R13 && regs.pR14 == &context->R14 && regs.pR15 == &context->R15);
            Assert.True(regs.pRax == &context->Rax && regs.pRdx == &context->Rdx);
        }

        /// <summary>The address of the instruction after the first call of <paramref name="target"/> (objdump of the linked helpers).</summary>
        private static ulong ReturnAddressOfCallTo(string target)
        {
            var lines = s_linked.Value.Disassembly.Split('\n');
            int i = Array.FindIndex(lines, l => Regex.IsMatch(l, @"\scall\s.*<" + Regex.Escape(target) + ">"));
            Assert.True(i >= 0, "no call of " + target);
            return Convert.ToUInt64(lines[i + 1].Trim().Split(':')[0], 16);
        }

        /// <summary>
        /// The interrupt stubs' common path is a signal frame over the <see cref="Cosmos.Core.Layout.InterruptFrame"/>:
        /// at the call of the dispatcher (RBX = the frame) the caller is the interrupted code, with CFA = frame.RSP, the
        /// return address = frame.RIP and every general register in its frame field.
        /// </summary>
        [Fact]
        public void InterruptStubIsASignalFrameOverTheInterruptFrame()
        {
            ulong ret = ReturnAddressOfCallTo("cosmos_interrupt_dispatch");
            var (fde, _, _) = Fdes().Single(f => ret - 1 >= f.Start && ret - 1 < f.End);
            var frame = new Cosmos.Core.Layout.InterruptFrame { RIP = 0xDDDD_0004, RSP = 0x7FF8, RBP = 11, RBX = 12, R12 = 13, R15 = 16, RAX = 17 };
            ulong rbx = (ulong)&frame;
            RegDisplay regs = default;
            regs.pRbx = &rbx;
            regs.SP = rbx - 1024;                                                 // the SIMD area below the frame
            Assert.True(CodeManager.Unwind(fde, &regs, ToHost(ret - 1)));
            Assert.Equal(0xDDDD_0004UL, regs.IP);
            Assert.Equal(0x7FF8UL, regs.SP);
            Assert.True(regs.pRbp == &frame.RBP && regs.pRbx == &frame.RBX && regs.pR12 == &frame.R12 && regs.pR15 == &frame.R15);
            Assert.True(regs.pRax == &frame.RAX && regs.pRcx == &frame.RCX && regs.pRdi == &frame.RDI && regs.pR11 == &frame.R11);
        }

        /// <summary>cosmos_thread_start is every thread's outermost frame: its return address is undefined, so unwinding stops there.</summary>
        [Fact]
        public void ThreadStartEndsTheStack()
        {
            ulong ret = ReturnAddressOfCallTo("cosmos_thread_exit");
            var (fde, _, _) = Fdes().Single(f => ret - 1 >= f.Start && ret - 1 < f.End);
            RegDisplay regs = default;
            regs.SP = 0x9000;
            Assert.False(CodeManager.Unwind(fde, &regs, ToHost(ret - 1)));
            Assert.Equal(0x9000UL, regs.SP);
        }

        [Fact]
        public void InterfaceDispatchStubUnwindsThroughRbp()
        {
            ulong* frame = stackalloc ulong[4];
            frame[0] = 0x5555;                                                   // the caller's RBP, pushed by the stub
            frame[1] = 0xCCCC_0003;                                              // return address into the caller
            ulong rbp = (ulong)frame;
            RegDisplay regs = default;
            regs.pRbp = &rbp;
            regs.SP = rbp - 184;                                                 // somewhere below (the stub's saves)
            UnwindAt("RhpInitialDynamicInterfaceDispatch2", &regs);
            Assert.True(regs.pRbp == frame);
            Assert.Equal(0xCCCC_0003UL, regs.IP);
            Assert.Equal(rbp + 16, regs.SP);
        }
    }
}
