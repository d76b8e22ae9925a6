using System;

namespace IL2CPU.API.Attribs
{
    /// <summary>
    /// Optional settings for one method of a <see cref="PlugAttribute"/> class. Without this attribute every
    /// public static method of a plug class is a plug (see <see cref="PlugAttribute"/> for the matching rules).
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class PlugMethodAttribute : Attribute
    {
        /// <summary>False: this public static method is a helper, not a plug. Default true.</summary>
        public bool Enabled { get; set; } = true;

        /// <summary>
        /// When true, a missing target method (no method of that name and parameter list) is skipped with a
        /// warning (COSMOS101) instead of an error.
        /// </summary>
        public bool IsOptional { get; set; }

        /// <summary>
        /// Name of the target method when it is not a valid C# identifier or differs from the plug's name,
        /// e.g. an explicit interface implementation <c>"System.IDisposable.Dispose"</c>, <c>".ctor"</c>.
        /// Default: the plug method's own name (<c>Ctor</c> = <c>.ctor</c>, <c>CCtor</c> = <c>.cctor</c>).
        /// </summary>
        public string TargetName { get; set; }
    }
}
