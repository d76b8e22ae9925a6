using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;

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

    /// <summary>One plug bound to one target method (what the patched body needs).</summary>
    internal sealed class Binding
    {
        public MethodDefinition Plug;
        public LoadedAssembly PlugAssembly;
        public MethodDefinition Target;
        public LoadedAssembly TargetAssembly;
        public SourceLocation Location;
        public bool HasThis;
        public Conversion ThisConversion;
        public Conversion ReturnConversion;
        public bool GenericCall;
        /// <summary>Per plug parameter: null for a target argument, else the field to load.</summary>
        public FieldDefinition[] Fields;
    }

    internal sealed class PatchRun
    {
        private const string AttribsNamespace = "IL2CPU.API.Attribs";
        private const string PlugAttr = AttribsNamespace + ".PlugAttribute";
        private const string PlugMethodAttr = AttribsNamespace + ".PlugMethodAttribute";
        private const string FieldAccessAttr = AttribsNamespace + ".FieldAccessAttribute";

        private static readonly HashSet<string> RemovedTargetAttributes = new HashSet<string>(StringComparer.Ordinal)
        {
            "System.Runtime.RuntimeImportAttribute",
            "System.Runtime.CompilerServices.IntrinsicAttribute",
            "System.Runtime.InteropServices.SuppressGCTransitionAttribute",
            "System.Runtime.InteropServices.DefaultDllImportSearchPathsAttribute",
        };

        private readonly PatchRequest _request;
        private readonly List<PatchDiagnostic> _diagnostics = new List<PatchDiagnostic>();
        private readonly List<Binding> _bindings = new List<Binding>();
        private readonly Dictionary<MethodDefinition, Binding> _byTarget = new Dictionary<MethodDefinition, Binding>();
        private readonly List<AppliedPlug> _applied = new List<AppliedPlug>();
        private readonly AssemblySet _set;
        private readonly TypeMatcher _types = new TypeMatcher();

        private PatchCache _cache;

        public PatchRun(PatchRequest request)
        {
            _request = request;
            _set = new AssemblySet(request.SearchDirectories.Where(d => !string.IsNullOrEmpty(d)));
        }

        public PatchResult Execute()
        {
            var written = new List<PatchedAssembly>();
            var pending = new List<PendingWrite>();
            try
            {
                if (!ValidateRequest() || !LoadInputs())
                    return Result(written);

                foreach (LoadedAssembly plugAsm in _set.All.Where(a => a.IsPlug).ToList())
                    ScanPlugAssembly(plugAsm);

                if (HasErrors)
                    return Result(written);

                foreach (Binding b in _bindings)
                {
                    try
                    {
                        Apply(b);
                    }
                    catch (Exception e) when (!(e is OutOfMemoryException))
                    {
                        Report(PatchSeverity.Error, DiagnosticCodes.InputError,
                            "applying plug '" + Display.Method(b.Plug) + "' to '" + Display.Method(b.Target) + "' failed: " + e.GetType().Name + ": " + e.Message,
                            b.Location);
                    }
                }

                PatchCache cache = string.IsNullOrEmpty(_request.CacheDirectory) ? null : new PatchCache(_request.CacheDirectory);
                List<string> plugOrder = _request.PlugAssemblies.Select(Path.GetFullPath).ToList();
                foreach (LoadedAssembly t in _set.All.Where(a => a.IsTarget && a.PatchedMethods > 0).OrderBy(a => a.TargetOrder))
                {
                    string key = null;
                    if (cache != null && !HasErrors)
                    {
                        List<LoadedAssembly> contributors = _bindings.Where(b => b.TargetAssembly == t).Select(b => b.PlugAssembly).Distinct()
                            .OrderBy(a => plugOrder.IndexOf(a.Path)).ToList();
                        key = cache.Key(t, contributors, _request.WriteSymbols && t.Module.HasSymbols, _set);
                        (byte[] Image, byte[] Symbols)? hit = cache.TryGet(key, t.Name, out string warning);
                        if (warning != null)
                            Report(PatchSeverity.Warning, DiagnosticCodes.CacheEntryDamaged, warning, new SourceLocation { File = t.Path });
                        if (hit != null)
                        {
                            pending.Add(new PendingWrite { Name = t.Name, Source = t.Path, Image = hit.Value.Image, Symbols = hit.Value.Symbols, Count = t.PatchedMethods, FromCache = true });
                            continue;
                        }
                    }
                    PendingWrite p = Serialize(t);
                    if (p != null)
                    {
                        p.CacheKey = key;
                        pending.Add(p);
                    }
                }
                _cache = cache;
            }
            finally
            {
                _set.Dispose();
            }

            if (HasErrors)
                return Result(written);

            Directory.CreateDirectory(_request.OutputDirectory);
            foreach (PendingWrite p in pending)
            {
                string outPath = Path.Combine(Path.GetFullPath(_request.OutputDirectory), Path.GetFileName(p.Source));
                bool changed = WriteIfChanged(outPath, p.Image);
                string pdbPath = Path.ChangeExtension(outPath, ".pdb");
                if (p.Symbols != null)
                    changed |= WriteIfChanged(pdbPath, p.Symbols);
                else if (File.Exists(pdbPath))
                    File.Delete(pdbPath); // a stale PDB from an earlier run would not match the new image
                written.Add(new PatchedAssembly(p.Name, p.Source, outPath, p.Symbols != null ? pdbPath : null, p.Count, changed, p.FromCache));
                if (p.CacheKey != null)
                {
                    string warning = _cache.Put(p.CacheKey, p.Name, p.Image, p.Symbols);
                    if (warning != null)
                        Report(PatchSeverity.Warning, DiagnosticCodes.CacheEntryDamaged, warning, new SourceLocation { File = p.Source });
                }
            }
            return Result(written);
        }

        private bool HasErrors => _diagnostics.Any(d => d.Severity == PatchSeverity.Error);

        private PatchResult Result(List<PatchedAssembly> written) =>
            new PatchResult(_diagnostics, HasErrors ? new List<PatchedAssembly>() : written, _applied);

        // ---------------------------------------------------------------- inputs

        private bool ValidateRequest()
        {
            if (string.IsNullOrWhiteSpace(_request.OutputDirectory))
                Report(PatchSeverity.Error, DiagnosticCodes.InputError, "PatchRequest.OutputDirectory is not set", default);
            if (_request.PlugAssemblies.Count == 0)
                Report(PatchSeverity.Error, DiagnosticCodes.InputError, "PatchRequest.PlugAssemblies is empty", default);
            return !HasErrors;
        }

        private bool LoadInputs()
        {
            // Plugs are read first (with their PDBs, for diagnostics); an assembly that is both plug and target is read once.
            foreach (string path in _request.PlugAssemblies)
            {
                LoadedAssembly a = LoadOne(path, wantSymbols: true, isTarget: false);
                if (a == null)
                    continue;
                a.IsPlug = true;
            }
            int order = 0;
            foreach (string path in _request.TargetAssemblies)
            {
                LoadedAssembly a = LoadOne(path, wantSymbols: false, isTarget: true);
                if (a == null)
                    continue;
                a.IsTarget = true;
                if (a.TargetOrder == int.MaxValue)
                    a.TargetOrder = order++;
            }
            return !HasErrors;
        }

        private LoadedAssembly LoadOne(string path, bool wantSymbols, bool isTarget)
        {
            var at = new SourceLocation { File = path };
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
            {
                Report(PatchSeverity.Error, DiagnosticCodes.InputError, "assembly not found: " + path, at);
                return null;
            }
            string full = Path.GetFullPath(path);
            LoadedAssembly existing = _set.All.FirstOrDefault(x => string.Equals(x.Path, full, StringComparison.Ordinal));
            if (existing != null)
                return existing;
            string error;
            bool symbolsFailed;
            LoadedAssembly a = _set.Read(full, wantSymbols, out error, out symbolsFailed);
            if (a == null)
            {
                // A candidate target that is not a managed assembly cannot hold a plug target: skip it (a plug that
                // needed it still fails with COSMOS001). An unreadable plug assembly is an error.
                if (isTarget)
                    Report(PatchSeverity.Warning, DiagnosticCodes.UnreadableTarget, "target assembly skipped, it cannot be read: " + error, at);
                else
                    Report(PatchSeverity.Error, DiagnosticCodes.InputError, "cannot read plug assembly: " + error, at);
                return null;
            }
            if (symbolsFailed)
                Report(PatchSeverity.Warning, DiagnosticCodes.SymbolsUnreadable,
                    "the PDB of '" + a.Name + "' could not be read; diagnostics point at the assembly", at);
            if (!_set.Register(a))
            {
                LoadedAssembly first = _set.ByName(a.Name);
                Report(PatchSeverity.Warning, DiagnosticCodes.DuplicateAssembly,
                    "assembly '" + a.Name + "' is given twice; using " + first.Path, at);
                a.Assembly.Dispose();
                return first;
            }
            return a;
        }

        // ---------------------------------------------------------------- scanning

        private void ScanPlugAssembly(LoadedAssembly plugAsm)
        {
            foreach (TypeDefinition type in plugAsm.Module.GetTypes())
            {
                CustomAttribute plug = FindAttribute(type, PlugAttr);
                if (plug == null)
                {
                    CheckStrayPlugAttributes(type, plugAsm);
                    continue;
                }
                ScanPlugClass(type, plug, plugAsm);
            }
        }

        private void CheckStrayPlugAttributes(TypeDefinition type, LoadedAssembly plugAsm)
        {
            foreach (MethodDefinition m in type.Methods)
            {
                CustomAttribute pm = FindAttribute(m, PlugMethodAttr);
                bool enabled = pm != null && GetProperty(pm, "Enabled", true);
                bool fieldAccess = m.Parameters.Any(p => FindAttribute(p, FieldAccessAttr) != null);
                if (enabled || fieldAccess)
                    Report(PatchSeverity.Error, DiagnosticCodes.PlugAttributeOutsidePlugClass,
                        "'" + Display.Method(m) + "' has [" + (enabled ? "PlugMethod" : "FieldAccess") + "] but its class '"
                        + Display.Type(type) + "' has no [Plug] attribute, so it would never be applied",
                        SourceLocator.Of(m, plugAsm));
            }
        }

        private void ScanPlugClass(TypeDefinition type, CustomAttribute plug, LoadedAssembly plugAsm)
        {
            SourceLocation at = SourceLocator.Of(type, plugAsm);
            string plugClass = Display.Type(type);

            if (type.HasGenericParameters)
            {
                Report(PatchSeverity.Error, DiagnosticCodes.InvalidPlugMember,
                    "plug class '" + plugClass + "' is generic; plug classes must be non-generic (make the plug methods generic instead)", at);
                return;
            }
            if (!IsVisible(type))
            {
                Report(PatchSeverity.Error, DiagnosticCodes.InvalidPlugMember,
                    "plug class '" + plugClass + "' must be public (the patched target calls it from another assembly)", at);
                return;
            }

            // Collect every way the attribute names a target: exactly one (distinct) is allowed.
            var named = new List<object>();
            foreach (CustomAttributeArgument arg in plug.ConstructorArguments)
                if (arg.Value is TypeReference || arg.Value is string)
                    named.Add(arg.Value);
            foreach (Mono.Cecil.CustomAttributeNamedArgument p in plug.Properties)
                if ((p.Name == "Target" && p.Argument.Value is TypeReference) || (p.Name == "TargetName" && p.Argument.Value is string))
                    named.Add(p.Argument.Value);
            named = named.Where(v => !(v is string s0) || !string.IsNullOrWhiteSpace(s0)).ToList();
            bool optional = GetProperty(plug, "IsOptional", false);

            if (named.Count == 0)
            {
                Report(PatchSeverity.Error, DiagnosticCodes.InvalidPlugAttribute,
                    "plug class '" + plugClass + "' has [Plug] without a target; use [Plug(typeof(T))] or [Plug(TargetName = \"Ns.Type, Assembly\")]", at);
                return;
            }
            if (named.Select(v => v is TypeReference r ? "T:" + r.FullName : "N:" + (string)v).Distinct().Count() > 1)
            {
                Report(PatchSeverity.Error, DiagnosticCodes.InvalidPlugAttribute,
                    "plug class '" + plugClass + "' names its target more than once; give exactly one of Target or TargetName", at);
                return;
            }
            TypeReference targetRef = named[0] as TypeReference;
            string targetName = named[0] as string;

            TypeDefinition target;
            LoadedAssembly targetAsm;
            string described;
            string whyMissing;
            if (targetRef != null)
            {
                if (targetRef is TypeSpecification || targetRef is GenericParameter)
                {
                    Report(PatchSeverity.Error, DiagnosticCodes.InvalidPlugAttribute,
                        "plug class '" + plugClass + "' targets '" + Display.Type(targetRef) + "'; the target must be a named type"
                        + (targetRef is GenericInstanceType ? " (use the open generic form, e.g. typeof(List<>))" : ""), at);
                    return;
                }
                described = Display.Type(targetRef) + ", " + ScopeOf(targetRef);
                target = _types.Resolve(targetRef);
                targetAsm = target != null ? _set.Of(target.Module) : null;
                whyMissing = target == null ? "it was not found in assembly '" + ScopeOf(targetRef) + "' or its forwarders" : null;
            }
            else
            {
                described = targetName.Trim();
                if (!FindByName(described, out target, out targetAsm, out whyMissing))
                {
                    if (whyMissing != null && whyMissing.StartsWith("\0", StringComparison.Ordinal))
                    {
                        Report(PatchSeverity.Error, DiagnosticCodes.InvalidPlugAttribute,
                            "plug class '" + plugClass + "': " + whyMissing.Substring(1), at);
                        return;
                    }
                }
            }

            if (target != null && (targetAsm == null || !targetAsm.IsTarget))
            {
                whyMissing = "it is defined in '" + target.Module.Assembly.Name.Name + "' (" + (targetAsm?.Path ?? target.Module.FileName)
                    + "), which is not among the target assemblies";
                target = null;
            }
            if (target == null)
            {
                string msg = "plug class '" + plugClass + "' targets type '" + described + "', but " + whyMissing;
                if (optional)
                    Report(PatchSeverity.Warning, DiagnosticCodes.OptionalTargetTypeMissing, msg + "; optional plug skipped", at);
                else
                    Report(PatchSeverity.Error, DiagnosticCodes.TargetTypeNotFound, msg, at);
                return;
            }

            int plugs = 0;
            foreach (MethodDefinition m in type.Methods)
            {
                if (m.IsConstructor)
                    continue;
                CustomAttribute pm = FindAttribute(m, PlugMethodAttr);
                if (pm != null && !GetProperty(pm, "Enabled", true))
                    continue;
                bool hasFieldAccess = m.Parameters.Any(p => FindAttribute(p, FieldAccessAttr) != null);
                if (!m.IsStatic)
                {
                    if (pm != null || hasFieldAccess || (m.IsPublic && !m.IsVirtual))
                        plugs++; // counted so that COSMOS102 does not repeat the error
                    if (pm != null || hasFieldAccess || (m.IsPublic && !m.IsVirtual))
                        Report(PatchSeverity.Error, DiagnosticCodes.InvalidPlugMember,
                            "plug method '" + Display.Method(m) + "' must be static (plugs are static methods; the instance is the 'aThis' parameter)",
                            SourceLocator.Of(m, plugAsm));
                    continue;
                }
                if (!m.IsPublic)
                {
                    if (pm != null || hasFieldAccess)
                        plugs++;
                    if (pm != null || hasFieldAccess)
                        Report(PatchSeverity.Error, DiagnosticCodes.InvalidPlugMember,
                            "plug method '" + Display.Method(m) + "' must be public (non-public static methods are helpers; remove [PlugMethod]/[FieldAccess] or make it public)",
                            SourceLocator.Of(m, plugAsm));
                    continue;
                }
                plugs++;
                try
                {
                    Bind(m, pm, plugAsm, target, targetAsm);
                }
                catch (Exception e) when (!(e is OutOfMemoryException))
                {
                    Report(PatchSeverity.Error, DiagnosticCodes.InputError,
                        "plug '" + Display.Method(m) + "' could not be bound to '" + Display.Type(target) + "': " + e.GetType().Name + ": " + e.Message,
                        SourceLocator.Of(m, plugAsm));
                }
            }
            if (plugs == 0)
                Report(PatchSeverity.Warning, DiagnosticCodes.EmptyPlugClass,
                    "plug class '" + plugClass + "' for '" + Display.Type(target) + "' has no plug methods (public static)", at);
        }

        private static string ScopeOf(TypeReference t)
        {
            while (t.DeclaringType != null)
                t = t.DeclaringType;
            switch (t.Scope)
            {
                case ModuleDefinition m: return m.Assembly.Name.Name;
                case null: return "?";
                default: return t.Scope.Name;
            }
        }

        /// <summary>Finds "Ns.Type[+Nested], Assembly" among the targets, following forwarders.</summary>
        private bool FindByName(string name, out TypeDefinition type, out LoadedAssembly owner, out string why)
        {
            type = null;
            owner = null;
            why = null;
            string typePart = name, asmPart = null;
            int comma = name.IndexOf(',');
            if (comma >= 0)
            {
                typePart = name.Substring(0, comma).Trim();
                asmPart = name.Substring(comma + 1).Split(',')[0].Trim();
            }
            if (typePart.Length == 0 || typePart.IndexOfAny(new[] { '[', ']', '*', '&', '<', '>' }) >= 0 || asmPart != null && asmPart.Length == 0)
            {
                why = "\0TargetName '" + name + "' is not of the form \"Namespace.Type, Assembly\" (nested types use '+', generic types their arity, e.g. \"Ns.Box`1\"; no type arguments)";
                return false;
            }
            string cecilName = typePart.Replace('+', '/');
            if (asmPart != null)
            {
                LoadedAssembly a = _set.ByName(asmPart);
                if (a == null)
                {
                    AssemblyDefinition probed = _set.Resolve(new AssemblyNameReference(asmPart, null));
                    a = probed != null ? _set.Of(probed.MainModule) : null;
                }
                if (a == null)
                {
                    why = "assembly '" + asmPart + "' is not among the target assemblies or search directories";
                    return false;
                }
                type = FindInAssembly(a, cecilName, 0);
                if (type == null)
                {
                    why = "assembly '" + asmPart + "' (" + a.Path + ") has no type '" + typePart + "'";
                    return false;
                }
                owner = _set.Of(type.Module);
                return true;
            }
            var found = new List<TypeDefinition>();
            foreach (LoadedAssembly a in _set.All.Where(x => x.IsTarget).OrderBy(x => x.TargetOrder))
            {
                TypeDefinition t = a.Module.GetType(cecilName);
                if (t != null)
                    found.Add(t);
            }
            if (found.Count == 0)
            {
                why = "no target assembly defines '" + typePart + "' (add \", AssemblyName\" to TargetName to search a specific assembly)";
                return false;
            }
            if (found.Count > 1)
            {
                why = "\0TargetName '" + name + "' is ambiguous; it is defined in " + string.Join(", ", found.Select(t => t.Module.Assembly.Name.Name))
                    + "; add \", AssemblyName\"";
                return false;
            }
            type = found[0];
            owner = _set.Of(type.Module);
            return true;
        }

        private TypeDefinition FindInAssembly(LoadedAssembly a, string cecilName, int depth)
        {
            TypeDefinition t = a.Module.GetType(cecilName);
            if (t != null || depth > 8)
                return t;
            string top = cecilName.Split('/')[0];
            foreach (ExportedType e in a.Module.ExportedTypes)
            {
                if (!e.IsForwarder || e.DeclaringType != null || !string.Equals(e.FullName, top, StringComparison.Ordinal))
                    continue;
                AssemblyDefinition next = e.Scope is AssemblyNameReference r ? _set.Resolve(r) : null;
                LoadedAssembly la = next != null ? _set.Of(next.MainModule) : null;
                return la != null ? FindInAssembly(la, cecilName, depth + 1) : null;
            }
            return null;
        }

        // ---------------------------------------------------------------- binding

        private sealed class Candidate
        {
            public MethodDefinition Method;
            public bool ShapeOk;       // static/instance and parameter count agree
            public bool Ok;
            public bool Exact;
            public string Code;
            public string Reason;
            public Conversion ThisConversion;
            public Conversion ReturnConversion;
            public bool GenericCall;
        }

        private void Bind(MethodDefinition plug, CustomAttribute plugMethodAttr, LoadedAssembly plugAsm, TypeDefinition targetType, LoadedAssembly targetAsm)
        {
            SourceLocation at = SourceLocator.Of(plug, plugAsm);
            string plugName = Display.Method(plug);
            bool optional = plugMethodAttr != null && GetProperty(plugMethodAttr, "IsOptional", false);
            string explicitName = plugMethodAttr != null ? GetProperty<string>(plugMethodAttr, "TargetName", null) : null;
            string targetName = !string.IsNullOrEmpty(explicitName) ? explicitName
                : plug.Name == "Ctor" ? ".ctor"
                : plug.Name == "CCtor" ? ".cctor"
                : plug.Name;
            string targetDisplay = Display.Type(targetType) + "." + targetName;

            // Split the plug's parameters: FieldAccess ones, an optional leading aThis, and the matched list.
            var fieldNames = new string[plug.Parameters.Count];
            var normal = new List<ParameterDefinition>();
            for (int i = 0; i < plug.Parameters.Count; i++)
            {
                ParameterDefinition p = plug.Parameters[i];
                CustomAttribute fa = FindAttribute(p, FieldAccessAttr);
                if (fa == null)
                {
                    normal.Add(p);
                    continue;
                }
                string fname = GetProperty<string>(fa, "Name", null);
                if (string.IsNullOrEmpty(fname))
                {
                    Report(PatchSeverity.Error, DiagnosticCodes.InvalidFieldAccess,
                        "plug '" + plugName + "': parameter '" + p.Name + "' has [FieldAccess] without Name", at);
                    return;
                }
                fieldNames[i] = fname;
            }
            bool hasThis = normal.Count > 0 && normal[0].Name == "aThis";
            List<ParameterDefinition> matched = hasThis ? normal.Skip(1).ToList() : normal;

            List<MethodDefinition> named = targetType.Methods.Where(m => m.Name == targetName).ToList();
            if (named.Count == 0)
            {
                string what = targetName == ".ctor" ? "has no instance constructor"
                    : targetName == ".cctor" ? "has no static constructor"
                    : "has no method named '" + targetName + "'";
                string hint = SimilarNames(targetType, targetName);
                string msg = "plug '" + plugName + "': target type '" + Display.Type(targetType) + "' " + what + hint;
                Report(optional ? PatchSeverity.Warning : PatchSeverity.Error,
                    optional ? DiagnosticCodes.OptionalTargetMethodMissing : DiagnosticCodes.TargetMethodNotFound,
                    optional ? msg + "; optional plug skipped" : msg, at);
                return;
            }

            List<Candidate> candidates = named.Select(m => Evaluate(m, plug, hasThis, normal, matched)).ToList();
            List<Candidate> ok = candidates.Where(c => c.Ok).ToList();
            if (ok.Count > 1)
            {
                List<Candidate> exact = ok.Where(c => c.Exact).ToList();
                if (exact.Count == 1)
                    ok = exact;
            }
            if (ok.Count > 1)
            {
                Report(PatchSeverity.Error, DiagnosticCodes.AmbiguousTarget,
                    "plug '" + plugName + "' fits several overloads of '" + targetDisplay + "': "
                    + Display.Overloads(ok.Select(c => c.Method)) + "; use the exact parameter types", at);
                return;
            }
            if (ok.Count == 0)
            {
                ReportNoMatch(plug, plugName, targetType, targetDisplay, hasThis, normal, matched, candidates, optional, at);
                return;
            }

            Candidate chosen = ok[0];
            MethodDefinition target = chosen.Method;
            if (target.IsAbstract)
            {
                Report(PatchSeverity.Error, DiagnosticCodes.UnsupportedTarget,
                    "plug '" + plugName + "': target '" + Display.Method(target) + "' is abstract and has no body to replace; plug the implementing type", at);
                return;
            }
            if ((target.ImplAttributes & MethodImplAttributes.CodeTypeMask) == MethodImplAttributes.Runtime
                && targetType.BaseType != null && (targetType.BaseType.FullName == "System.MulticastDelegate" || targetType.BaseType.FullName == "System.Delegate"))
            {
                Report(PatchSeverity.Error, DiagnosticCodes.UnsupportedTarget,
                    "plug '" + plugName + "': target '" + Display.Method(target) + "' is a runtime-implemented delegate method and cannot be plugged", at);
                return;
            }

            // FieldAccess parameters.
            var fields = new FieldDefinition[plug.Parameters.Count];
            var g = new GenericMap { TypeArity = targetType.GenericParameters.Count, Enabled = chosen.GenericCall };
            for (int i = 0; i < plug.Parameters.Count; i++)
            {
                if (fieldNames[i] == null)
                    continue;
                ParameterDefinition p = plug.Parameters[i];
                string why;
                FieldDefinition f = FindField(targetType, fieldNames[i], out why);
                if (f == null)
                {
                    Report(PatchSeverity.Error, why == null ? DiagnosticCodes.FieldNotFound : DiagnosticCodes.InvalidFieldAccess,
                        "plug '" + plugName + "': [FieldAccess(Name = \"" + fieldNames[i] + "\")] on parameter '" + p.Name + "': "
                        + (why ?? "target type '" + Display.Type(targetType) + "' has no field '" + fieldNames[i] + "' (fields: "
                        + FieldList(targetType) + ")"), at);
                    return;
                }
                if (!f.IsStatic && target.IsStatic)
                {
                    Report(PatchSeverity.Error, DiagnosticCodes.InvalidFieldAccess,
                        "plug '" + plugName + "': [FieldAccess(Name = \"" + f.Name + "\")] names an instance field, but target '"
                        + Display.Method(target) + "' is static (no instance to read it from)", at);
                    return;
                }
                TypeReference pt = TypeMatcher.Strip(p.ParameterType);
                bool byRef = pt is ByReferenceType;
                TypeReference valueType = byRef ? ((ByReferenceType)pt).ElementType : pt;
                Conversion unused;
                if (_types.Fits(f.FieldType, valueType, g, out unused) == Fit.None)
                {
                    Report(PatchSeverity.Error, DiagnosticCodes.InvalidFieldAccess,
                        "plug '" + plugName + "': [FieldAccess(Name = \"" + f.Name + "\")] parameter '" + p.Name + "' has type '"
                        + Display.Type(p.ParameterType) + "' but field '" + Display.Type(f.DeclaringType) + "." + f.Name + "' is '"
                        + Display.Type(f.FieldType) + "' (use ref " + Display.Type(f.FieldType) + ")", at);
                    return;
                }
                if (byRef && f.IsInitOnly)
                    Report(PatchSeverity.Warning, DiagnosticCodes.ReadOnlyFieldAccess,
                        "plug '" + plugName + "': [FieldAccess] takes a ref to readonly field '" + Display.Type(f.DeclaringType) + "." + f.Name
                        + "'; ilc may pre-initialize or constant-fold it, so writes through the ref may not be seen", at);
                fields[i] = f;
            }

            Binding previous;
            if (_byTarget.TryGetValue(target, out previous))
            {
                SourceLocation pa = previous.Location;
                Report(PatchSeverity.Error, DiagnosticCodes.DuplicatePlug,
                    "plug '" + plugName + "' and plug '" + Display.Method(previous.Plug) + "' (" + Where(pa) + ") both target '"
                    + Display.Method(target) + "'; keep one of them", at);
                return;
            }

            var binding = new Binding
            {
                Plug = plug,
                PlugAssembly = plugAsm,
                Target = target,
                TargetAssembly = _set.Of(target.Module),
                Location = at,
                HasThis = hasThis,
                ThisConversion = chosen.ThisConversion,
                ReturnConversion = chosen.ReturnConversion,
                GenericCall = chosen.GenericCall,
                Fields = fields,
            };
            _byTarget.Add(target, binding);
            _bindings.Add(binding);
            _applied.Add(new AppliedPlug(plugName, Display.Method(target), target.Module.Assembly.Name.Name));
        }

        private Candidate Evaluate(MethodDefinition m, MethodDefinition plug, bool hasThis, List<ParameterDefinition> normal, List<ParameterDefinition> matched)
        {
            var c = new Candidate { Method = m };
            c.ShapeOk = m.IsStatic != hasThis && m.Parameters.Count == matched.Count;
            if (!c.ShapeOk)
            {
                c.Code = DiagnosticCodes.NoMatchingOverload;
                c.Reason = "shape";
                return c;
            }
            TypeDefinition type = m.DeclaringType;
            int need = type.GenericParameters.Count + m.GenericParameters.Count;
            int have = plug.GenericParameters.Count;
            if (have != 0 && have != need)
            {
                c.Code = DiagnosticCodes.GenericArityMismatch;
                c.Reason = "the plug has " + have + " type parameter(s) but target '" + Display.Method(m) + "' needs " + need
                    + " (the target type's " + type.GenericParameters.Count + " followed by the method's " + m.GenericParameters.Count + ")";
                return c;
            }
            var g = new GenericMap { TypeArity = type.GenericParameters.Count, Enabled = have != 0 };
            c.GenericCall = have != 0;
            bool exact = true;

            if (hasThis)
            {
                TypeReference self = InstanceType(type);
                TypeReference given = normal[0].ParameterType;
                Fit f;
                if (type.IsValueType)
                {
                    var expected = new ByReferenceType(self);
                    if (_types.Same(expected, given, g))
                        f = Fit.Exact;
                    else if (TypeMatcher.IsPointerLike(given))
                    {
                        f = Fit.Loose;
                        c.ThisConversion = Conversion.ConvU;
                    }
                    else
                        f = Fit.None;
                    if (f == Fit.None)
                    {
                        c.Code = DiagnosticCodes.IncompatibleType;
                        c.Reason = "'aThis' has type '" + Display.Type(given) + "' but the instance of value type '" + Display.Type(self)
                            + "' is passed as 'ref " + Display.Type(self) + "' (or a pointer/IntPtr)";
                        return c;
                    }
                }
                else
                {
                    f = _types.Same(self, given, g) ? Fit.Exact
                        : TypeMatcher.IsNamed(given, "System.Object") ? Fit.Loose
                        : Fit.None;
                    if (f == Fit.None)
                    {
                        c.Code = DiagnosticCodes.IncompatibleType;
                        c.Reason = "'aThis' has type '" + Display.Type(given) + "' but must be '" + Display.Type(self) + "' or 'object'";
                        return c;
                    }
                }
                exact &= f == Fit.Exact;
            }

            for (int i = 0; i < matched.Count; i++)
            {
                Conversion unused;
                TypeReference tp = m.Parameters[i].ParameterType, pp = matched[i].ParameterType;
                Fit f = _types.Fits(tp, pp, g, out unused);
                if (f == Fit.None)
                {
                    c.Code = DiagnosticCodes.IncompatibleType;
                    c.Reason = "parameter '" + matched[i].Name + "' has type '" + Display.Type(pp) + "' but the target's parameter '"
                        + m.Parameters[i].Name + "' is '" + Display.Type(tp) + "'" + SubstituteHint(tp);
                    return c;
                }
                exact &= f == Fit.Exact;
            }

            Conversion rc;
            Fit rf = _types.Fits(m.ReturnType, plug.ReturnType, g, out rc);
            if (rf == Fit.None)
            {
                c.Code = DiagnosticCodes.IncompatibleType;
                c.Reason = "the plug returns '" + Display.Type(plug.ReturnType) + "' but target '" + Display.Method(m) + "' returns '"
                    + Display.Type(m.ReturnType) + "'" + SubstituteHint(m.ReturnType);
                return c;
            }
            c.ReturnConversion = rf == Fit.Loose && rc == Conversion.CastClass && !TypeMatcher.IsNamed(m.ReturnType, "System.Object")
                ? Conversion.CastClass : Conversion.None;
            exact &= rf == Fit.Exact;
            c.Ok = true;
            c.Exact = exact;
            return c;
        }

        private string SubstituteHint(TypeReference target)
        {
            if (TypeMatcher.Strip(target) is GenericParameter)
                return " (a generic target needs a generic plug: the target type's type parameters, then the method's)";
            if (_types.IsReferenceType(target))
                return " (object is accepted for reference types)";
            if (TypeMatcher.IsPointerLike(target))
                return " (IntPtr or any pointer is accepted for pointers)";
            TypeReference u = _types.EnumUnderlying(target);
            if (u != null)
                return " (the underlying '" + Display.Type(u) + "' is accepted for this enum)";
            return "";
        }

        private void ReportNoMatch(MethodDefinition plug, string plugName, TypeDefinition targetType, string targetDisplay, bool hasThis,
            List<ParameterDefinition> normal, List<ParameterDefinition> matched, List<Candidate> candidates, bool optional, SourceLocation at)
        {
            string code, msg;
            string overloads = Display.Overloads(candidates.Select(c => c.Method));

            // Would it match with the other static/instance interpretation?
            MethodDefinition flipped = null;
            foreach (Candidate c in candidates)
            {
                MethodDefinition m = c.Method;
                if (hasThis && m.IsStatic && (ParamsFit(m, normal) || ParamsFit(m, matched)))
                    flipped = m;
                else if (!hasThis && !m.IsStatic && (ParamsFit(m, normal) || normal.Count > 0 && ParamsFit(m, normal.Skip(1).ToList())))
                    flipped = m;
                if (flipped != null)
                    break;
            }
            List<Candidate> sameShape = candidates.Where(c => c.ShapeOk).ToList();
            if (flipped != null)
            {
                code = DiagnosticCodes.StaticInstanceMismatch;
                msg = hasThis
                    ? "plug '" + plugName + "' has a first parameter named 'aThis' (an instance plug), but target '" + Display.Method(flipped)
                      + "' is static; rename the first parameter if it is a real argument"
                    : "plug '" + plugName + "' is a static plug (no first parameter named 'aThis'), but target '" + Display.Method(flipped)
                      + "' is an instance method; add the instance as the first parameter named 'aThis'";
            }
            else if (sameShape.Count == 1)
            {
                code = sameShape[0].Code;
                msg = "plug '" + plugName + "' does not fit target '" + Display.Method(sameShape[0].Method) + "': " + sameShape[0].Reason;
            }
            else
            {
                code = DiagnosticCodes.NoMatchingOverload;
                string wanted = "(" + string.Join(", ", matched.Select(p => Display.Type(p.ParameterType))) + ")";
                msg = "plug '" + plugName + "': no " + (hasThis ? "instance" : "static") + " overload of '" + targetDisplay + "' has the parameter list "
                    + wanted + "; overloads: " + overloads;
            }
            if (optional && code != DiagnosticCodes.StaticInstanceMismatch)
                Report(PatchSeverity.Warning, DiagnosticCodes.OptionalTargetMethodMissing, msg + "; optional plug skipped", at);
            else
                Report(PatchSeverity.Error, code, msg, at);
        }

        private bool ParamsFit(MethodDefinition m, List<ParameterDefinition> plugParams)
        {
            if (m.Parameters.Count != plugParams.Count)
                return false;
            var g = new GenericMap { TypeArity = m.DeclaringType.GenericParameters.Count, Enabled = true };
            for (int i = 0; i < plugParams.Count; i++)
            {
                Conversion unused;
                if (_types.Fits(m.Parameters[i].ParameterType, plugParams[i].ParameterType, g, out unused) == Fit.None)
                    return false;
            }
            return true;
        }

        private static TypeReference InstanceType(TypeDefinition type)
        {
            if (!type.HasGenericParameters)
                return type;
            var git = new GenericInstanceType(type);
            foreach (GenericParameter gp in type.GenericParameters)
                git.GenericArguments.Add(gp);
            return git;
        }

        private static FieldDefinition FindField(TypeDefinition type, string name, out string why)
        {
            why = null;
            FieldDefinition f = type.Fields.FirstOrDefault(x => x.Name == name);
            if (f != null)
                return f;
            TypeReference baseRef = type.BaseType;
            while (baseRef != null)
            {
                TypeDefinition b;
                try
                {
                    b = baseRef.Resolve();
                }
                catch (Exception)
                {
                    b = null;
                }
                if (b == null)
                    return null;
                f = b.Fields.FirstOrDefault(x => x.Name == name);
                if (f != null)
                {
                    if (f.IsPrivate)
                        why = "field '" + name + "' is private to base type '" + Display.Type(b) + "'; plug '" + Display.Type(b) + "' instead";
                    else if (b.Module != type.Module)
                        why = "field '" + name + "' is declared by '" + Display.Type(b) + "' in another assembly; plug that type instead";
                    else if (b.HasGenericParameters)
                        why = "field '" + name + "' is declared by generic base type '" + Display.Type(b) + "'; plug that type instead";
                    else
                        return f;
                    return null;
                }
                baseRef = b.BaseType;
            }
            return null;
        }

        private static string FieldList(TypeDefinition type)
        {
            List<string> names = type.Fields.Select(f => (f.IsStatic ? "static " : "") + f.Name).ToList();
            if (names.Count == 0)
                return "none";
            return names.Count > 30 ? string.Join(", ", names.Take(30)) + ", ..." : string.Join(", ", names);
        }

        private static string SimilarNames(TypeDefinition type, string name)
        {
            List<string> similar = type.Methods.Select(m => m.Name)
                .Where(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)
                            || n.EndsWith("." + name, StringComparison.Ordinal)
                            || n == "get_" + name || n == "set_" + name)
                .Distinct().ToList();
            return similar.Count == 0 ? "" : " (did you mean " + string.Join(", ", similar.Select(s => "'" + s + "'")) + "? use [PlugMethod(TargetName = ...)] for names that are not C# identifiers)";
        }

        // ---------------------------------------------------------------- rewriting

        private void Apply(Binding b)
        {
            MethodDefinition target = b.Target;
            ModuleDefinition module = target.Module;
            LoadedAssembly owner = b.TargetAssembly;
            EnsureSymbols(owner);

            bool wasNative = target.IsPInvokeImpl || target.IsInternalCall
                || (target.ImplAttributes & MethodImplAttributes.CodeTypeMask) != MethodImplAttributes.IL
                || (target.ImplAttributes & MethodImplAttributes.ManagedMask) != MethodImplAttributes.Managed;
            if (target.IsPInvokeImpl)
            {
                target.PInvokeInfo = null;
                target.IsPInvokeImpl = false;
            }
            target.ImplAttributes &= ~(MethodImplAttributes.CodeTypeMask | MethodImplAttributes.ManagedMask | MethodImplAttributes.InternalCall
                                       | MethodImplAttributes.PreserveSig | MethodImplAttributes.Synchronized | MethodImplAttributes.ForwardRef);
            if (wasNative)
            {
                foreach (ParameterDefinition p in target.Parameters)
                    p.MarshalInfo = null;
                target.MethodReturnType.MarshalInfo = null;
            }
            for (int i = target.CustomAttributes.Count - 1; i >= 0; i--)
            {
                if (RemovedTargetAttributes.Contains(target.CustomAttributes[i].AttributeType.FullName))
                    target.CustomAttributes.RemoveAt(i);
            }

            if (module.HasSymbols)
            {
                MethodDebugInformation di = target.DebugInformation;
                di.SequencePoints.Clear();
                di.Scope = null;
                di.StateMachineKickOffMethod = null;
                if (di.HasCustomDebugInformations)
                    di.CustomDebugInformations.Clear();
            }

            var body = new MethodBody(target) { InitLocals = false };
            target.Body = body;
            ILProcessor il = body.GetILProcessor();

            int arg = 0;
            for (int i = 0; i < b.Plug.Parameters.Count; i++)
            {
                FieldDefinition f = b.Fields[i];
                if (f != null)
                {
                    bool byRef = TypeMatcher.Strip(b.Plug.Parameters[i].ParameterType) is ByReferenceType;
                    FieldReference fr = FieldRef(f);
                    if (f.IsStatic)
                        il.Emit(byRef ? OpCodes.Ldsflda : OpCodes.Ldsfld, fr);
                    else
                    {
                        LoadArg(il, target, 0);
                        il.Emit(byRef ? OpCodes.Ldflda : OpCodes.Ldfld, fr);
                    }
                    continue;
                }
                LoadArg(il, target, arg);
                if (arg == 0 && b.HasThis && b.ThisConversion == Conversion.ConvU)
                    il.Emit(OpCodes.Conv_U);
                arg++;
            }

            MethodReference call = PlugReference(b.Plug, module);
            if (b.GenericCall)
            {
                var gim = new GenericInstanceMethod(call);
                foreach (GenericParameter gp in target.DeclaringType.GenericParameters)
                    gim.GenericArguments.Add(gp);
                foreach (GenericParameter gp in target.GenericParameters)
                    gim.GenericArguments.Add(gp);
                call = gim;
            }
            il.Emit(OpCodes.Call, call);
            if (b.ReturnConversion == Conversion.CastClass)
                il.Emit(OpCodes.Castclass, target.ReturnType);
            il.Emit(OpCodes.Ret);
            owner.PatchedMethods++;
        }

        private static FieldReference FieldRef(FieldDefinition f)
        {
            if (!f.DeclaringType.HasGenericParameters)
                return f;
            return new FieldReference(f.Name, f.FieldType, InstanceType(f.DeclaringType));
        }

        private static void LoadArg(ILProcessor il, MethodDefinition m, int index)
        {
            switch (index)
            {
                case 0: il.Emit(OpCodes.Ldarg_0); return;
                case 1: il.Emit(OpCodes.Ldarg_1); return;
                case 2: il.Emit(OpCodes.Ldarg_2); return;
                case 3: il.Emit(OpCodes.Ldarg_3); return;
            }
            ParameterDefinition p = m.HasThis ? m.Parameters[index - 1] : m.Parameters[index];
            il.Emit(index < 256 ? OpCodes.Ldarg_S : OpCodes.Ldarg, p);
        }

        /// <summary>
        /// A reference to <paramref name="plug"/> usable from <paramref name="module"/>. The signature keeps the plug's
        /// own types (so ilc matches it to the plug's definition); types the target module defines are referenced
        /// by their definitions so the module does not reference itself.
        /// </summary>
        private MethodReference PlugReference(MethodDefinition plug, ModuleDefinition module)
        {
            if (plug.Module == module)
                return plug;
            TypeReference declaring = module.ImportReference(plug.DeclaringType);
            var r = new MethodReference(plug.Name, module.TypeSystem.Void, declaring) { HasThis = false };
            foreach (GenericParameter gp in plug.GenericParameters)
                r.GenericParameters.Add(new GenericParameter(gp.Name, r));
            r.ReturnType = MapType(plug.ReturnType, module, r);
            foreach (ParameterDefinition p in plug.Parameters)
                r.Parameters.Add(new ParameterDefinition(p.Name, ParameterAttributes.None, MapType(p.ParameterType, module, r)));
            return r;
        }

        private TypeReference MapType(TypeReference t, ModuleDefinition module, MethodReference owner)
        {
            switch (t)
            {
                case GenericParameter gp:
                    if (gp.Type == GenericParameterType.Method)
                        return owner.GenericParameters[gp.Position];
                    throw new InvalidOperationException("plug classes are non-generic");
                case ByReferenceType br:
                    return new ByReferenceType(MapType(br.ElementType, module, owner));
                case PointerType pt:
                    return new PointerType(MapType(pt.ElementType, module, owner));
                case PinnedType pin:
                    return new PinnedType(MapType(pin.ElementType, module, owner));
                case SentinelType st:
                    return new SentinelType(MapType(st.ElementType, module, owner));
                case RequiredModifierType rm:
                    return new RequiredModifierType(MapType(rm.ModifierType, module, owner), MapType(rm.ElementType, module, owner));
                case OptionalModifierType om:
                    return new OptionalModifierType(MapType(om.ModifierType, module, owner), MapType(om.ElementType, module, owner));
                case ArrayType at:
                {
                    var a = new ArrayType(MapType(at.ElementType, module, owner));
                    if (!at.IsVector)
                    {
                        a.Dimensions.Clear();
                        foreach (ArrayDimension d in at.Dimensions)
                            a.Dimensions.Add(d);
                    }
                    return a;
                }
                case GenericInstanceType gi:
                {
                    var n = new GenericInstanceType(MapType(gi.ElementType, module, owner));
                    foreach (TypeReference a in gi.GenericArguments)
                        n.GenericArguments.Add(MapType(a, module, owner));
                    return n;
                }
                case FunctionPointerType fp:
                {
                    var n = new FunctionPointerType { CallingConvention = fp.CallingConvention, HasThis = fp.HasThis, ExplicitThis = fp.ExplicitThis };
                    n.ReturnType = MapType(fp.ReturnType, module, owner);
                    foreach (ParameterDefinition p in fp.Parameters)
                        n.Parameters.Add(new ParameterDefinition(MapType(p.ParameterType, module, owner)));
                    return n;
                }
            }
            TypeReference primitive = Primitive(t, module);
            if (primitive != null)
                return primitive;
            TypeDefinition def = _types.Resolve(t);
            if (def != null && def.Module == module)
                return def;
            return ImportNamed(t, module);
        }

        /// <summary>
        /// Imports a named type, reusing the module's existing reference to an assembly of the same simple name (so a
        /// plug compiled against another version of, say, System.Runtime does not add a second System.Runtime reference).
        /// </summary>
        private static TypeReference ImportNamed(TypeReference t, ModuleDefinition module)
        {
            if (t.DeclaringType != null)
            {
                TypeReference outer = ImportNamed(t.DeclaringType, module);
                return new TypeReference(t.Namespace, t.Name, module, outer.Scope, t.IsValueType) { DeclaringType = outer };
            }
            if (t is TypeDefinition || !(t.Scope is AssemblyNameReference a))
                return module.ImportReference(t);
            AssemblyNameReference existing = module.AssemblyReferences.FirstOrDefault(x => string.Equals(x.Name, a.Name, StringComparison.OrdinalIgnoreCase));
            if (existing == null)
                return module.ImportReference(t);
            return new TypeReference(t.Namespace, t.Name, module, existing, t.IsValueType);
        }

        private static TypeReference Primitive(TypeReference t, ModuleDefinition module)
        {
            if (t is TypeSpecification || t.DeclaringType != null || t.Namespace != "System")
                return null;
            TypeSystem ts = module.TypeSystem;
            switch (t.MetadataType)
            {
                case MetadataType.Void: return ts.Void;
                case MetadataType.Boolean: return ts.Boolean;
                case MetadataType.Char: return ts.Char;
                case MetadataType.SByte: return ts.SByte;
                case MetadataType.Byte: return ts.Byte;
                case MetadataType.Int16: return ts.Int16;
                case MetadataType.UInt16: return ts.UInt16;
                case MetadataType.Int32: return ts.Int32;
                case MetadataType.UInt32: return ts.UInt32;
                case MetadataType.Int64: return ts.Int64;
                case MetadataType.UInt64: return ts.UInt64;
                case MetadataType.Single: return ts.Single;
                case MetadataType.Double: return ts.Double;
                case MetadataType.String: return ts.String;
                case MetadataType.Object: return ts.Object;
                case MetadataType.IntPtr: return ts.IntPtr;
                case MetadataType.UIntPtr: return ts.UIntPtr;
                case MetadataType.TypedByReference: return ts.TypedReference;
                default: return null;
            }
        }

        private void EnsureSymbols(LoadedAssembly a)
        {
            if (a.HasSymbols || a.Module.HasSymbols || !_request.WriteSymbols || a.SymbolsTried)
            {
                a.HasSymbols |= a.Module.HasSymbols;
                return;
            }
            a.SymbolsTried = true;
            try
            {
                ISymbolReader reader = new DefaultSymbolReaderProvider(throwIfNoSymbol: false).GetSymbolReader(a.Module, a.Path);
                if (reader != null)
                {
                    a.Module.ReadSymbols(reader, throwIfSymbolsAreNotMaching: false);
                    a.HasSymbols = a.Module.HasSymbols;
                }
            }
            catch (Exception)
            {
                a.HasSymbols = false;
            }
        }

        // ---------------------------------------------------------------- writing

        private sealed class PendingWrite
        {
            public string Name;
            public string Source;
            public byte[] Image;
            public byte[] Symbols;
            public int Count;
            public bool FromCache;
            public string CacheKey;   // set when the image was made here and should be stored in the cache
        }

        private PendingWrite Serialize(LoadedAssembly a)
        {
            string outDir = Path.GetFullPath(_request.OutputDirectory).TrimEnd(Path.DirectorySeparatorChar);
            string srcDir = Path.GetDirectoryName(a.Path).TrimEnd(Path.DirectorySeparatorChar);
            if (string.Equals(outDir, srcDir, StringComparison.Ordinal))
            {
                Report(PatchSeverity.Error, DiagnosticCodes.InputError,
                    "the output directory is the directory of target '" + a.Name + "'; patched assemblies never overwrite their inputs",
                    new SourceLocation { File = a.Path });
                return null;
            }
            ModuleDefinition module = a.Module;
            // The strong-name signature would no longer match; neither ilc nor CoreCLR checks it. Keep the public key (identity).
            module.Attributes &= ~ModuleAttributes.StrongNameSigned;
            bool symbols = _request.WriteSymbols && module.HasSymbols;
            var image = new MemoryStream();
            var pdb = symbols ? new MemoryStream() : null;
            try
            {
                var wp = new WriterParameters { DeterministicMvid = true };
                if (symbols)
                {
                    wp.WriteSymbols = true;
                    wp.SymbolWriterProvider = new PortablePdbWriterProvider();
                    wp.SymbolStream = pdb;
                }
                a.Assembly.Write(image, wp);
            }
            catch (Exception e)
            {
                Report(PatchSeverity.Error, DiagnosticCodes.InputError,
                    "writing patched '" + a.Name + "' failed: " + e.GetType().Name + ": " + e.Message, new SourceLocation { File = a.Path });
                return null;
            }
            return new PendingWrite
            {
                Name = a.Name,
                Source = a.Path,
                Image = image.ToArray(),
                Symbols = pdb?.ToArray(),
                Count = a.PatchedMethods,
            };
        }

        private static bool WriteIfChanged(string path, byte[] content)
        {
            if (File.Exists(path))
            {
                var info = new FileInfo(path);
                if (info.Length == content.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
                    return false;
            }
            string tmp = path + ".tmp";
            File.WriteAllBytes(tmp, content);
            File.Move(tmp, path, overwrite: true);
            return true;
        }

        // ---------------------------------------------------------------- helpers

        private static bool IsVisible(TypeDefinition t)
        {
            if (t.DeclaringType == null)
                return t.IsPublic;
            return t.IsNestedPublic && IsVisible(t.DeclaringType);
        }

        private static CustomAttribute FindAttribute(ICustomAttributeProvider p, string fullName)
        {
            if (!p.HasCustomAttributes)
                return null;
            foreach (CustomAttribute ca in p.CustomAttributes)
                if (ca.AttributeType.FullName == fullName)
                    return ca;
            return null;
        }

        private static bool GetProperty(CustomAttribute ca, string name, bool fallback)
        {
            foreach (Mono.Cecil.CustomAttributeNamedArgument p in ca.Properties)
                if (p.Name == name && p.Argument.Value is bool b)
                    return b;
            return fallback;
        }

        private static T GetProperty<T>(CustomAttribute ca, string name, T fallback) where T : class
        {
            foreach (Mono.Cecil.CustomAttributeNamedArgument p in ca.Properties)
                if (p.Name == name && p.Argument.Value is T v)
                    return v;
            return fallback;
        }

        private static string Where(SourceLocation l) =>
            l.Line > 0 ? l.File + "(" + l.Line + "," + Math.Max(1, l.Column) + ")" : l.File;

        private void Report(PatchSeverity severity, string code, string message, SourceLocation at)
        {
            _diagnostics.Add(new PatchDiagnostic(severity, code, message, at.File, at.Line, at.Column));
        }
    }
}
