using System.Globalization;

namespace Cosmos.Build.Patching
{
    /// <summary>Severity of a <see cref="PatchDiagnostic"/>.</summary>
    public enum PatchSeverity
    {
        /// <summary>The plug was skipped or something is suspicious; patching still succeeds.</summary>
        Warning,
        /// <summary>Patching fails; no output is written.</summary>
        Error,
    }

    /// <summary>
    /// One message of the plug patcher. <see cref="ToString"/> gives the MSBuild canonical form
    /// <c>file(line,col): error COSMOS001: message</c> (or <c>file: error ...</c> when no line is known),
    /// which IDEs and MSBuild turn into clickable errors.
    /// </summary>
    /// <remarks>
    /// The file and line come from the plug assembly's portable PDB (first sequence point of the plug method,
    /// or the earliest sequence point of the plug class for class-level errors). Without a PDB the file is the
    /// plug assembly's path and <see cref="Line"/> is 0.
    /// </remarks>
    public sealed class PatchDiagnostic
    {
        internal PatchDiagnostic(PatchSeverity severity, string code, string message, string file, int line, int column)
        {
            Severity = severity;
            Code = code;
            Message = message;
            File = file;
            Line = line;
            Column = column;
        }

        /// <summary>Error or warning.</summary>
        public PatchSeverity Severity { get; }
        /// <summary>One of the <see cref="DiagnosticCodes"/> constants.</summary>
        public string Code { get; }
        /// <summary>The text, naming the plug member and the target.</summary>
        public string Message { get; }
        /// <summary>Source file (from the PDB) or assembly path; null for request-level problems.</summary>
        public string File { get; }
        /// <summary>1-based line in <see cref="File"/>, or 0 when unknown.</summary>
        public int Line { get; }
        /// <summary>1-based column, or 0 when unknown.</summary>
        public int Column { get; }

        /// <summary>MSBuild canonical form.</summary>
        public override string ToString()
        {
            string sev = Severity == PatchSeverity.Error ? "error" : "warning";
            string origin = File ?? "cosmos-patch";
            if (Line > 0)
                origin += string.Format(CultureInfo.InvariantCulture, "({0},{1})", Line, Column > 0 ? Column : 1);
            return origin + ": " + sev + " " + Code + ": " + Message;
        }
    }

    /// <summary>The codes the plug patcher reports.</summary>
    public static class DiagnosticCodes
    {
        /// <summary>Plug target type not found (or found outside the target assemblies).</summary>
        public const string TargetTypeNotFound = "COSMOS001";
        /// <summary>The target type has no method with the plug's (target) name.</summary>
        public const string TargetMethodNotFound = "COSMOS002";
        /// <summary>Methods of that name exist but none has the plug's parameter list; the overloads are listed.</summary>
        public const string NoMatchingOverload = "COSMOS003";
        /// <summary>A <c>[FieldAccess]</c> field does not exist on the target type.</summary>
        public const string FieldNotFound = "COSMOS004";
        /// <summary>A plug parameter, <c>aThis</c> or return type does not fit the target's.</summary>
        public const string IncompatibleType = "COSMOS005";
        /// <summary>A plug for an instance method lacks <c>aThis</c>, or a plug with <c>aThis</c> matches a static method.</summary>
        public const string StaticInstanceMismatch = "COSMOS006";
        /// <summary>Two plugs bind to the same target method.</summary>
        public const string DuplicatePlug = "COSMOS007";
        /// <summary>A plug class or method is malformed (not public, not static, generic plug class).</summary>
        public const string InvalidPlugMember = "COSMOS008";
        /// <summary>The <c>[Plug]</c> attribute is malformed (no target, both Target and TargetName, closed generic, bad name).</summary>
        public const string InvalidPlugAttribute = "COSMOS009";
        /// <summary>Several target overloads fit the plug equally well.</summary>
        public const string AmbiguousTarget = "COSMOS010";
        /// <summary>The plug's generic arity does not fit the target's (type parameters + method parameters).</summary>
        public const string GenericArityMismatch = "COSMOS011";
        /// <summary>An input could not be read, or the request is invalid.</summary>
        public const string InputError = "COSMOS012";
        /// <summary>The target has no body that can be replaced (abstract, runtime-implemented delegate method).</summary>
        public const string UnsupportedTarget = "COSMOS013";
        /// <summary><c>[PlugMethod]</c> or <c>[FieldAccess]</c> used outside a <c>[Plug]</c> class.</summary>
        public const string PlugAttributeOutsidePlugClass = "COSMOS014";
        /// <summary>A <c>[FieldAccess]</c> field exists but cannot be used (instance field from a static target, type mismatch, no Name).</summary>
        public const string InvalidFieldAccess = "COSMOS015";

        /// <summary>Warning: optional plug class whose target type is missing was skipped.</summary>
        public const string OptionalTargetTypeMissing = "COSMOS100";
        /// <summary>Warning: optional plug method whose target method is missing was skipped.</summary>
        public const string OptionalTargetMethodMissing = "COSMOS101";
        /// <summary>Warning: a plug class declares no plug methods.</summary>
        public const string EmptyPlugClass = "COSMOS102";
        /// <summary>Warning: <c>ref</c> FieldAccess to a readonly field (ilc may constant-fold readonly statics).</summary>
        public const string ReadOnlyFieldAccess = "COSMOS103";
        /// <summary>Warning: an assembly simple name was given twice; the first path is used.</summary>
        public const string DuplicateAssembly = "COSMOS104";
        /// <summary>Warning: a plug assembly's PDB could not be read; diagnostics point at the assembly.</summary>
        public const string SymbolsUnreadable = "COSMOS105";
        /// <summary>Warning: a target assembly could not be read (not a managed assembly?) and was skipped.</summary>
        public const string UnreadableTarget = "COSMOS106";
        /// <summary>Warning: a patch cache entry was damaged (and discarded) or the cache could not be written; the build goes on without it.</summary>
        public const string CacheEntryDamaged = "COSMOS107";
    }
}
