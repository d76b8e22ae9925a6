using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Cosmos.Build.Patching
{
    /// <summary>A place in a plug's source (or its assembly when there is no PDB).</summary>
    internal struct SourceLocation
    {
        public string File;
        public int Line;
        public int Column;
    }

    /// <summary>Finds source locations of plug members from the portable PDB read with the plug assembly.</summary>
    internal static class SourceLocator
    {
        public static SourceLocation Of(MethodDefinition method, LoadedAssembly owner)
        {
            SequencePoint sp = FirstPoint(method);
            if (sp != null)
                return new SourceLocation { File = sp.Document.Url, Line = sp.StartLine, Column = sp.StartColumn };
            return Of(method.DeclaringType, owner);
        }

        public static SourceLocation Of(TypeDefinition type, LoadedAssembly owner)
        {
            // No PDB record points at a class declaration: use the earliest sequence point of its methods
            // (including nested types' methods as a last resort), which is a line inside the class body.
            SequencePoint best = null;
            foreach (MethodDefinition m in type.Methods)
            {
                SequencePoint sp = FirstPoint(m);
                if (sp == null)
                    continue;
                if (best == null || (sp.Document.Url == best.Document.Url && sp.StartLine < best.StartLine))
                    best = sp;
            }
            if (best == null)
            {
                foreach (TypeDefinition nested in type.NestedTypes)
                {
                    SourceLocation inner = Of(nested, owner);
                    if (inner.Line > 0)
                        return inner;
                }
                return new SourceLocation { File = owner.Path };
            }
            return new SourceLocation { File = best.Document.Url, Line = best.StartLine, Column = best.StartColumn };
        }

        private static SequencePoint FirstPoint(MethodDefinition method)
        {
            if (method == null || !method.Module.HasSymbols || !method.HasBody)
                return null;
            try
            {
                return method.DebugInformation.HasSequencePoints
                    ? method.DebugInformation.SequencePoints.Where(p => !p.IsHidden).OrderBy(p => p.Offset).FirstOrDefault()
                    : null;
            }
            catch (System.Exception)
            {
                return null;
            }
        }
    }
}
