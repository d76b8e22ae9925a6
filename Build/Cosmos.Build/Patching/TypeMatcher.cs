using System;
using System.Collections.Generic;
using System.Linq;
using Mono.Cecil;

namespace Cosmos.Build.Patching
{
    /// <summary>How well a plug type stands in for a target type.</summary>
    internal enum Fit
    {
        None,
        /// <summary>The same type (after resolving forwarders).</summary>
        Exact,
        /// <summary>An allowed substitute: object for a reference type, IntPtr/pointer for a pointer, integer for an enum.</summary>
        Loose,
    }

    /// <summary>IL the patched body needs around one value.</summary>
    internal enum Conversion
    {
        None,
        /// <summary><c>castclass</c> the plug's object result back to the target's return type.</summary>
        CastClass,
        /// <summary><c>conv.u</c>: a value-type <c>this</c> (managed pointer) passed as a raw pointer.</summary>
        ConvU,
    }

    /// <summary>Maps generic parameters of the target (type's, then method's) onto the plug method's.</summary>
    internal sealed class GenericMap
    {
        public int TypeArity;
        /// <summary>True when the plug is generic with exactly (type arity + method arity) parameters.</summary>
        public bool Enabled;
    }

    /// <summary>Compares target and plug signature types across assemblies.</summary>
    internal sealed class TypeMatcher
    {
        private readonly Dictionary<string, TypeDefinition> _cache = new Dictionary<string, TypeDefinition>(StringComparer.Ordinal);

        /// <summary>Resolves a named type reference through the patcher's assembly set (null when it cannot).</summary>
        public TypeDefinition Resolve(TypeReference t)
        {
            if (t == null)
                return null;
            if (t is TypeDefinition d)
                return d;
            if (t is TypeSpecification || t is GenericParameter)
                return null;
            string key = ScopeName(t) + "::" + t.FullName;
            TypeDefinition r;
            if (_cache.TryGetValue(key, out r))
                return r;
            try
            {
                r = t.Resolve();
            }
            catch (Exception)
            {
                r = null;
            }
            _cache[key] = r;
            return r;
        }

        private static string ScopeName(TypeReference t)
        {
            while (t.DeclaringType != null)
                t = t.DeclaringType;
            IMetadataScope s = t.Scope;
            switch (s)
            {
                case ModuleDefinition m: return m.Assembly != null ? m.Assembly.Name.Name : m.Name;
                case AssemblyNameReference a: return a.Name;
                case null: return "";
                default: return s.Name;
            }
        }

        public static TypeReference Strip(TypeReference t)
        {
            while (t is IModifierType m)
                t = m.ElementType;
            return t;
        }

        /// <summary>Structural identity; generic parameters are compared through <paramref name="g"/>.</summary>
        public bool Same(TypeReference target, TypeReference plug, GenericMap g)
        {
            target = Strip(target);
            plug = Strip(plug);
            if (target == null || plug == null)
                return target == plug;
            switch (target)
            {
                case GenericParameter tg:
                {
                    if (!(plug is GenericParameter pg) || !g.Enabled || pg.Type != GenericParameterType.Method)
                        return false;
                    int index = tg.Type == GenericParameterType.Type ? tg.Position : g.TypeArity + tg.Position;
                    return pg.Position == index;
                }
                case ByReferenceType tb:
                    return plug is ByReferenceType pb && Same(tb.ElementType, pb.ElementType, g);
                case PointerType tp:
                    return plug is PointerType pp && Same(tp.ElementType, pp.ElementType, g);
                case ArrayType ta:
                    return plug is ArrayType pa && ta.Rank == pa.Rank && ta.IsVector == pa.IsVector && Same(ta.ElementType, pa.ElementType, g);
                case GenericInstanceType ti:
                {
                    if (!(plug is GenericInstanceType pi) || ti.GenericArguments.Count != pi.GenericArguments.Count)
                        return false;
                    if (!Same(ti.ElementType, pi.ElementType, g))
                        return false;
                    for (int i = 0; i < ti.GenericArguments.Count; i++)
                        if (!Same(ti.GenericArguments[i], pi.GenericArguments[i], g))
                            return false;
                    return true;
                }
                case FunctionPointerType tf:
                {
                    if (!(plug is FunctionPointerType pf) || tf.Parameters.Count != pf.Parameters.Count || tf.CallingConvention != pf.CallingConvention)
                        return false;
                    if (!Same(tf.ReturnType, pf.ReturnType, g))
                        return false;
                    for (int i = 0; i < tf.Parameters.Count; i++)
                        if (!Same(tf.Parameters[i].ParameterType, pf.Parameters[i].ParameterType, g))
                            return false;
                    return true;
                }
                case PinnedType tpin:
                    return Same(tpin.ElementType, plug is PinnedType ppin ? ppin.ElementType : plug, g);
                case SentinelType ts:
                    return Same(ts.ElementType, plug is SentinelType ps ? ps.ElementType : plug, g);
            }
            if (plug is TypeSpecification || plug is GenericParameter)
                return false;
            if (!string.Equals(target.FullName, plug.FullName, StringComparison.Ordinal))
                return false;
            TypeDefinition a = Resolve(target), b = Resolve(plug);
            return a == null || b == null || a == b;
        }

        /// <summary>
        /// Whether <paramref name="plug"/> may stand for <paramref name="target"/> at the top level of a parameter,
        /// return or field (see the rules on <c>IL2CPU.API.Attribs.PlugAttribute</c>).
        /// </summary>
        public Fit Fits(TypeReference target, TypeReference plug, GenericMap g, out Conversion conversion)
        {
            conversion = Conversion.None;
            if (Same(target, plug, g))
                return Fit.Exact;
            TypeReference t = Strip(target), p = Strip(plug);
            if (IsNamed(p, "System.Object") && IsReferenceType(t))
            {
                conversion = Conversion.CastClass;
                return Fit.Loose;
            }
            if (IsPointerLike(t) && IsPointerLike(p))
                return Fit.Loose;
            TypeReference underlying = EnumUnderlying(t);
            if (underlying != null && !(p is TypeSpecification) && !(p is GenericParameter)
                && string.Equals(underlying.FullName, p.FullName, StringComparison.Ordinal))
                return Fit.Loose;
            return Fit.None;
        }

        public static bool IsNamed(TypeReference t, string fullName)
        {
            t = Strip(t);
            return !(t is TypeSpecification) && !(t is GenericParameter) && string.Equals(t.FullName, fullName, StringComparison.Ordinal);
        }

        public static bool IsPointerLike(TypeReference t)
        {
            t = Strip(t);
            return t is PointerType || t is FunctionPointerType || IsNamed(t, "System.IntPtr") || IsNamed(t, "System.UIntPtr");
        }

        public bool IsReferenceType(TypeReference t)
        {
            t = Strip(t);
            switch (t)
            {
                case ArrayType _:
                    return true;
                case GenericParameter _:
                case ByReferenceType _:
                case PointerType _:
                case FunctionPointerType _:
                case PinnedType _:
                case SentinelType _:
                    return false;
                case GenericInstanceType gi:
                    return IsReferenceType(gi.ElementType);
            }
            if (t is TypeSpecification)
                return false;
            switch (t.MetadataType)
            {
                case MetadataType.Object:
                case MetadataType.String:
                    return true;
                case MetadataType.Void:
                case MetadataType.Boolean:
                case MetadataType.Char:
                case MetadataType.SByte:
                case MetadataType.Byte:
                case MetadataType.Int16:
                case MetadataType.UInt16:
                case MetadataType.Int32:
                case MetadataType.UInt32:
                case MetadataType.Int64:
                case MetadataType.UInt64:
                case MetadataType.Single:
                case MetadataType.Double:
                case MetadataType.IntPtr:
                case MetadataType.UIntPtr:
                case MetadataType.TypedByReference:
                    return false;
            }
            TypeDefinition d = Resolve(t);
            return d != null ? !d.IsValueType : !t.IsValueType;
        }

        /// <summary>The underlying integer type when <paramref name="t"/> is an enum, else null.</summary>
        public TypeReference EnumUnderlying(TypeReference t)
        {
            t = Strip(t);
            if (t is TypeSpecification || t is GenericParameter)
                return null;
            TypeDefinition d = Resolve(t);
            if (d == null || !d.IsEnum)
                return null;
            FieldDefinition value = d.Fields.FirstOrDefault(f => !f.IsStatic);
            return value?.FieldType;
        }
    }

    /// <summary>Human-readable member names for diagnostics.</summary>
    internal static class Display
    {
        public static string Type(TypeReference t)
        {
            if (t == null)
                return "?";
            if (t is ByReferenceType r)
                return "ref " + Type(r.ElementType);
            return t.FullName.Replace('/', '+');
        }

        public static string Method(MethodReference m)
        {
            string generic = m.HasGenericParameters ? "<" + string.Join(", ", m.GenericParameters.Select(g => g.Name)) + ">" : "";
            return Type(m.DeclaringType) + "." + m.Name + generic + "(" + string.Join(", ", m.Parameters.Select(p => Type(p.ParameterType))) + ")";
        }

        public static string Overload(MethodDefinition m) => (m.IsStatic ? "static " : "") + Method(m) + " : " + Type(m.ReturnType);

        public static string Overloads(IEnumerable<MethodDefinition> methods) => string.Join("; ", methods.Select(Overload));
    }
}
