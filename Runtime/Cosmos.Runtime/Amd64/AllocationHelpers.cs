using XSharp;
using static XSharp.Reg;

namespace Cosmos.Runtime.Amd64
{
    /// <summary>
    /// The allocation fast paths (NativeAOT's <c>RhpNewFast</c> / <c>RhpNewArrayFast</c> of
    /// src/coreclr/nativeaot/Runtime/amd64/AllocFast.S as the specification of what they must do): bump the running
    /// thread's allocation context (<see cref="RuntimeThreadState.AllocPtr"/>, <see cref="RuntimeThreadState.AllocLimit"/>
    /// in <c>cosmos_runtime_thread_state</c>) inside its nursery chunk, write the MethodTable (and the array length),
    /// return the object; when the object does not fit, tail-call the C# slow path (<c>cosmos_alloc_object_slow</c>,
    /// <c>cosmos_alloc_array_slow</c>), which takes a new chunk, allocates in the old generation or collects.
    /// <para>
    /// Nursery chunks are zeroed when a context takes them, so the object's fields need no stores. Interrupts stay on:
    /// every store before the commit (the store of the new AllocPtr) goes to the thread's own chunk above its AllocPtr, and
    /// a collection that stops a thread between the entry and the commit sets its RIP back to the entry (the
    /// <c>cosmos_alloc_restart_table</c> pairs {entry, first byte after the commit}; the collector retires every context,
    /// so the restarted helper finds no room and takes the slow path). After the commit the new object's cell address is
    /// in RDX, which the collector scans conservatively (an X# leaf), so the object is pinned, not lost.
    /// </para>
    /// <c>RhpNewPtrArrayFast</c> and <c>RhNewString</c> are the array path under other names (same arguments: RDI =
    /// MethodTable, ESI = element count; lengths of 2^26 or more go to the slow path, which checks and throws).
    /// </summary>
    public sealed class AllocationHelpers : AsmProgram
    {
        /// <inheritdoc/>
        public override string Name => "alloc_helpers";

        /// <summary>Symbol of the restart table: qword pairs {helper entry, end of its commit store}, then {0, 0}.</summary>
        public const string RestartTable = "cosmos_alloc_restart_table";

        /// <inheritdoc/>
        public override void Emit(Assembler a)
        {
            var state = new Label(RuntimeThreadState.Symbol);
            a.Extern(RuntimeThreadState.Symbol);
            a.Extern("cosmos_alloc_object_slow");
            a.Extern("cosmos_alloc_array_slow");
            a.Text();

            // object RhpNewFast(MethodTable* mt (RDI))
            var objSlow = a.NewLabel("new_fast_slow");
            a.GlobalFunction("RhpNewFast");
            a.CfiStartProc();
            a.Mov(EAX, Mem.D(RDI, 4));                                    // MethodTable._uBaseSize (a multiple of 8 on x64)
            a.Mov(RDX, Mem.Q(state, RuntimeThreadState.AllocPtrOffset));
            a.Add(RAX, RDX);
            a.Cmp(RAX, Mem.Q(state, RuntimeThreadState.AllocLimitOffset));
            a.Ja(objSlow);
            a.Mov(Mem.Q(RDX, 8), RDI);                                    // the MethodTable pointer (cell + 8 = object)
            a.Mov(Mem.Q(state, RuntimeThreadState.AllocPtrOffset), RAX);  // commit
            a.Label("cosmos_new_fast_committed");
            a.Lea(RAX, Mem.At(RDX, 8));
            a.Ret();
            a.Label(objSlow);
            a.Jmp(new Label("cosmos_alloc_object_slow"));
            a.CfiEndProc();

            // object RhpNewArrayFast(MethodTable* mt (RDI), int length (ESI)); also RhpNewPtrArrayFast, RhNewString.
            var arrSlow = a.NewLabel("new_array_slow");
            a.Align(16);
            a.Global("RhpNewPtrArrayFast", SymbolType.Function);
            a.Global("RhNewString", SymbolType.Function);
            a.Global("RhpNewArrayFast", SymbolType.Function);
            a.Label("RhpNewPtrArrayFast");
            a.Label("RhNewString");
            a.Label("RhpNewArrayFast");
            a.CfiStartProc();
            a.Cmp(ESI, 1 << 26);
            a.Jae(arrSlow);                                               // negative or huge: the slow path checks and throws
            a.Movzx(EAX, Mem.W(RDI, 0));                                  // MethodTable component size (low 16 bits of the flags)
            a.Mov(ECX, ESI);
            a.Imul(RAX, RCX);
            a.Mov(ECX, Mem.D(RDI, 4));                                    // base size
            a.Lea(RAX, Mem.At(RAX, RCX, 1, 7));
            a.And(RAX, -8);
            a.Mov(RDX, Mem.Q(state, RuntimeThreadState.AllocPtrOffset));
            a.Add(RAX, RDX);
            a.Cmp(RAX, Mem.Q(state, RuntimeThreadState.AllocLimitOffset));
            a.Ja(arrSlow);
            a.Mov(Mem.Q(RDX, 8), RDI);
            a.Mov(Mem.D(RDX, 16), ESI);                                   // length at object + 8
            a.Mov(Mem.Q(state, RuntimeThreadState.AllocPtrOffset), RAX);  // commit
            a.Label("cosmos_new_array_committed");
            a.Lea(RAX, Mem.At(RDX, 8));
            a.Ret();
            a.Label(arrSlow);
            a.Jmp(new Label("cosmos_alloc_array_slow"));
            a.CfiEndProc();

            a.Rodata();
            a.Align(8);
            a.Global(RestartTable, SymbolType.Data);
            a.Label(RestartTable);
            a.Dq(new Label("RhpNewFast"), new Label("cosmos_new_fast_committed"));
            a.Dq(new Label("RhpNewArrayFast"), new Label("cosmos_new_array_committed"));
            a.Dq(0, 0);

            a.Text();
            a.GlobalFunction("cosmos_alloc_restart_table_address");
            a.CfiStartProc();
            a.Lea(RAX, Mem.At(new Label(RestartTable)));
            a.Ret();
            a.CfiEndProc();
        }
    }
}
