using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Cosmos.Build.Patching
{
    /// <summary>
    /// Applies Cosmos plugs (<c>IL2CPU.API.Attribs</c>: <c>[Plug]</c>, <c>[PlugMethod]</c>, <c>[FieldAccess]</c>) to IL:
    /// every target method that has a plug gets a new body that loads its arguments (and the fields asked for with
    /// <c>[FieldAccess]</c>), calls the plug, and returns its result. The rewritten target assemblies are written to
    /// <see cref="PatchRequest.OutputDirectory"/> for ilc to compile instead of the originals.
    /// </summary>
    /// <remarks>
    /// <para>Binding rules (the attributes' docs repeat them for plug authors):</para>
    /// <list type="bullet">
    /// <item>A plug class has <c>[Plug(typeof(T))]</c>, <c>[Plug(Target = typeof(T))]</c> or
    /// <c>[Plug(TargetName = "Ns.Type, Assembly")]</c>; it must be public and non-generic. Attribute types are
    /// recognised by full name, so any assembly defining <c>IL2CPU.API.Attribs.PlugAttribute</c> works.</item>
    /// <item>Every public static method of a plug class is a plug unless <c>[PlugMethod(Enabled = false)]</c>; non-public
    /// methods are helpers. A public instance method (not an override) or a non-public method with <c>[PlugMethod]</c>
    /// is an error (COSMOS008), so nothing meant as a plug is ignored.</item>
    /// <item>The target method has the plug's name (<c>Ctor</c> = <c>.ctor</c>, <c>CCtor</c> = <c>.cctor</c>, or
    /// <c>[PlugMethod(TargetName = ...)]</c>) and the plug's parameter list minus <c>[FieldAccess]</c> parameters and
    /// minus a leading <c>aThis</c>. A first (non-FieldAccess) parameter named <c>aThis</c> makes the plug an instance plug.</item>
    /// <item>Substitutes accepted in any position: <c>object</c> for a reference type (returns get <c>castclass</c>),
    /// <c>IntPtr</c>/<c>UIntPtr</c>/any pointer for a pointer, the underlying integer for an enum. <c>aThis</c> of a
    /// value-type target is <c>ref T</c> (or a pointer/<c>IntPtr</c>, passed with <c>conv.u</c>). When several overloads
    /// fit, one whose types all match exactly wins, otherwise COSMOS010.</item>
    /// <item>Generic targets: the plug is a generic method whose type parameters are the target type's followed by
    /// the target method's; a non-generic plug may serve a generic target when its signature does not mention them.</item>
    /// <item>Extern targets (<c>InternalCall</c>, P/Invoke, <c>[RuntimeImport]</c>) become IL methods: the P/Invoke
    /// metadata, marshalling info and <c>RuntimeImport</c>/<c>Intrinsic</c>/<c>SuppressGCTransition</c> attributes are
    /// removed; <c>Synchronized</c> and <c>PreserveSig</c> are cleared; inlining hints are kept (the forwarder may be
    /// inlined safely). Abstract and runtime-implemented (delegate) methods cannot be plugged (COSMOS013).</item>
    /// </list>
    /// <para>All problems are collected before anything is written; on any error nothing is written. Output is
    /// deterministic: same inputs give byte-identical assemblies (deterministic MVID, the input's PE timestamp).</para>
    /// </remarks>
    public static class PlugPatcher
    {
        /// <summary>Binds every plug, rewrites the target assemblies that have plugs and writes them.</summary>
        /// <param name="request">Assemblies and directories; see <see cref="PatchRequest"/>.</param>
        /// <returns>Diagnostics (MSBuild canonical via <see cref="PatchDiagnostic.ToString"/>), the written assemblies and the bound plugs.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
        /// <exception cref="IOException">Writing an output file failed.</exception>
        public static PatchResult Run(PatchRequest request)
        {
            if (request == null)
                throw new ArgumentNullException(nameof(request));
            return new PatchRun(request).Execute();
        }
    }

    /// <summary>
    /// One run of the patcher: its steps in order, sharing a <see cref="PatchContext"/>.
    /// <list type="number">
    /// <item><see cref="InputLoader"/>: check the request, read plug and target assemblies.</item>
    /// <item><see cref="PlugDiscovery"/>: find plug classes and methods; <see cref="TargetTypeResolver"/> finds each class's
    /// target type, <see cref="TargetBinder"/> (with <see cref="FieldAccessBinder"/>) binds each method to its target.</item>
    /// <item><see cref="BodyRewriter"/>: give every bound target its forwarding body, calling the plug through a
    /// reference made by <see cref="PlugReferenceImporter"/>.</item>
    /// <item><see cref="PatchWriter"/>: serialize the patched targets (or take them from the <see cref="PatchCache"/>), then
    /// write them when the run has no errors.</item>
    /// </list>
    /// Binding stops the run before anything is rewritten when it reported an error; all diagnostics are collected first.
    /// </summary>
    internal sealed class PatchRun
    {
        private readonly PatchContext _context;
        private IReadOnlyCollection<string> _scope;

        public PatchRun(PatchRequest request)
        {
            _context = new PatchContext(request);
        }

        public PatchResult Execute()
        {
            var writer = new PatchWriter(_context);
            try
            {
                if (!new InputLoader(_context).Load())
                    return Result(null);

                var discovery = new PlugDiscovery(_context, new TargetTypeResolver(_context),
                    new TargetBinder(_context, new FieldAccessBinder(_context)));
                foreach (LoadedAssembly plugAsm in _context.Set.All.Where(a => a.IsPlug).ToList())
                    discovery.Scan(plugAsm);

                if (_context.HasErrors)
                    return Result(null);

                var rewriter = new BodyRewriter(_context, new PlugReferenceImporter(_context));
                foreach (Binding b in _context.Bindings)
                {
                    try
                    {
                        rewriter.Apply(b);
                    }
                    catch (Exception e) when (!(e is OutOfMemoryException))
                    {
                        _context.Report(PatchSeverity.Error, DiagnosticCodes.InputError,
                            "applying plug '" + Display.Method(b.Plug) + "' to '" + Display.Method(b.Target) + "' failed: " + e.GetType().Name + ": " + e.Message,
                            b.Location);
                    }
                }

                writer.Prepare();
                _scope = _context.HasErrors ? null : Scope();
            }
            finally
            {
                _context.Set.Dispose();
            }

            if (_context.HasErrors)
                return Result(null);
            return Result(writer.Write());
        }

        private PatchResult Result(List<PatchedAssembly> written) =>
            new PatchResult(_context.Diagnostics, _context.HasErrors || written == null ? new List<PatchedAssembly>() : written, _context.Applied, _scope);

        /// <summary>
        /// <see cref="PatchResult.Scope"/>: the plug assemblies, the assemblies the plugs named or found their targets in,
        /// and every assembly these reference, directly or not; null when a plug searched every target assembly.
        /// </summary>
        private IReadOnlyCollection<string> Scope()
        {
            if (_context.ScopeIsEveryTarget)
                return null;
            var roots = _context.Set.All.Where(a => a.IsPlug || _context.ScopeNames.Contains(a.Name)).ToList();
            var names = new HashSet<string>(_context.ScopeNames, StringComparer.OrdinalIgnoreCase);
            names.UnionWith(_context.Set.ReferenceClosure(roots).Keys);
            return names;
        }
    }
}
