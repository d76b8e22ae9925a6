using XSharp;
using static XSharp.Reg;

namespace Cosmos.Runtime.Amd64
{
    /// <summary>
    /// Addresses of the CoreLib's thread entry points, which C# cannot take (they are <c>[UnmanagedCallersOnly]</c>
    /// methods exported under fixed symbols):
    /// <list type="bullet">
    /// <item><c>cosmos_process_finalizers_address()</c>: <c>ProcessFinalizers</c>, the finalizer thread's routine;</item>
    /// <item><c>RhGetThreadEntryPointAddress()</c>: <c>ThreadEntryPoint</c>, which Thread.Start (.NET 10) passes to
    /// SystemNative_CreateThread.</item>
    /// </list>
    /// </summary>
    public sealed class ThreadingHelpers : AsmProgram
    {
        /// <inheritdoc/>
        public override string Name => "threading_helpers";

        /// <inheritdoc/>
        public override void Emit(Assembler a)
        {
            a.Text();
            a.Extern("ProcessFinalizers");
            a.GlobalFunction("cosmos_process_finalizers_address");
            a.CfiStartProc();
            a.Lea(RAX, Mem.At(new Label("ProcessFinalizers")));
            a.Ret();

            a.Extern("ThreadEntryPoint");
            a.CfiEndProc();
            a.GlobalFunction("RhGetThreadEntryPointAddress");   // the CoreLib's [UnmanagedCallersOnly(EntryPoint = "ThreadEntryPoint")]
            a.CfiStartProc();
            a.Lea(RAX, Mem.At(new Label("ThreadEntryPoint")));
            a.Ret();

            a.CfiEndProc();
        }
    }
}
