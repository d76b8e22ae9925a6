using System;
using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;

namespace Cosmos.Build.Patching
{
    /// <summary>
    /// What the steps of one patch run share: the request, the assemblies read, the type matcher, the bindings
    /// found so far and the diagnostics in the order they were reported.
    /// </summary>
    internal sealed class PatchContext
    {
        public PatchContext(PatchRequest request)
        {
            Request = request;
            Set = new AssemblySet(request.SearchDirectories.Where(d => !string.IsNullOrEmpty(d)));
        }

        public PatchRequest Request { get; }
        public AssemblySet Set { get; }
        public TypeMatcher Types { get; } = new TypeMatcher();
        public List<PatchDiagnostic> Diagnostics { get; } = new List<PatchDiagnostic>();
        /// <summary>Every plug bound so far, in binding order (the order the bodies are rewritten in).</summary>
        public List<Binding> Bindings { get; } = new List<Binding>();
        /// <summary>The binding of each target method (one target, one plug).</summary>
        public Dictionary<MethodDefinition, Binding> ByTarget { get; } = new Dictionary<MethodDefinition, Binding>();
        /// <summary>What <see cref="PatchResult.Plugs"/> reports.</summary>
        public List<AppliedPlug> Applied { get; } = new List<AppliedPlug>();

        public bool HasErrors => Diagnostics.Any(d => d.Severity == PatchSeverity.Error);

        /// <summary>
        /// Simple names of the assemblies a plug named as its target's home or found its target in (what
        /// <see cref="PatchResult.Scope"/> is built from); <see cref="ScopeIsEveryTarget"/> when a <c>TargetName</c>
        /// without an assembly searched every target assembly.
        /// </summary>
        public HashSet<string> ScopeNames { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        public bool ScopeIsEveryTarget { get; private set; }

        /// <summary>Notes that the plugs' result depends on assembly <paramref name="name"/> (null: on every target assembly).</summary>
        public void NoteScope(string name)
        {
            if (name == null) ScopeIsEveryTarget = true;
            else ScopeNames.Add(name);
        }

        public void Report(PatchSeverity severity, string code, string message, SourceLocation at)
        {
            Diagnostics.Add(new PatchDiagnostic(severity, code, message, at.File, at.Line, at.Column));
        }

        /// <summary>"file(line,col)" or "file", as a diagnostic names another plug.</summary>
        public static string Where(SourceLocation l) =>
            l.Line > 0 ? l.File + "(" + l.Line + "," + Math.Max(1, l.Column) + ")" : l.File;
    }

    /// <summary>Base of the patcher's steps: access to the run's <see cref="PatchContext"/>.</summary>
    internal abstract class PatcherStep
    {
        protected PatcherStep(PatchContext context)
        {
            Context = context;
        }

        protected PatchContext Context { get; }
        protected PatchRequest Request => Context.Request;
        protected AssemblySet Set => Context.Set;
        protected TypeMatcher Types => Context.Types;
        protected bool HasErrors => Context.HasErrors;

        protected void Report(PatchSeverity severity, string code, string message, SourceLocation at) =>
            Context.Report(severity, code, message, at);
    }
}
