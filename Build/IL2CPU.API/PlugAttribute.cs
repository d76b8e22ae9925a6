using System;

namespace IL2CPU.API.Attribs
{
    /// <summary>
    /// Marks a class as a plug class: its public static methods replace the bodies of methods of
    /// the target type when the build's plug patcher (<c>Cosmos.Build.Patching.PlugPatcher</c>)
    /// rewrites the target assembly before ilc compiles it.
    /// </summary>
    /// <remarks>
    /// <para>Naming the target (exactly one of):</para>
    /// <list type="bullet">
    /// <item><c>[Plug(typeof(T))]</c> or <c>[Plug(Target = typeof(T))]</c> for a type the plug can see.
    /// Use the open form for generic types: <c>typeof(List&lt;&gt;)</c>.</item>
    /// <item><c>[Plug("Namespace.Type, Assembly")]</c> or <c>[Plug(TargetName = "Namespace.Type, Assembly")]</c>
    /// for a type the plug cannot reference (internal/private), e.g. <c>"System.ConsolePal, System.Console"</c>.
    /// Nested types use <c>+</c> (<c>"Ns.Outer+Inner, Asm"</c>), generic types their arity
    /// (<c>"Ns.Box`1, Asm"</c>). The assembly part may be omitted when the full name is unique
    /// among the target assemblies. Type forwarders are followed.</item>
    /// </list>
    /// <para>Plug methods (every public static method of the class unless
    /// <see cref="PlugMethodAttribute.Enabled"/> is false):</para>
    /// <list type="bullet">
    /// <item>The target is the method with the plug's name (or <see cref="PlugMethodAttribute.TargetName"/>)
    /// and the same parameter list. <c>Ctor</c> plugs instance constructors, <c>CCtor</c> the static constructor.</item>
    /// <item>For an instance target the first parameter is the instance and must be named <c>aThis</c>; it is typed
    /// as the target type (<c>object</c> when the type is inaccessible); for a value-type target it is
    /// <c>ref T</c> (or <c>void*</c>/<c>IntPtr</c>). A plug whose first parameter is not named <c>aThis</c>
    /// plugs a static method.</item>
    /// <item>Where a target parameter or return type is inaccessible, the plug may use <c>object</c> for any
    /// reference type, <c>IntPtr</c>/<c>UIntPtr</c>/any pointer for a pointer type, and the underlying
    /// integer type for an enum. A return of <c>object</c> is cast back (<c>castclass</c>) to the target's type.</item>
    /// <item>Parameters marked <see cref="FieldAccessAttribute"/> are not part of the matched parameter list;
    /// they receive a field of the target instance or type.</item>
    /// <item>Generic targets: a plug for a method of a generic type and/or a generic method is itself a
    /// generic method with the type's type parameters first, then the method's
    /// (<c>Box&lt;T&gt;.Get&lt;U&gt;</c> is plugged by <c>Get&lt;T, U&gt;(Box&lt;T&gt; aThis)</c>).</item>
    /// </list>
    /// <para>Errors (COSMOS0xx) are reported with the plug's source file and line when the plug assembly has a
    /// portable PDB: target type or method not found, no matching overload, incompatible parameter type,
    /// static/instance mismatch, missing field, two plugs for one target. A plug is never silently ignored.</para>
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
    public sealed class PlugAttribute : Attribute
    {
        /// <summary>Plug class whose target is given by <see cref="Target"/> or <see cref="TargetName"/>.</summary>
        public PlugAttribute()
        {
        }

        /// <summary>Plugs the type <paramref name="target"/>.</summary>
        /// <param name="target">The type whose methods are replaced (open generic for generic types).</param>
        public PlugAttribute(Type target)
        {
            Target = target;
        }

        /// <summary>Plugs the type named <paramref name="targetName"/> (<c>"Namespace.Type, Assembly"</c>).</summary>
        /// <param name="targetName">Assembly-qualified (or unique) full name of the target type.</param>
        public PlugAttribute(string targetName)
        {
            TargetName = targetName;
        }

        /// <summary>The type whose methods are replaced. Mutually exclusive with <see cref="TargetName"/>.</summary>
        public Type Target { get; set; }

        /// <summary>
        /// Reflection-style name of the target type, <c>"Namespace.Type, Assembly"</c>, for targets the plug
        /// assembly cannot reference. Mutually exclusive with <see cref="Target"/>.
        /// </summary>
        public string TargetName { get; set; }

        /// <summary>
        /// When true, a target type that does not exist among the target assemblies is skipped with a
        /// warning (COSMOS100) instead of an error. Method-level errors still apply when the type exists.
        /// </summary>
        public bool IsOptional { get; set; }
    }
}
