using System;
using System.IO;
using System.Linq;

namespace Cosmos.Build.Patching
{
    /// <summary>
    /// Step 1: checks the request and reads the plug assemblies (with their PDBs, for diagnostics) and the target
    /// assemblies into the run's <see cref="AssemblySet"/> (COSMOS012, warnings COSMOS104–106).
    /// </summary>
    internal sealed class InputLoader : PatcherStep
    {
        public InputLoader(PatchContext context) : base(context)
        {
        }

        /// <summary>False when the request or an input is unusable (errors reported).</summary>
        public bool Load() => ValidateRequest() && LoadInputs();

        private bool ValidateRequest()
        {
            if (string.IsNullOrWhiteSpace(Request.OutputDirectory))
                Report(PatchSeverity.Error, DiagnosticCodes.InputError, "PatchRequest.OutputDirectory is not set", default);
            if (Request.PlugAssemblies.Count == 0)
                Report(PatchSeverity.Error, DiagnosticCodes.InputError, "PatchRequest.PlugAssemblies is empty", default);
            return !HasErrors;
        }

        private bool LoadInputs()
        {
            // Plugs are read first (with their PDBs, for diagnostics); an assembly that is both plug and target is read once.
            foreach (string path in Request.PlugAssemblies)
            {
                LoadedAssembly a = LoadOne(path, wantSymbols: true, isTarget: false);
                if (a == null)
                    continue;
                a.IsPlug = true;
            }
            int order = 0;
            foreach (string path in Request.TargetAssemblies)
            {
                LoadedAssembly a = LoadOne(path, wantSymbols: false, isTarget: true);
                if (a == null)
                    continue;
                a.IsTarget = true;
                if (a.TargetOrder == int.MaxValue)
                    a.TargetOrder = order++;
            }
            return !HasErrors;
        }

        private LoadedAssembly LoadOne(string path, bool wantSymbols, bool isTarget)
        {
            var at = new SourceLocation { File = path };
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
            {
                Report(PatchSeverity.Error, DiagnosticCodes.InputError, "assembly not found: " + path, at);
                return null;
            }
            string full = Path.GetFullPath(path);
            LoadedAssembly existing = Set.All.FirstOrDefault(x => string.Equals(x.Path, full, StringComparison.Ordinal));
            if (existing != null)
                return existing;
            string error;
            bool symbolsFailed;
            LoadedAssembly a = Set.Read(full, wantSymbols, out error, out symbolsFailed);
            if (a == null)
            {
                // A candidate target that is not a managed assembly cannot hold a plug target: skip it (a plug that
                // needed it still fails with COSMOS001). An unreadable plug assembly is an error.
                if (isTarget)
                    Report(PatchSeverity.Warning, DiagnosticCodes.UnreadableTarget, "target assembly skipped, it cannot be read: " + error, at);
                else
                    Report(PatchSeverity.Error, DiagnosticCodes.InputError, "cannot read plug assembly: " + error, at);
                return null;
            }
            if (symbolsFailed)
                Report(PatchSeverity.Warning, DiagnosticCodes.SymbolsUnreadable,
                    "the PDB of '" + a.Name + "' could not be read; diagnostics point at the assembly", at);
            if (!Set.Register(a))
            {
                LoadedAssembly first = Set.ByName(a.Name);
                Report(PatchSeverity.Warning, DiagnosticCodes.DuplicateAssembly,
                    "assembly '" + a.Name + "' is given twice; using " + first.Path, at);
                a.Assembly.Dispose();
                return first;
            }
            return a;
        }
    }
}
