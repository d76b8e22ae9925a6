using Mono.Cecil;

namespace Cosmos.Build.Patching
{
    /// <summary>
    /// The plug attributes as the patcher reads them from IL. Attribute types are recognised by full name, so any
    /// assembly defining <c>IL2CPU.API.Attribs.PlugAttribute</c> works (the plug assembly need not reference ours).
    /// </summary>
    internal static class PlugAttributes
    {
        public const string AttribsNamespace = "IL2CPU.API.Attribs";
        public const string PlugAttr = AttribsNamespace + ".PlugAttribute";
        public const string PlugMethodAttr = AttribsNamespace + ".PlugMethodAttribute";
        public const string FieldAccessAttr = AttribsNamespace + ".FieldAccessAttribute";

        public static bool IsVisible(TypeDefinition t)
        {
            if (t.DeclaringType == null)
                return t.IsPublic;
            return t.IsNestedPublic && IsVisible(t.DeclaringType);
        }

        public static CustomAttribute FindAttribute(ICustomAttributeProvider p, string fullName)
        {
            if (!p.HasCustomAttributes)
                return null;
            foreach (CustomAttribute ca in p.CustomAttributes)
                if (ca.AttributeType.FullName == fullName)
                    return ca;
            return null;
        }

        public static bool GetProperty(CustomAttribute ca, string name, bool fallback)
        {
            foreach (Mono.Cecil.CustomAttributeNamedArgument p in ca.Properties)
                if (p.Name == name && p.Argument.Value is bool b)
                    return b;
            return fallback;
        }

        public static T GetProperty<T>(CustomAttribute ca, string name, T fallback) where T : class
        {
            foreach (Mono.Cecil.CustomAttributeNamedArgument p in ca.Properties)
                if (p.Name == name && p.Argument.Value is T v)
                    return v;
            return fallback;
        }
    }
}
