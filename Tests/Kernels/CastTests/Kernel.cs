using System;
using Cosmos.TestCases;
using Cosmos.TestRunner;

namespace CastTests
{
    /// <summary>
    /// Casts, unboxing and array stores on the kernel: every case of the shared table
    /// <see cref="CastCases"/> (Tests/Shared/CastCases.cs, also run on the host by
    /// Tests/Cosmos.Conformance.Tests to prove its expected results) runs as a test case of the same
    /// name and its result is compared with the one .NET produces. A failing cast, unbox or store must
    /// raise the same exception as on CoreCLR, and a valid one must give the same value.
    /// </summary>
    /// <remarks>
    /// A case that carries <see cref="CastCase.KnownIssue"/> still expects the correct result: when it observes
    /// exactly the defect's signature it is reported as a known failure (KNOWN in the runner's output, counted apart),
    /// any other wrong result fails, and the correct result fails too so that the note is removed once the defect is fixed. The cases marked
    /// <see cref="CastCases.JitDropsCastOfConstantObject"/> fail because ilc 10.0.12's RyuJIT emits no type
    /// check at all for them (e.g. <c>object o = "s"; ((Node)o).Value</c> compiles to
    /// <c>lea rax,[__Str_s]; mov ebx,[rax+8]</c>, the string's length); CoreCLR 10.0.12 does the same in
    /// optimized code, so nothing in Cosmos.Runtime is reached and nothing there can fix it.
    /// </remarks>
    public sealed class Kernel : TestKernel
    {
        protected override void RunTests()
        {
            foreach (var c in CastCases.All)
            {
                Test(c.Name, () =>
                {
                    string got;
                    try { got = c.Run(); }
                    catch (Exception e) { Fail("the case's own harness threw " + e.GetType().FullName); return; }
                    if (got == c.Expected)
                    {
                        if (c.KnownIssue != null) Fail("the known defect no longer reproduces (" + c.KnownIssue + "): remove the note from the case");
                    }
                    else if (c.IsKnownDefectResult(got))
                        KnownFailure(c.KnownIssue + "; observed <" + got + ">, .NET gives <" + c.Expected + ">");
                    else
                        Fail("result: expected <" + c.Expected + "> but got <" + got + ">" + (c.KnownIssue != null ? " (" + c.KnownIssue + ")" : ""));
                });
            }
        }
    }
}
