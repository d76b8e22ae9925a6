using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Cosmos.Build.Patching;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace Cosmos.Build.Tests
{
    /// <summary>
    /// A temporary folder in which tests compile small assemblies with Roslyn (with portable PDBs, so
    /// diagnostics carry file and line), run the plug patcher and load the result in a collectible
    /// <see cref="AssemblyLoadContext"/>.
    /// </summary>
    public sealed class Workspace : IDisposable
    {
        private static readonly string RuntimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location);
        private static readonly Lazy<List<MetadataReference>> Framework = new Lazy<List<MetadataReference>>(() =>
            ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")).Split(Path.PathSeparator)
                .Where(p => string.Equals(Path.GetDirectoryName(p), RuntimeDir, StringComparison.Ordinal))
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .ToList());

        public static string Il2CpuApiPath => typeof(IL2CPU.API.Attribs.PlugAttribute).Assembly.Location;

        public string Root { get; }

        public Workspace()
        {
            Root = Path.Combine(Path.GetTempPath(), "cosmos-patch-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Root);
        }

        /// <summary>Compiles <paramref name="source"/> to <c>Root/name/name.dll</c> (+ .pdb, source file <c>name.cs</c>).</summary>
        public string Compile(string name, string source, params string[] references)
        {
            string dir = Path.Combine(Root, name);
            Directory.CreateDirectory(dir);
            string srcPath = Path.Combine(dir, name + ".cs");
            File.WriteAllText(srcPath, source);
            SyntaxTree tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), srcPath, System.Text.Encoding.UTF8);
            var refs = new List<MetadataReference>(Framework.Value);
            refs.Add(MetadataReference.CreateFromFile(Il2CpuApiPath));
            refs.AddRange(references.Select(r => MetadataReference.CreateFromFile(r)));
            CSharpCompilation c = CSharpCompilation.Create(name, new[] { tree }, refs,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, deterministic: true,
                    optimizationLevel: OptimizationLevel.Debug, nullableContextOptions: NullableContextOptions.Disable));
            string dll = Path.Combine(dir, name + ".dll");
            string pdb = Path.Combine(dir, name + ".pdb");
            using (var dllStream = File.Create(dll))
            using (var pdbStream = File.Create(pdb))
            {
                EmitResult r = c.Emit(dllStream, pdbStream, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb, pdbFilePath: pdb));
                if (!r.Success)
                    throw new InvalidOperationException("fixture " + name + " does not compile:\n" +
                        string.Join("\n", r.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
            }
            return dll;
        }

        /// <summary>Runs the patcher on one plug assembly and the given targets; output goes to <c>Root/out</c>.</summary>
        public PatchResult Patch(string plugs, params string[] targets) => Patch(new[] { plugs }, targets, "out");

        public PatchResult Patch(IEnumerable<string> plugs, IEnumerable<string> targets, string outName, IEnumerable<string> searchDirs = null, string cacheDir = null)
        {
            var req = new PatchRequest { OutputDirectory = Path.Combine(Root, outName), CacheDirectory = cacheDir };
            foreach (string p in plugs)
                req.PlugAssemblies.Add(p);
            foreach (string t in targets)
                req.TargetAssemblies.Add(t);
            foreach (string d in searchDirs ?? new[] { RuntimeDir, Path.GetDirectoryName(Il2CpuApiPath) })
                req.SearchDirectories.Add(d);
            return PlugPatcher.Run(req);
        }

        /// <summary>A load context resolving the given assemblies by simple name (everything else from the default context).</summary>
        public TestLoadContext Load(params string[] paths) => new TestLoadContext(paths);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    public sealed class TestLoadContext : AssemblyLoadContext, IDisposable
    {
        private readonly Dictionary<string, string> _paths;

        public TestLoadContext(IEnumerable<string> paths) : base("cosmos-patch-test", isCollectible: true)
        {
            _paths = paths.ToDictionary(p => Path.GetFileNameWithoutExtension(p), StringComparer.OrdinalIgnoreCase);
        }

        protected override Assembly Load(AssemblyName name)
        {
            string p;
            return _paths.TryGetValue(name.Name, out p) ? LoadFromStream(new MemoryStream(File.ReadAllBytes(p))) : null;
        }

        public Assembly Get(string name) => LoadFromAssemblyName(new AssemblyName(name));

        /// <summary>Calls a static method (or property getter) by name.</summary>
        public object Call(string assembly, string type, string method, params object[] args)
        {
            Type t = Get(assembly).GetType(type, throwOnError: true);
            MethodInfo m = t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .Single(x => x.Name == method && x.GetParameters().Length == args.Length);
            try
            {
                return m.Invoke(null, args);
            }
            catch (TargetInvocationException e)
            {
                throw e.InnerException;
            }
        }

        public object StaticField(string assembly, string type, string field) =>
            Get(assembly).GetType(type, true).GetField(field, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static).GetValue(null);

        public void Dispose() => Unload();
    }
}
