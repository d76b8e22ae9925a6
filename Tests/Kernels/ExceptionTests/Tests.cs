using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Cosmos.Core.Arch.X64;
using Cosmos.Core.Layout;
using Cosmos.InterruptTestHelpers;
using Cosmos.Runtime;
using Cosmos.Runtime.ExceptionHandling;
using Cosmos.TestCases;
using Cosmos.TestRunner;

namespace ExceptionTests
{
    internal sealed class Holder { public object Obj; public int Value; }

    /// <summary>
    /// .NET exception semantics on the kernel. First every case of the shared table
    /// <see cref="ExceptionOrderCases"/> (Tests/Shared/ExceptionOrderCases.cs, also run on the host by
    /// Tests/Cosmos.ExceptionOrder.Tests to prove its expected orders): each records the events it
    /// observes and compares them with the order the ECMA-335 two-pass model defines (filters during
    /// the first pass, before any finally; finally/fault blocks innermost first during the second
    /// pass; then the catch). Then the kernel-only cases: unwinding state, stack traces from our
    /// runtime's metadata, crash reports, and CPU faults turned into .NET exceptions.
    /// </summary>
    public sealed unsafe class Kernel : TestKernel
    {
        private static readonly List<string> s_log = new List<string>();

        public static void Log(string e) => s_log.Add(e);
        private static string Events() => string.Join(",", s_log);

        /// <summary>A case whose body must not leak an exception (reported as a failure instead of a panic).</summary>
        private void Case(string name, Action body)
        {
            Test(name, () =>
            {
                s_log.Clear();
                try { body(); }
                catch (Exception e) { Fail("unexpected " + e.GetType().Name + ": " + e.Message); }
                if (StackFrameIterator.ExInfoHead != null) Fail("ExInfo chain not empty after the case");
            });
        }

        /// <summary>Runs one case of the shared table as a test case of the same name.</summary>
        private void SharedCase(ExceptionOrderCase c)
        {
            Case(c.Name, () => Equal(c.ExpectedEvents, c.Run(), "events"));
        }

        [MethodImpl(MethodImplOptions.NoInlining)] private static void Throw(Exception e) => throw e;
        [MethodImpl(MethodImplOptions.NoInlining)] private static int Id(int i) => i;
        [MethodImpl(MethodImplOptions.NoInlining)] private static long Id64(long i) => i;
        [MethodImpl(MethodImplOptions.NoInlining)] private static Holder NoHolder() => null;

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int Depth(int n)
        {
            if (n == 0) throw new InvalidOperationException("deep");
            return Depth(n - 1) + 1;
        }

        // --- callee-saved registers across unwinding ---
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static long Clobber(long seed)
        {
            // Enough live values to use every callee-saved register, then throw.
            long a = seed * 3, b = seed * 5, c = seed * 7, d = seed * 11, e = seed * 13, f = seed * 17;
            for (int i = 0; i < (int)(seed & 3) + 2; i++) { a += b; b += c; c += d; d += e; e += f; f += a; }
            if (seed != 0) throw new Other("clobbered " + (a ^ b ^ c ^ d ^ e ^ f));
            return a + b + c + d + e + f;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static long Middle(long seed)
        {
            try { return Clobber(seed); }
            catch (Other) { return 1000; }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static long Outer(long seed)
        {
            long a = seed + 1, b = seed + 2, c = seed + 3, d = seed + 4, e = seed + 5;
            long r = Middle(seed);
            return a * 1 + b * 10 + c * 100 + d * 1000 + e * 10000 + r;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ulong StackMarker() { int local = 0; return (ulong)&local; }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void FaultInCallee(ulong vector, ulong cr2)
        {
            if (!SimulatedFaults.Raise(vector, cr2)) Log("declined");
            Log("not reached");
        }

        protected override void RunTests()
        {
            foreach (var c in ExceptionOrderCases.All) SharedCase(c);

            Case("callee-saved registers are restored in the catching frame", () =>
            {
                for (long seed = 1; seed < 6; seed++)
                {
                    long expected = (seed + 1) + (seed + 2) * 10 + (seed + 3) * 100 + (seed + 4) * 1000 + (seed + 5) * 10000 + 1000;
                    Equal(expected, Outer(seed), "Outer(" + seed + ")");
                }
            });

            Case("Exception.StackTrace lists the test's own methods", () =>
            {
                string trace = null;
                try { Depth(3); }
                catch (InvalidOperationException e) { trace = e.StackTrace; }
                True(trace != null, "trace exists");
                trace ??= "";
                int depthFrames = 0;
                foreach (var line in trace.Split('\n')) if (line.Contains("ExceptionTests.Kernel.Depth(Int32)")) depthFrames++;
                Equal(4, depthFrames, "Depth frames in:\n" + trace);
                True(trace.Contains("ExceptionTests.Kernel"), "kernel class named");
                True(trace.TrimStart().StartsWith("at ExceptionTests.Kernel.Depth(Int32)"), "innermost frame first: " + trace);
            });

            Case("Environment.StackTrace and new StackTrace() name the callers", () =>
            {
                string env = Environment.StackTrace;
                True(env.Contains("ExceptionTests.Kernel"), "Environment.StackTrace: " + env);
                var st = new StackTrace();
                True(st.FrameCount > 2, "frame count " + st.FrameCount);
                True(st.ToString().Contains("ExceptionTests.Kernel"), "new StackTrace(): " + st);
            });

            Case("stack trace taken inside a catch block", () =>
            {
                string inside = null;
                try { Depth(2); }
                catch (InvalidOperationException) { inside = Environment.StackTrace; }
                True(inside != null && inside.Contains("ExceptionTests.Kernel"), "trace: " + inside);
                True(!inside.Contains("Depth("), "the unwound frames of the throw are not on the stack: " + inside);
            });

            Case("many exceptions in a loop leak neither stack nor ExInfos", () =>
            {
                ulong before = StackMarker();
                int caught = 0;
                for (int i = 0; i < 3000; i++)
                {
                    try { Depth(i % 7); }
                    catch (InvalidOperationException) { caught++; }
                    try { try { Throw(new MyBase("l")); } finally { caught++; } }
                    catch (MyBase) { caught++; }
                }
                Equal(9000, caught, "caught");
                Equal(before, StackMarker(), "stack pointer at the same depth");
                True(StackFrameIterator.ExInfoHead == null, "ExInfo chain empty");
            });

            Case("unhandled-exception report formatting", () =>
            {
                try { Depth(1); }
                catch (InvalidOperationException e)
                {
                    string report = Exceptions.FormatUnhandledReport(e);
                    True(report.StartsWith("Unhandled exception: System.InvalidOperationException: deep\n"), "first line: " + report);
                    True(report.Contains("at ExceptionTests.Kernel.Depth(Int32)"), "trace lines: " + report);
                }
                var wrapped = new Other("outer-msg");
                try { try { Throw(new MyBase("inner-msg")); } catch (MyBase inner) { throw new InvalidOperationException("wrapper", inner); } }
                catch (InvalidOperationException e)
                {
                    string report = Exceptions.FormatUnhandledReport(e);
                    True(report.Contains("\n ---> Cosmos.TestCases.MyBase: inner-msg"), "inner exception: " + report);
                }
            });

            Case("method names for code addresses (crash-report traces)", () =>
            {
                ulong* ips = stackalloc ulong[2];
                ips[0] = (ulong)(delegate*<int, int>)&Depth + 1;
                ips[1] = (ulong)(delegate*<long, long>)&Outer + 1;
                string text = StackTraces.Format(ips, 2);
                True(text.Contains("ExceptionTests.Kernel.Depth(Int32)") && text.Contains("ExceptionTests.Kernel.Outer(Int64)"), "formatted: " + text);
                Equal((long)(ulong)(delegate*<int, int>)&Depth, (long)CodeManager.RhFindMethodStartAddress((IntPtr)(ips[0] + 4)), "method start");
            });

            Case("HardwareExceptions.TryRaise on crafted frames", () =>
            {
                InterruptFrame f = default;
                ulong managedIp = (ulong)(delegate*<int, int>)&Id;
                // Outside managed code, or a vector without .NET meaning: declined, frame untouched.
                f.Vector = 0; f.RIP = 0x1000; f.RSP = 0x7000;
                True(!HardwareExceptions.TryRaise(&f) && f.RIP == 0x1000, "#DE outside managed code declined");
                f.Vector = 6; f.RIP = managedIp;
                True(!HardwareExceptions.TryRaise(&f) && f.RIP == managedIp, "#UD declined");
                f.Vector = 14 | 0x100; // software INT 14
                True(!HardwareExceptions.TryRaise(&f), "software INT 14 declined");
                // #DE in managed code: enters RhpThrowHwEx with the code and the faulting IP.
                f.Vector = 0; f.RIP = managedIp; f.RSP = 0x7008; f.RFLAGS = RFlags.DF | RFlags.IF | RFlags.Reserved1;
                True(HardwareExceptions.TryRaise(&f), "#DE in managed code raised");
                Equal(CodeManager.Addresses->ThrowHwExEntry, f.RIP, "RIP = RhpThrowHwEx");
                Equal((ulong)HardwareExceptions.StatusIntegerDivideByZero, f.RDI, "RDI = STATUS_INTEGER_DIVIDE_BY_ZERO");
                Equal(managedIp, f.RSI, "RSI = faulting IP");
                Equal(0x7008UL, f.RSP, "RSP unchanged");
                Equal(RFlags.IF | RFlags.Reserved1, f.RFLAGS, "DF cleared");
            });

            Case("#DE decoding tells divide by zero from int.MinValue / -1", () =>
            {
                InterruptFrame f = default;
                byte* code = stackalloc byte[16];
                code[0] = 0xF7; code[1] = 0xF9;                       // idiv ecx
                f.RCX = 0;
                Equal(HardwareExceptions.StatusIntegerDivideByZero, HardwareExceptions.ClassifyDivideError(&f, code), "idiv ecx, ecx = 0");
                f.RCX = 0xFFFFFFFF;
                Equal(HardwareExceptions.StatusIntegerOverflow, HardwareExceptions.ClassifyDivideError(&f, code), "idiv ecx, ecx = -1");
                f.RCX = 0xFFFFFFFF00000000;
                Equal(HardwareExceptions.StatusIntegerDivideByZero, HardwareExceptions.ClassifyDivideError(&f, code), "idiv ecx ignores the upper half");
                code[0] = 0x48; code[1] = 0xF7; code[2] = 0xF9;       // idiv rcx
                Equal(HardwareExceptions.StatusIntegerOverflow, HardwareExceptions.ClassifyDivideError(&f, code), "idiv rcx, rcx != 0");
                code[0] = 0x41; code[1] = 0xF7; code[2] = 0xF8;       // idiv r8d
                f.R8 = 0;
                Equal(HardwareExceptions.StatusIntegerDivideByZero, HardwareExceptions.ClassifyDivideError(&f, code), "idiv r8d");
                long* slot = stackalloc long[2];
                slot[0] = -1; slot[1] = 0;
                code[0] = 0x48; code[1] = 0xF7; code[2] = 0x7D; code[3] = 0xF8;   // idiv qword [rbp-8]
                f.RBP = (ulong)(slot + 1);
                Equal(HardwareExceptions.StatusIntegerOverflow, HardwareExceptions.ClassifyDivideError(&f, code), "idiv qword [rbp-8] = -1");
                code[0] = 0xF7; code[1] = 0x34; code[2] = 0x24;       // div dword [rsp]
                f.RSP = (ulong)(slot + 1);
                Equal(HardwareExceptions.StatusIntegerDivideByZero, HardwareExceptions.ClassifyDivideError(&f, code), "div dword [rsp] = 0");
            });

            Case("real CPU faults in managed code become .NET exceptions (through the IDT)", () =>
            {
                try { Log("q " + 10 / Id(0)); } catch (DivideByZeroException) { Log("int divide"); }
                try { Log("q " + 10L % Id64(0)); } catch (DivideByZeroException) { Log("long remainder"); }
                try { Log("q " + int.MinValue / Id(-1)); } catch (OverflowException) { Log("int overflow"); }
                try { Log("q " + long.MinValue / Id64(-1)); } catch (OverflowException) { Log("long overflow"); }
                try { Log("v " + NoHolder().Value); } catch (NullReferenceException) { Log("null read"); }
                try { NoHolder().Value = 1; Log("not reached"); } catch (NullReferenceException) { Log("null write"); }
                try { NoHolder().Obj = new object(); Log("not reached"); } catch (NullReferenceException) { Log("null write barrier"); }
                Equal("int divide,long remainder,int overflow,long overflow,null read,null write,null write barrier", Events(), "events");
            });

            Case("a CPU fault inside a catch block replaces the exception being handled", () =>
            {
                try
                {
                    try { Throw(new MyBase("first")); }
                    catch (MyBase) { Log("catch"); NoHolder().Value = 1; Log("not reached"); }
                }
                catch (NullReferenceException) { Log("null in catch"); }
                Equal("catch,null in catch", Events(), "events");
            });

            Case("an exception unwinds 1000 frames", () =>
            {
                string trace = null;
                try { Depth(1000); }
                catch (InvalidOperationException e) { trace = e.StackTrace; }
                int frames = 0;
                foreach (var line in (trace ?? "").Split('\n')) if (line.Contains("Depth(Int32)")) frames++;
                Equal(1001, frames, "Depth frames in the trace");
            });

            Case("simulated CPU faults become .NET exceptions", () =>
            {
                try { SimulatedFaults.Raise(HardwareExceptions.VectorDivideError, 0); Log("not reached"); }
                catch (DivideByZeroException) { Log("divide"); }
                try { FaultInCallee(HardwareExceptions.VectorPageFault, 0x18); }
                catch (NullReferenceException) { Log("null"); }
                try { SimulatedFaults.Raise(HardwareExceptions.VectorPageFault, 0xFFF0); Log("not reached"); }
                catch (NullReferenceException e) { Log("null " + (e.StackTrace ?? "").Contains("ExceptionTests.Kernel")); }
                bool raised = SimulatedFaults.Raise(HardwareExceptions.VectorPageFault, 0x12345000);
                Log("wild pointer raised " + raised);
                Equal("divide,null,null True,wild pointer raised False", Events(), "events");
            });
        }
    }
}
