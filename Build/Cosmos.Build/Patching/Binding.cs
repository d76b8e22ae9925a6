using Mono.Cecil;

namespace Cosmos.Build.Patching
{
    /// <summary>One plug bound to one target method (what the patched body needs).</summary>
    internal sealed class Binding
    {
        public MethodDefinition Plug;
        public LoadedAssembly PlugAssembly;
        public MethodDefinition Target;
        public LoadedAssembly TargetAssembly;
        public SourceLocation Location;
        public bool HasThis;
        public Conversion ThisConversion;
        public Conversion ReturnConversion;
        public bool GenericCall;
        /// <summary>Per plug parameter: null for a target argument, else the field to load.</summary>
        public FieldDefinition[] Fields;
    }
}
