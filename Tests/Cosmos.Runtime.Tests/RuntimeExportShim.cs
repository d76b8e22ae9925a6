namespace System.Runtime
{
    /// <summary>Host stand-in for Cosmos.Core's RuntimeExportAttribute (the kernel exports the method under this symbol).</summary>
    [AttributeUsage(AttributeTargets.Method, Inherited = false)]
    internal sealed class RuntimeExportAttribute : Attribute
    {
        public string EntryPoint { get; }
        public RuntimeExportAttribute(string entry) { EntryPoint = entry; }
    }
}
