using System;
using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;
using static Cosmos.Build.Patching.PlugAttributes;

namespace Cosmos.Build.Patching
{
    /// <summary>
    /// Step 2c: the <c>[FieldAccess]</c> parameters of a plug. Before the target is chosen they are set aside (they
    /// are not part of the matched parameter list); once it is chosen each is bound to a field of the target type
    /// or its non-generic base types in the same assembly, and its type checked (COSMOS004, COSMOS015, warning COSMOS103).
    /// </summary>
    internal sealed class FieldAccessBinder : PatcherStep
    {
        public FieldAccessBinder(PatchContext context) : base(context)
        {
        }

        /// <summary>
        /// Splits the plug's parameters into <c>[FieldAccess]</c> ones (<paramref name="fieldNames"/>[i] = the field's
        /// name, null for the others) and the rest (<paramref name="normal"/>); false when one has no Name (reported).
        /// </summary>
        public bool SplitParameters(MethodDefinition plug, string plugName, SourceLocation at, out string[] fieldNames, out List<ParameterDefinition> normal)
        {
            fieldNames = new string[plug.Parameters.Count];
            normal = new List<ParameterDefinition>();
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
                    return false;
                }
                fieldNames[i] = fname;
            }
            return true;
        }

        /// <summary>
        /// The field each <c>[FieldAccess]</c> parameter of <paramref name="plug"/> names on <paramref name="targetType"/>
        /// (null entries for the other parameters); null when one cannot be used (reported).
        /// </summary>
        public FieldDefinition[] Bind(MethodDefinition plug, string plugName, string[] fieldNames, TypeDefinition targetType, MethodDefinition target,
            bool genericCall, SourceLocation at)
        {
            var fields = new FieldDefinition[plug.Parameters.Count];
            var g = new GenericMap { TypeArity = targetType.GenericParameters.Count, Enabled = genericCall };
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
                    return null;
                }
                if (!f.IsStatic && target.IsStatic)
                {
                    Report(PatchSeverity.Error, DiagnosticCodes.InvalidFieldAccess,
                        "plug '" + plugName + "': [FieldAccess(Name = \"" + f.Name + "\")] names an instance field, but target '"
                        + Display.Method(target) + "' is static (no instance to read it from)", at);
                    return null;
                }
                TypeReference pt = TypeMatcher.Strip(p.ParameterType);
                bool byRef = pt is ByReferenceType;
                TypeReference valueType = byRef ? ((ByReferenceType)pt).ElementType : pt;
                Conversion unused;
                if (Types.Fits(f.FieldType, valueType, g, out unused) == Fit.None)
                {
                    Report(PatchSeverity.Error, DiagnosticCodes.InvalidFieldAccess,
                        "plug '" + plugName + "': [FieldAccess(Name = \"" + f.Name + "\")] parameter '" + p.Name + "' has type '"
                        + Display.Type(p.ParameterType) + "' but field '" + Display.Type(f.DeclaringType) + "." + f.Name + "' is '"
                        + Display.Type(f.FieldType) + "' (use ref " + Display.Type(f.FieldType) + ")", at);
                    return null;
                }
                // A static constructor is where readonly statics are set (ilc's preinitializer interprets the plugged body like
                // any other), and a constructor may set the instance's readonly fields: no warning for those.
                bool initializer = (target.IsConstructor && target.IsStatic && f.IsStatic) || (target.IsConstructor && !target.IsStatic && !f.IsStatic);
                if (byRef && f.IsInitOnly && !initializer)
                    Report(PatchSeverity.Warning, DiagnosticCodes.ReadOnlyFieldAccess,
                        "plug '" + plugName + "': [FieldAccess] takes a ref to readonly field '" + Display.Type(f.DeclaringType) + "." + f.Name
                        + "'; ilc may pre-initialize or constant-fold it, so writes through the ref may not be seen", at);
                fields[i] = f;
            }
            return fields;
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
    }
}
