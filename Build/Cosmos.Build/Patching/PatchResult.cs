using System.Collections.Generic;
using System.Linq;

namespace Cosmos.Build.Patching
{
    /// <summary>Outcome of <see cref="PlugPatcher.Run(PatchRequest)"/>.</summary>
    public sealed class PatchResult
    {
        internal PatchResult(List<PatchDiagnostic> diagnostics, List<PatchedAssembly> assemblies, List<AppliedPlug> plugs, IReadOnlyCollection<string> scope = null)
        {
            Diagnostics = diagnostics;
            PatchedAssemblies = assemblies;
            Plugs = plugs;
            Scope = scope;
        }

        /// <summary>True when no diagnostic is an error. When false nothing was written.</summary>
        public bool Success => Diagnostics.All(d => d.Severity != PatchSeverity.Error);

        /// <summary>Errors and warnings in a stable order (plug assembly, then plug class, then plug method order).</summary>
        public IReadOnlyList<PatchDiagnostic> Diagnostics { get; }

        /// <summary>
        /// The target assemblies that received at least one plug, in the order of
        /// <see cref="PatchRequest.TargetAssemblies"/>. Empty when <see cref="Success"/> is false. Feed
        /// <see cref="PatchedAssembly.OutputPath"/> to ilc instead of <see cref="PatchedAssembly.SourcePath"/>.
        /// </summary>
        public IReadOnlyList<PatchedAssembly> PatchedAssemblies { get; }

        /// <summary>Every plug that was bound to a target (also filled when errors elsewhere prevented writing).</summary>
        public IReadOnlyList<AppliedPlug> Plugs { get; }

        /// <summary>
        /// Simple names of the assemblies whose contents can change this result (case-insensitive): the plug assemblies,
        /// those the plugs named as their targets' homes or found their targets in (forwarders included), and every
        /// assembly these reference, directly or not. Another target assembly can be changed without changing the
        /// patched output. Null when that cannot be said: a plug's <c>TargetName</c> without an assembly searches every
        /// target assembly, or the run stopped on an error.
        /// </summary>
        public IReadOnlyCollection<string> Scope { get; }

        /// <summary>Errors only.</summary>
        public IEnumerable<PatchDiagnostic> Errors => Diagnostics.Where(d => d.Severity == PatchSeverity.Error);

        /// <summary>Warnings only.</summary>
        public IEnumerable<PatchDiagnostic> Warnings => Diagnostics.Where(d => d.Severity == PatchSeverity.Warning);
    }

    /// <summary>One rewritten target assembly.</summary>
    public sealed class PatchedAssembly
    {
        internal PatchedAssembly(string name, string source, string output, string symbols, int count, bool changed, bool fromCache = false)
        {
            FromCache = fromCache;
            AssemblyName = name;
            SourcePath = source;
            OutputPath = output;
            SymbolsPath = symbols;
            PatchedMethodCount = count;
            FileChanged = changed;
        }

        /// <summary>Simple assembly name, e.g. <c>System.Console</c>.</summary>
        public string AssemblyName { get; }
        /// <summary>The input path from <see cref="PatchRequest.TargetAssemblies"/>.</summary>
        public string SourcePath { get; }
        /// <summary><see cref="PatchRequest.OutputDirectory"/> + the input's file name.</summary>
        public string OutputPath { get; }
        /// <summary>The written portable PDB, or null when none was written.</summary>
        public string SymbolsPath { get; }
        /// <summary>How many methods got a plug body.</summary>
        public int PatchedMethodCount { get; }
        /// <summary>False when the output file already had exactly these bytes (it was left untouched).</summary>
        public bool FileChanged { get; }
        /// <summary>True when the bytes came from <see cref="PatchRequest.CacheDirectory"/> instead of being written by Cecil (the plugs were still bound and checked).</summary>
        public bool FromCache { get; }
    }

    /// <summary>A plug bound to its target.</summary>
    public sealed class AppliedPlug
    {
        internal AppliedPlug(string plug, string target, string targetAssembly)
        {
            PlugMethod = plug;
            TargetMethod = target;
            TargetAssembly = targetAssembly;
        }

        /// <summary>Display name of the plug method (<c>Ns.PlugClass.Method(params)</c>).</summary>
        public string PlugMethod { get; }
        /// <summary>Display name of the replaced method.</summary>
        public string TargetMethod { get; }
        /// <summary>Simple name of the assembly that defines the target.</summary>
        public string TargetAssembly { get; }

        /// <inheritdoc />
        public override string ToString() => TargetMethod + " <- " + PlugMethod;
    }
}
