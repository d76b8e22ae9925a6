using System;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Interrupts;
using Cosmos.Core.Layout;
using Cosmos.HAL;
using Cosmos.HAL.Interrupts;
using Cosmos.TestRunner;

namespace InterruptExceptionTests
{
    public sealed class Holder { public int Value; }

    public sealed unsafe class Kernel : TestKernel
    {
        private static int s_finallies;
        private static ulong s_ticks;
        private static void OnTimer(InterruptFrame* f) => s_ticks++;

        [MethodImpl(MethodImplOptions.NoInlining)] private static int Id(int v) => v;
        [MethodImpl(MethodImplOptions.NoInlining)] private static Holder NoHolder() => null;

        [MethodImpl(MethodImplOptions.NoInlining)] private static int Divide(int a, int b) => a / b;
        [MethodImpl(MethodImplOptions.NoInlining)] private static int ReadValue(Holder h) => h.Value;

        /// <summary>Two frames between the fault and the catch, with a finally in the middle one.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int Middle(Func<int> body)
        {
            try { return body() + 1; }
            finally { s_finallies++; }
        }

        private string Classify(Func<int> body)
        {
            try { Middle(body); return "none"; }
            catch (DivideByZeroException) { return "divide"; }
            catch (OverflowException) { return "overflow"; }
            catch (NullReferenceException) { return "null"; }
        }

        protected override void RunTests()
        {
            Test("HardwareExceptionHook installed by the runtime", () =>
                True(HardwareExceptionHook.Raise != null, "HardwareExceptionHook.Raise is set"));

            Test("#DE, #DE overflow and #PF on null caught in the faulting method", () =>
            {
                string seen = "";
                try { Divide(Id(7), Id(0)); } catch (DivideByZeroException) { seen += "divide,"; }
                try { Divide(int.MinValue, Id(-1)); } catch (OverflowException) { seen += "overflow,"; }
                try { ReadValue(NoHolder()); } catch (NullReferenceException) { seen += "null"; }
                Equal("divide,overflow,null", seen, "caught");
            });

            Test("the same faults caught two frames up, finally blocks run on the way", () =>
            {
                s_finallies = 0;
                Equal("divide", Classify(() => Divide(Id(1), Id(0))), "int / 0");
                Equal("overflow", Classify(() => Divide(int.MinValue, Id(-1))), "int.MinValue / -1");
                Equal("null", Classify(() => ReadValue(NoHolder())), "null field read");
                Equal("none", Classify(() => Divide(Id(8), Id(2))), "no fault");
                Equal(4, s_finallies, "finally blocks");
            });

            Test("faults become exceptions while a 10 kHz timer interrupt storm runs", () =>
            {
                var idt = INTs.IDT;
                int vector = InterruptController.VectorOf(0);
                idt[vector].SetHandler(&OnTimer);
                s_ticks = 0;
                InterruptController.StartPitTimer(10_000);
                int divide = 0, overflow = 0, nulls = 0, rounds = 0;
                ulong start = Native.Rdtsc();
                while (s_ticks < 5_000)
                {
                    if (Classify(() => Divide(Id(rounds), Id(0))) == "divide") divide++;
                    if (Classify(() => Divide(int.MinValue, Id(-1))) == "overflow") overflow++;
                    if (Classify(() => ReadValue(NoHolder())) == "null") nulls++;
                    rounds++;
                }
                InterruptController.StopPitTimer();
                idt[vector].ClearHandler();
                Line("storm: " + s_ticks + " ticks, " + rounds + " rounds of three faults in " + (Native.Rdtsc() - start) + " TSC ticks");
                True(rounds > 0, "rounds");
                Equal(rounds, divide, "DivideByZeroException every round");
                Equal(rounds, overflow, "OverflowException every round");
                Equal(rounds, nulls, "NullReferenceException every round");
            });
        }
    }
}
