using System;

namespace System.Runtime
{
    /// <summary>
    /// Marks a static method as implemented by a native symbol (X# assembly or another
    /// module's <see cref="RuntimeExportAttribute"/>). ilc recognises this attribute by
    /// name and emits a direct call with the managed (System V) calling convention and no
    /// GC transition. The method must also be <c>extern</c> with
    /// <c>[MethodImpl(MethodImplOptions.InternalCall)]</c>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, Inherited = false)]
    public sealed class RuntimeImportAttribute : Attribute
    {
        /// <summary>Library name (ignored by the linker; "*" by convention).</summary>
        public string DllName { get; }
        /// <summary>The symbol the call binds to.</summary>
        public string EntryPoint { get; }
        /// <summary>Binds to <paramref name="entry"/> in the kernel image.</summary>
        public RuntimeImportAttribute(string entry) { DllName = "*"; EntryPoint = entry; }
        /// <summary>Binds to <paramref name="entry"/>; <paramref name="lib"/> is informational.</summary>
        public RuntimeImportAttribute(string lib, string entry) { DllName = lib; EntryPoint = entry; }
    }

    /// <summary>
    /// Exports a static managed method under a fixed native symbol name with the managed
    /// calling convention (no reverse P/Invoke transition). Used for the runtime surface
    /// (Rh* helpers) that ilc-generated code and the NativeAOT CoreLib call.
    /// The containing assembly must be passed to ilc with --generateunmanagedentrypoints.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, Inherited = false)]
    public sealed class RuntimeExportAttribute : Attribute
    {
        /// <summary>The exported symbol name.</summary>
        public string EntryPoint { get; }
        /// <summary>Exports the method as <paramref name="entry"/>.</summary>
        public RuntimeExportAttribute(string entry) { EntryPoint = entry; }
    }
}
