using System;

namespace IL2CPU.API.Attribs
{
    /// <summary>
    /// Marks a parameter of a plug method that receives a field of the target instead of a target argument.
    /// <c>ref T</c> receives the field's address (read and write); a by-value <c>T</c> receives its value.
    /// </summary>
    /// <remarks>
    /// The field is looked up by <see cref="Name"/> (exact metadata name, e.g. <c>"_value"</c> or
    /// <c>"&lt;Count&gt;k__BackingField"</c>) on the target type, then on its non-generic base types in the same
    /// assembly (non-private fields only; plug the base type for the others). An instance field needs an instance
    /// target (the field of <c>aThis</c>); a static field works for any target. <c>T</c> must be the field's type, or <c>object</c>/<c>IntPtr</c>/underlying integer under the
    /// same rules as plug parameters. FieldAccess parameters may appear anywhere in the plug's parameter list
    /// and are not matched against the target's parameters.
    /// Error COSMOS004 when the field does not exist, COSMOS015 when its kind or type does not fit.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    public sealed class FieldAccessAttribute : Attribute
    {
        /// <summary>Metadata name of the target field.</summary>
        public string Name { get; set; }
    }
}
