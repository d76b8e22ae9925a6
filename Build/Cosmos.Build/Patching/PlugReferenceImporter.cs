using System;
using System.Linq;
using Mono.Cecil;

namespace Cosmos.Build.Patching
{
    /// <summary>
    /// Step 4 (reference fix-up): the reference a patched target module uses to call its plug. The signature keeps
    /// the plug's own types so ilc matches it to the plug's definition; primitives map to the module's type system,
    /// types the target module defines are referenced by their definitions (no self-reference), and named types reuse
    /// the module's existing reference to an assembly of the same simple name.
    /// </summary>
    internal sealed class PlugReferenceImporter : PatcherStep
    {
        public PlugReferenceImporter(PatchContext context) : base(context)
        {
        }

        /// <summary>
        /// A reference to <paramref name="plug"/> usable from <paramref name="module"/>. The signature keeps the plug's
        /// own types (so ilc matches it to the plug's definition); types the target module defines are referenced
        /// by their definitions so the module does not reference itself.
        /// </summary>
        public MethodReference PlugReference(MethodDefinition plug, ModuleDefinition module)
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
            TypeDefinition def = Types.Resolve(t);
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
    }
}
