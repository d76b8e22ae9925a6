using System.Collections.Generic;

namespace Cosmos.Build.Patching
{
    /// <summary>
    /// Input of <see cref="PlugPatcher.Run(PatchRequest)"/>: which assemblies hold plugs, which may be rewritten,
    /// where references are resolved from and where rewritten assemblies go.
    /// </summary>
    /// <remarks>
    /// Assembly identity is the simple name (versions are ignored): the first path given for a simple name wins
    /// (a later duplicate gets warning COSMOS104). Resolution order for a referenced assembly name:
    /// <see cref="TargetAssemblies"/>, then <see cref="PlugAssemblies"/>, then the first
    /// <c>name.dll</c> found in <see cref="SearchDirectories"/> (in order). Pass the <b>implementation</b>
    /// assemblies ilc will compile (the ILC package's <c>framework/*.dll</c> and <c>sdk/*.dll</c>, the kernel's
    /// own references), not the reference pack: plugs compiled against <c>System.Runtime</c> are resolved through
    /// the framework's type forwarders.
    /// </remarks>
    public sealed class PatchRequest
    {
        /// <summary>Paths of assemblies that contain <c>[Plug]</c> classes. Each is read with its portable PDB when present (for diagnostics).</summary>
        public IList<string> PlugAssemblies { get; } = new List<string>();

        /// <summary>Paths of assemblies whose methods may be replaced (the candidates). Only those that receive a plug are written.</summary>
        public IList<string> TargetAssemblies { get; } = new List<string>();

        /// <summary>Directories probed (in order) for assemblies referenced by plugs or targets that are not in the lists above.</summary>
        public IList<string> SearchDirectories { get; } = new List<string>();

        /// <summary>
        /// Directory that receives each rewritten target under its original file name (created when missing).
        /// Must differ from the directory of every rewritten target (inputs are never overwritten).
        /// A file whose new content equals the existing file is not rewritten (its timestamp is kept).
        /// </summary>
        public string OutputDirectory { get; set; }

        /// <summary>
        /// When true (default), a rewritten target whose input has a readable portable PDB next to it gets a new
        /// <c>.pdb</c> in <see cref="OutputDirectory"/> matching the new assembly (needed for <c>ilc -g</c> line info).
        /// </summary>
        public bool WriteSymbols { get; set; } = true;

        /// <summary>
        /// Folder of the patched-assembly cache shared between builds (see <c>PatchCache</c>), or null (default) for
        /// none. With a cache, every plug is still bound and checked on each run; only the rewrite of a target whose
        /// inputs (its bytes, the plug assemblies bound to it and everything they reference) were seen before is
        /// skipped. Created when missing.
        /// </summary>
        public string CacheDirectory { get; set; }
    }
}
