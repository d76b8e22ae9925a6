using System;
using System.Collections.Generic;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Cosmos.Build.Patching
{
    /// <summary>
    /// Step 3: gives a bound target method its new body — load the arguments (with <c>conv.u</c> for a value-type
    /// <c>this</c> passed as a pointer) and the <c>[FieldAccess]</c> fields (address or value), call the plug, cast the
    /// result back when the plug returns <c>object</c>, return — after turning an extern target (InternalCall,
    /// P/Invoke, <c>[RuntimeImport]</c>) into an ordinary IL method and dropping its old debug information.
    /// </summary>
    internal sealed class BodyRewriter : PatcherStep
    {
        private static readonly HashSet<string> RemovedTargetAttributes = new HashSet<string>(StringComparer.Ordinal)
        {
            "System.Runtime.RuntimeImportAttribute",
            "System.Runtime.CompilerServices.IntrinsicAttribute",
            "System.Runtime.InteropServices.SuppressGCTransitionAttribute",
            "System.Runtime.InteropServices.DefaultDllImportSearchPathsAttribute",
        };

        private readonly PlugReferenceImporter _references;

        public BodyRewriter(PatchContext context, PlugReferenceImporter references) : base(context)
        {
            _references = references;
        }

        /// <summary>Rewrites the body of <paramref name="b"/>'s target; counts it in <see cref="LoadedAssembly.PatchedMethods"/>.</summary>
        public void Apply(Binding b)
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

            MethodReference call = _references.PlugReference(b.Plug, module);
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
            return new FieldReference(f.Name, f.FieldType, TargetBinder.InstanceType(f.DeclaringType));
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

        private void EnsureSymbols(LoadedAssembly a)
        {
            if (a.HasSymbols || a.Module.HasSymbols || !Request.WriteSymbols || a.SymbolsTried)
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
    }
}
