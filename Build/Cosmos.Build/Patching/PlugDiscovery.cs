using System;
using System.Linq;
using Mono.Cecil;
using static Cosmos.Build.Patching.PlugAttributes;

namespace Cosmos.Build.Patching
{
    /// <summary>
    /// Step 2: finds the plug classes of a plug assembly and their plug methods, checks their shape (COSMOS008,
    /// COSMOS014, warning COSMOS102), and hands each plug method with its target type (from
    /// <see cref="TargetTypeResolver"/>) to <see cref="TargetBinder"/>.
    /// </summary>
    internal sealed class PlugDiscovery : PatcherStep
    {
        private readonly TargetTypeResolver _targets;
        private readonly TargetBinder _binder;

        public PlugDiscovery(PatchContext context, TargetTypeResolver targets, TargetBinder binder) : base(context)
        {
            _targets = targets;
            _binder = binder;
        }

        public void Scan(LoadedAssembly plugAsm)
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

            TypeDefinition target;
            LoadedAssembly targetAsm;
            if (!_targets.Resolve(type, plug, plugClass, at, out target, out targetAsm))
                return;

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
                    _binder.Bind(m, pm, plugAsm, target, targetAsm);
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
    }
}
