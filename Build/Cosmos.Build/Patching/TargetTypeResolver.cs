using System;
using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;
using static Cosmos.Build.Patching.PlugAttributes;

namespace Cosmos.Build.Patching
{
    /// <summary>
    /// Step 2a: finds the target type a <c>[Plug]</c> class names — <c>typeof(T)</c> through Cecil's resolution
    /// (following forwarders inside the assembly set) or <c>TargetName = "Ns.Type[+Nested], Assembly"</c> among the
    /// target assemblies — and checks that it is one of the targets (COSMOS001, COSMOS009, warning COSMOS100).
    /// </summary>
    internal sealed class TargetTypeResolver : PatcherStep
    {
        public TargetTypeResolver(PatchContext context) : base(context)
        {
        }

        /// <summary>
        /// The target of plug class <paramref name="type"/> (described as <paramref name="plugClass"/>, reported at
        /// <paramref name="at"/>); false when there is none to bind to (a diagnostic was reported).
        /// </summary>
        public bool Resolve(TypeDefinition type, CustomAttribute plug, string plugClass, SourceLocation at,
            out TypeDefinition target, out LoadedAssembly targetAsm)
        {
            target = null;
            targetAsm = null;

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
                return false;
            }
            if (named.Select(v => v is TypeReference r ? "T:" + r.FullName : "N:" + (string)v).Distinct().Count() > 1)
            {
                Report(PatchSeverity.Error, DiagnosticCodes.InvalidPlugAttribute,
                    "plug class '" + plugClass + "' names its target more than once; give exactly one of Target or TargetName", at);
                return false;
            }
            TypeReference targetRef = named[0] as TypeReference;
            string targetName = named[0] as string;

            string described;
            string whyMissing;
            if (targetRef != null)
            {
                if (targetRef is TypeSpecification || targetRef is GenericParameter)
                {
                    Report(PatchSeverity.Error, DiagnosticCodes.InvalidPlugAttribute,
                        "plug class '" + plugClass + "' targets '" + Display.Type(targetRef) + "'; the target must be a named type"
                        + (targetRef is GenericInstanceType ? " (use the open generic form, e.g. typeof(List<>))" : ""), at);
                    return false;
                }
                described = Display.Type(targetRef) + ", " + ScopeOf(targetRef);
                Context.NoteScope(ScopeOf(targetRef));
                target = Types.Resolve(targetRef);
                targetAsm = target != null ? Set.Of(target.Module) : null;
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
                        return false;
                    }
                }
            }

            if (targetAsm != null)
                Context.NoteScope(targetAsm.Name);
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
                return false;
            }
            return true;
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
            Context.NoteScope(asmPart);   // none: every target assembly is searched
            if (asmPart != null)
            {
                LoadedAssembly a = Set.ByName(asmPart);
                if (a == null)
                {
                    AssemblyDefinition probed = Set.Resolve(new AssemblyNameReference(asmPart, null));
                    a = probed != null ? Set.Of(probed.MainModule) : null;
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
                owner = Set.Of(type.Module);
                return true;
            }
            var found = new List<TypeDefinition>();
            foreach (LoadedAssembly a in Set.All.Where(x => x.IsTarget).OrderBy(x => x.TargetOrder))
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
            owner = Set.Of(type.Module);
            return true;
        }

        private TypeDefinition FindInAssembly(LoadedAssembly a, string cecilName, int depth)
        {
            Context.NoteScope(a.Name);
            TypeDefinition t = a.Module.GetType(cecilName);
            if (t != null || depth > 8)
                return t;
            string top = cecilName.Split('/')[0];
            foreach (ExportedType e in a.Module.ExportedTypes)
            {
                if (!e.IsForwarder || e.DeclaringType != null || !string.Equals(e.FullName, top, StringComparison.Ordinal))
                    continue;
                AssemblyDefinition next = e.Scope is AssemblyNameReference r ? Set.Resolve(r) : null;
                LoadedAssembly la = next != null ? Set.Of(next.MainModule) : null;
                return la != null ? FindInAssembly(la, cecilName, depth + 1) : null;
            }
            return null;
        }
    }
}
