using System;
using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;
using static Cosmos.Build.Patching.PlugAttributes;

namespace Cosmos.Build.Patching
{
    /// <summary>
    /// Step 2b: binds one plug method to its target method — by name (<c>Ctor</c>, <c>CCtor</c>,
    /// <c>[PlugMethod(TargetName)]</c>), static/instance shape (<c>aThis</c>) and parameter list with the allowed
    /// substitutes — and validates the choice, with a diagnostic that names the plug, its file and line and the
    /// target (COSMOS002, 003, 005, 006, 007, 010, 011, 013; warning COSMOS101). Adds the <see cref="Binding"/> to the run.
    /// </summary>
    internal sealed class TargetBinder : PatcherStep
    {
        private readonly FieldAccessBinder _fields;

        public TargetBinder(PatchContext context, FieldAccessBinder fields) : base(context)
        {
            _fields = fields;
        }

        public void Bind(MethodDefinition plug, CustomAttribute plugMethodAttr, LoadedAssembly plugAsm, TypeDefinition targetType, LoadedAssembly targetAsm)
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
            string[] fieldNames;
            List<ParameterDefinition> normal;
            if (!_fields.SplitParameters(plug, plugName, at, out fieldNames, out normal))
                return;
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
            FieldDefinition[] fields = _fields.Bind(plug, plugName, fieldNames, targetType, target, chosen.GenericCall, at);
            if (fields == null)
                return;

            Binding previous;
            if (Context.ByTarget.TryGetValue(target, out previous))
            {
                SourceLocation pa = previous.Location;
                Report(PatchSeverity.Error, DiagnosticCodes.DuplicatePlug,
                    "plug '" + plugName + "' and plug '" + Display.Method(previous.Plug) + "' (" + PatchContext.Where(pa) + ") both target '"
                    + Display.Method(target) + "'; keep one of them", at);
                return;
            }

            var binding = new Binding
            {
                Plug = plug,
                PlugAssembly = plugAsm,
                Target = target,
                TargetAssembly = Set.Of(target.Module),
                Location = at,
                HasThis = hasThis,
                ThisConversion = chosen.ThisConversion,
                ReturnConversion = chosen.ReturnConversion,
                GenericCall = chosen.GenericCall,
                Fields = fields,
            };
            Context.ByTarget.Add(target, binding);
            Context.Bindings.Add(binding);
            Context.Applied.Add(new AppliedPlug(plugName, Display.Method(target), target.Module.Assembly.Name.Name));
        }

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
                    if (Types.Same(expected, given, g))
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
                    f = Types.Same(self, given, g) ? Fit.Exact
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
                Fit f = Types.Fits(tp, pp, g, out unused);
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
            Fit rf = Types.Fits(m.ReturnType, plug.ReturnType, g, out rc);
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
            if (Types.IsReferenceType(target))
                return " (object is accepted for reference types)";
            if (TypeMatcher.IsPointerLike(target))
                return " (IntPtr or any pointer is accepted for pointers)";
            TypeReference u = Types.EnumUnderlying(target);
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
                if (Types.Fits(m.Parameters[i].ParameterType, plugParams[i].ParameterType, g, out unused) == Fit.None)
                    return false;
            }
            return true;
        }

        internal static TypeReference InstanceType(TypeDefinition type)
        {
            if (!type.HasGenericParameters)
                return type;
            var git = new GenericInstanceType(type);
            foreach (GenericParameter gp in type.GenericParameters)
                git.GenericArguments.Add(gp);
            return git;
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
    }
}
