using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Mono.Cecil;
using Xunit;

using static Cosmos.Runtime.Tests.HostTools;

namespace Cosmos.Runtime.Tests
{
    /// <summary>
    /// The contract between the NativeAOT CoreLib the kernels are compiled with (the runtime pack named by
    /// CosmosRuntimeVersion) and Runtime/Cosmos.Runtime, which plays the native runtime's part: struct layouts the two
    /// share (System.Runtime.AsmOffsets constants, explicit and sequential layouts), the enum values both sides use,
    /// the classlib function table of the boot path, and the signatures of every runtime import the CoreLib declares
    /// that a C# [RuntimeExport] of ours implements. The CoreLib is read with Mono.Cecil (it cannot be loaded on the
    /// host); Cosmos.Runtime.dll (net10.0, built for the kernel) is loaded into its own AssemblyLoadContext so that
    /// our layouts come from Marshal.OffsetOf/SizeOf, exactly as the X# helpers take them at build time.
    /// A wrong offset or signature after a runtime update is therefore a failing host test, not a silent corruption.
    /// </summary>
    public sealed class CoreLibContractTests
    {
        private static readonly Lazy<ModuleDefinition> s_coreLib = new(() =>
        {
            string path = Path.Combine(Metadata("CosmosRuntimePackDir"), "runtimes", "linux-x64", "native", "System.Private.CoreLib.dll");
            Assert.True(File.Exists(path), "NativeAOT CoreLib not restored at " + path);
            return ModuleDefinition.ReadModule(path);
        });

        private static readonly Lazy<Assembly> s_runtime = new(() =>
        {
            string path = Metadata("CosmosRuntimeAssembly");
            Assert.True(File.Exists(path), "Cosmos.Runtime.dll not built at " + path);
            var alc = new AssemblyLoadContext("cosmos-runtime-contract");
            string dir = Path.GetDirectoryName(path)!;
            alc.Resolving += (ctx, name) =>
            {
                string candidate = Path.Combine(dir, name.Name + ".dll");
                return File.Exists(candidate) ? ctx.LoadFromAssemblyPath(candidate) : null;
            };
            return alc.LoadFromAssemblyPath(path);
        });

        private static ModuleDefinition CoreLib => s_coreLib.Value;

        internal static Type Ours(string fullName) => s_runtime.Value.GetType(fullName, throwOnError: false)
            ?? s_runtime.Value.GetReferencedAssemblies().Select(n => AssemblyLoadContext.GetLoadContext(s_runtime.Value)!.LoadFromAssemblyName(n))
                .Select(a => a.GetType(fullName, false)).FirstOrDefault(t => t != null)
            ?? throw new InvalidOperationException("type not found: " + fullName);

        private static TypeDefinition Theirs(string fullName) =>
            CoreLib.GetTypes().SingleOrDefault(t => t.FullName == fullName) ?? throw new InvalidOperationException("CoreLib type not found: " + fullName);

        private static int AsmOffset(string name)
        {
            FieldDefinition f = Theirs("AsmOffsets").Fields.SingleOrDefault(x => x.Name == name);
            Assert.True(f != null, "System.Runtime AsmOffsets." + name + " no longer exists in the CoreLib");
            return Convert.ToInt32(f.Constant);
        }

        private static int Off(string type, string field) => (int)Marshal.OffsetOf(Ours(type), field);
        private static int Size(string type) => Marshal.SizeOf(Ours(type));

        internal static object Const(string type, string field) =>
            Ours(type).GetField(field, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!.GetRawConstantValue();

        private const string eh = "Cosmos.Runtime.ExceptionHandling.";

        /// <summary>Every AsmOffsets constant that describes memory both sides touch, beside our mirror's figure.</summary>
        private static readonly (string Constant, Func<int> Ours)[] s_asmOffsetCases =
            {
                ("SIZEOF__ExInfo", () => Size(eh + "ExInfo")),
                ("SIZEOF__ExInfo", () => (int)Const(eh + "StackFrameIterator", "ExInfoStackSize")),
                ("OFFSETOF__ExInfo__m_pPrevExInfo", () => Off(eh + "ExInfo", "Prev")),
                ("OFFSETOF__ExInfo__m_pExContext", () => Off(eh + "ExInfo", "Context")),
                ("OFFSETOF__ExInfo__m_exception", () => Off(eh + "ExInfo", "Exception")),
                ("OFFSETOF__ExInfo__m_kind", () => Off(eh + "ExInfo", "Kind")),
                ("OFFSETOF__ExInfo__m_passNumber", () => Off(eh + "ExInfo", "PassNumber")),
                ("OFFSETOF__ExInfo__m_idxCurClause", () => Off(eh + "ExInfo", "IdxCurClause")),
                ("OFFSETOF__ExInfo__m_frameIter", () => Off(eh + "ExInfo", "FrameIter")),
                ("OFFSETOF__ExInfo__m_notifyDebuggerSP", () => Off(eh + "ExInfo", "NotifyDebuggerSP")),
                ("SIZEOF__StackFrameIterator", () => Size(eh + "StackFrameIterator")),
                ("OFFSETOF__StackFrameIterator__m_FramePointer", () => Off(eh + "StackFrameIterator", "FramePointer")),
                ("OFFSETOF__StackFrameIterator__m_ControlPC", () => Off(eh + "StackFrameIterator", "ControlPC")),
                ("OFFSETOF__StackFrameIterator__m_RegDisplay", () => Off(eh + "StackFrameIterator", "Regs")),
                ("OFFSETOF__StackFrameIterator__m_OriginalControlPC", () => Off(eh + "StackFrameIterator", "OriginalControlPC")),
                ("OFFSETOF__StackFrameIterator__m_pPreviousTransitionFrame", () => Off(eh + "StackFrameIterator", "PreviousTransitionFrame")),
                ("SIZEOF__PAL_LIMITED_CONTEXT", () => Size(eh + "PalLimitedContext")),
                ("OFFSETOF__PAL_LIMITED_CONTEXT__IP", () => Off(eh + "PalLimitedContext", "IP")),
                ("OFFSETOF__PAL_LIMITED_CONTEXT__Rsp", () => Off(eh + "PalLimitedContext", "Rsp")),
                ("OFFSETOF__PAL_LIMITED_CONTEXT__Rbp", () => Off(eh + "PalLimitedContext", "Rbp")),
                ("OFFSETOF__PAL_LIMITED_CONTEXT__Rax", () => Off(eh + "PalLimitedContext", "Rax")),
                ("OFFSETOF__PAL_LIMITED_CONTEXT__Rbx", () => Off(eh + "PalLimitedContext", "Rbx")),
                ("OFFSETOF__PAL_LIMITED_CONTEXT__Rdx", () => Off(eh + "PalLimitedContext", "Rdx")),
                ("OFFSETOF__PAL_LIMITED_CONTEXT__R12", () => Off(eh + "PalLimitedContext", "R12")),
                ("OFFSETOF__PAL_LIMITED_CONTEXT__R13", () => Off(eh + "PalLimitedContext", "R13")),
                ("OFFSETOF__PAL_LIMITED_CONTEXT__R14", () => Off(eh + "PalLimitedContext", "R14")),
                ("OFFSETOF__PAL_LIMITED_CONTEXT__R15", () => Off(eh + "PalLimitedContext", "R15")),
                ("SIZEOF__REGDISPLAY", () => Size(eh + "RegDisplay")),
                ("OFFSETOF__REGDISPLAY__SP", () => Off(eh + "RegDisplay", "SP")),
                ("OFFSETOF__REGDISPLAY__pRbx", () => Off(eh + "RegDisplay", "pRbx")),
                ("OFFSETOF__REGDISPLAY__pRbp", () => Off(eh + "RegDisplay", "pRbp")),
                ("OFFSETOF__REGDISPLAY__pRsi", () => Off(eh + "RegDisplay", "pRsi")),
                ("OFFSETOF__REGDISPLAY__pRdi", () => Off(eh + "RegDisplay", "pRdi")),
                ("OFFSETOF__REGDISPLAY__pR12", () => Off(eh + "RegDisplay", "pR12")),
                ("OFFSETOF__REGDISPLAY__pR13", () => Off(eh + "RegDisplay", "pR13")),
                ("OFFSETOF__REGDISPLAY__pR14", () => Off(eh + "RegDisplay", "pR14")),
                ("OFFSETOF__REGDISPLAY__pR15", () => Off(eh + "RegDisplay", "pR15")),
                ("SIZEOF__EHEnum", () => Size(eh + "EHEnum")),
                // The object layout the allocator and the collector assume.
                ("OFFSETOF__Object__m_pEEType", () => 0),
                ("OFFSETOF__Array__m_Length", () => 8),
                ("OFFSETOF__String__m_Length", () => 8),
                ("OFFSETOF__String__m_FirstChar", () => 12),
                ("OFFSETOF__MethodTable__m_uBaseSize", () => Off("Cosmos.Runtime.MethodTable", "BaseSize")),
                ("OFFSETOF__MethodTable__m_VTable", () => Size("Cosmos.Runtime.MethodTable")),
            };

        public static IEnumerable<object[]> AsmOffsetCases() => s_asmOffsetCases.Select((c, i) => new object[] { i, c.Constant });

        [Theory]
        [MemberData(nameof(AsmOffsetCases))]
        public void AsmOffsetMatchesOurMirror(int index, string constant)
        {
            int theirs = AsmOffset(constant), ours = s_asmOffsetCases[index].Ours();
            Assert.True(theirs == ours, $"AsmOffsets.{constant} is {theirs} in the CoreLib, our mirror says {ours}");
        }
    
        // ---- sequential layouts: the CoreLib's field list (types sized from its metadata) against our mirror ----

        /// <summary>(offset, size) of every field of a sequential CoreLib value type, computed as the CLR lays it out on x64.</summary>
        internal static List<(int Offset, int Size)> TheirLayout(TypeDefinition t, out int total)
        {
            var list = new List<(int, int)>();
            int offset = 0, align = 1;
            foreach (FieldDefinition f in t.Fields.Where(f => !f.IsStatic))
            {
                (int size, int a) = SizeAlign(f.FieldType);
                offset = (offset + a - 1) / a * a;
                list.Add((offset, size));
                offset += size;
                align = Math.Max(align, a);
            }
            total = (offset + align - 1) / align * align;
            return list;
        }

        internal static (int Size, int Align) SizeAlign(TypeReference r)
        {
            if (r.IsPointer || r.IsByReference || r.IsFunctionPointer || !r.IsValueType) return (8, 8);
            switch (r.MetadataType)
            {
                case MetadataType.Boolean: case MetadataType.Byte: case MetadataType.SByte: return (1, 1);
                case MetadataType.Char: case MetadataType.Int16: case MetadataType.UInt16: return (2, 2);
                case MetadataType.Int32: case MetadataType.UInt32: case MetadataType.Single: return (4, 4);
                case MetadataType.Int64: case MetadataType.UInt64: case MetadataType.Double: case MetadataType.IntPtr: case MetadataType.UIntPtr: return (8, 8);
            }
            TypeDefinition d = r.Resolve();
            if (d.IsEnum) return SizeAlign(d.Fields.Single(f => !f.IsStatic).FieldType);
            if (d.IsExplicitLayout)
            {
                var parts = d.Fields.Where(f => !f.IsStatic).Select(f => (f.Offset, SizeAlign(f.FieldType))).ToList();
                int a = parts.Select(p => p.Item2.Align).DefaultIfEmpty(1).Max();
                int end = Math.Max(d.ClassSize, parts.Select(p => p.Offset + p.Item2.Size).DefaultIfEmpty(0).Max());
                return ((end + a - 1) / a * a, a);
            }
            var fields = TheirLayout(d, out int total);
            int align = d.Fields.Where(f => !f.IsStatic).Select(f => SizeAlign(f.FieldType).Align).DefaultIfEmpty(1).Max();
            // Fixed-size buffers (fixed byte x[16]) are sequential structs of one element with an explicit ClassSize.
            if (d.ClassSize > total) total = (d.ClassSize + align - 1) / align * align;
            return (total, align);
        }

        internal static List<(int Offset, int Size)> OurLayout(Type t) =>
            t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .Select(f => ((int)Marshal.OffsetOf(t, f.Name), f.FieldType.IsPointer || !f.FieldType.IsValueType ? 8 : Marshal.SizeOf(f.FieldType.IsEnum ? System.Enum.GetUnderlyingType(f.FieldType) : f.FieldType)))
                .OrderBy(x => x.Item1).ToList();

        [Theory]
        [InlineData("System.GCMemoryInfoData", "Cosmos.Runtime.GCMemoryInfoData")]
        [InlineData("System.GCGenerationInfo", "Cosmos.Runtime.GCGenerationInfo")]
        [InlineData("System.Runtime.EH/RhEHClause", "Cosmos.Runtime.ExceptionHandling.EHClause")]
        [InlineData("System.Runtime.EH/MethodRegionInfo", "Cosmos.Runtime.ExceptionHandling.MethodRegionInfo")]
        [InlineData("System.Runtime.DispatchCellInfo", "Cosmos.Runtime.Dispatch+DispatchCellInfo")]
        [InlineData("Internal.Runtime.MethodTable", "Cosmos.Runtime.MethodTable")]
        [InlineData("Interop/Sys/ProcessCpuInformation", "Cosmos.Runtime.RuntimeEnvironment+ProcessCpuInformation")]
        [InlineData("Interop/Sys/FileStatus", "Cosmos.Runtime.FileStatus")]
        [InlineData("Interop/Sys/DirectoryEntry", "Cosmos.Runtime.DirectoryEntry")]
        [InlineData("Interop/Sys/TimeSpec", "Cosmos.Runtime.TimeSpec")]
        [InlineData("Interop/Sys/IOVector", "Cosmos.Runtime.IOVector")]
        public void SequentialLayoutMatchesOurMirror(string coreLibType, string ourType)
        {
            TypeDefinition theirs = Theirs(coreLibType);
            Assert.True(theirs.IsSequentialLayout, coreLibType + " is no longer sequential");
            var expected = TheirLayout(theirs, out int total);
            Type ours = Ours(ourType);
            var actual = OurLayout(ours);
            Assert.True(expected.SequenceEqual(actual),
                $"{coreLibType} fields (offset:size) {string.Join(" ", expected.Select(x => x.Offset + ":" + x.Size))}; " +
                $"{ourType} {string.Join(" ", actual.Select(x => x.Offset + ":" + x.Size))}");
            Assert.Equal(total, Marshal.SizeOf(ours));
        }

        [Fact]
        public void FrameIteratorPrivateStateStaysOutOfTheCoreLibFields()
        {
            // Our iteration state lives in bytes the CoreLib never reads: below FramePointer and between the end of
            // the REGDISPLAY and OriginalControlPC.
            Type it = Ours(eh + "StackFrameIterator");
            int regsEnd = AsmOffset("OFFSETOF__StackFrameIterator__m_RegDisplay") + AsmOffset("SIZEOF__REGDISPLAY");
            int original = AsmOffset("OFFSETOF__StackFrameIterator__m_OriginalControlPC");
            int framePointer = AsmOffset("OFFSETOF__StackFrameIterator__m_FramePointer");
            var shared = new[] { "FramePointer", "ControlPC", "Regs", "OriginalControlPC", "PreviousTransitionFrame" };
            foreach (FieldInfo f in it.GetFields(BindingFlags.Instance | BindingFlags.Public).Where(f => !shared.Contains(f.Name)))
            {
                int start = (int)Marshal.OffsetOf(it, f.Name), end = start + (f.FieldType.IsPointer ? 8 : Marshal.SizeOf(f.FieldType));
                Assert.True(end <= framePointer || (start >= regsEnd && end <= original),
                    $"StackFrameIterator.{f.Name} [{start}, {end}) overlaps a field the CoreLib reads (free: [0, {framePointer}) and [{regsEnd}, {original}))");
            }
        }

        // ---- enum values both sides use ----

        private static long EnumValue(string coreLibEnum, string member)
        {
            FieldDefinition f = Theirs(coreLibEnum).Fields.SingleOrDefault(x => x.IsStatic && x.Name == member);
            Assert.True(f != null, $"{coreLibEnum}.{member} no longer exists in the CoreLib");
            return Convert.ToInt64(f.Constant);
        }

        [Theory]
        [InlineData("System.Runtime.EH/ExKind", "Throw", eh + "ExKind", "Throw")]
        [InlineData("System.Runtime.EH/ExKind", "HardwareFault", eh + "ExKind", "HardwareFault")]
        [InlineData("System.Runtime.EH/ExKind", "KindMask", eh + "ExKind", "KindMask")]
        [InlineData("System.Runtime.EH/ExKind", "RethrowFlag", eh + "ExKind", "RethrowFlag")]
        [InlineData("System.Runtime.EH/ExKind", "SupersededFlag", eh + "ExKind", "SupersededFlag")]
        [InlineData("System.Runtime.EH/ExKind", "InstructionFaultFlag", eh + "ExKind", "InstructionFaultFlag")]
        [InlineData("System.Runtime.EH", "MaxTryRegionIdx", eh + "StackFrameIterator", "MaxTryRegionIdx")]
        [InlineData("System.Runtime.EH/RhEHClauseKind", "RH_EH_CLAUSE_TYPED", eh + "EHClauseKind", "Typed")]
        [InlineData("System.Runtime.EH/RhEHClauseKind", "RH_EH_CLAUSE_FAULT", eh + "EHClauseKind", "Fault")]
        [InlineData("System.Runtime.EH/RhEHClauseKind", "RH_EH_CLAUSE_FILTER", eh + "EHClauseKind", "Filter")]
        [InlineData("System.Runtime.EH/HwExceptionCode", "STATUS_NATIVEAOT_NULL_REFERENCE", "Cosmos.Runtime.HardwareExceptions", "StatusNullReference")]
        [InlineData("System.Runtime.EH/HwExceptionCode", "STATUS_NATIVEAOT_UNMANAGED_HELPER_NULL_REFERENCE", "Cosmos.Runtime.HardwareExceptions", "StatusUnmanagedHelperNullReference")]
        [InlineData("System.Runtime.EH/HwExceptionCode", "STATUS_INTEGER_DIVIDE_BY_ZERO", "Cosmos.Runtime.HardwareExceptions", "StatusIntegerDivideByZero")]
        [InlineData("System.Runtime.EH/HwExceptionCode", "STATUS_INTEGER_OVERFLOW", "Cosmos.Runtime.HardwareExceptions", "StatusIntegerOverflow")]
        [InlineData("Interop/Sys/OpenFlags", "O_RDONLY", "Cosmos.Runtime.FileSystemPal", "O_RDONLY")]
        [InlineData("Interop/Sys/OpenFlags", "O_WRONLY", "Cosmos.Runtime.FileSystemPal", "O_WRONLY")]
        [InlineData("Interop/Sys/OpenFlags", "O_RDWR", "Cosmos.Runtime.FileSystemPal", "O_RDWR")]
        [InlineData("Interop/Sys/OpenFlags", "O_CLOEXEC", "Cosmos.Runtime.FileSystemPal", "O_CLOEXEC")]
        [InlineData("Interop/Sys/OpenFlags", "O_CREAT", "Cosmos.Runtime.FileSystemPal", "O_CREAT")]
        [InlineData("Interop/Sys/OpenFlags", "O_EXCL", "Cosmos.Runtime.FileSystemPal", "O_EXCL")]
        [InlineData("Interop/Sys/OpenFlags", "O_TRUNC", "Cosmos.Runtime.FileSystemPal", "O_TRUNC")]
        [InlineData("Interop/Sys/OpenFlags", "O_SYNC", "Cosmos.Runtime.FileSystemPal", "O_SYNC")]
        [InlineData("Interop/Sys/OpenFlags", "O_NOFOLLOW", "Cosmos.Runtime.FileSystemPal", "O_NOFOLLOW")]
        [InlineData("Interop/Sys/LockOperations", "LOCK_SH", "Cosmos.Runtime.FileSystemPal", "LOCK_SH")]
        [InlineData("Interop/Sys/LockOperations", "LOCK_EX", "Cosmos.Runtime.FileSystemPal", "LOCK_EX")]
        [InlineData("Interop/Sys/LockOperations", "LOCK_NB", "Cosmos.Runtime.FileSystemPal", "LOCK_NB")]
        [InlineData("Interop/Sys/LockOperations", "LOCK_UN", "Cosmos.Runtime.FileSystemPal", "LOCK_UN")]
        [InlineData("Interop/Sys/LockType", "F_RDLCK", "Cosmos.Runtime.FileSystemPal", "F_RDLCK")]
        [InlineData("Interop/Sys/LockType", "F_WRLCK", "Cosmos.Runtime.FileSystemPal", "F_WRLCK")]
        [InlineData("Interop/Sys/LockType", "F_UNLCK", "Cosmos.Runtime.FileSystemPal", "F_UNLCK")]
        [InlineData("Interop/Sys/SeekWhence", "SEEK_SET", "Cosmos.Runtime.FileSystemPal", "SEEK_SET")]
        [InlineData("Interop/Sys/SeekWhence", "SEEK_CUR", "Cosmos.Runtime.FileSystemPal", "SEEK_CUR")]
        [InlineData("Interop/Sys/SeekWhence", "SEEK_END", "Cosmos.Runtime.FileSystemPal", "SEEK_END")]
        [InlineData("Interop/Sys/AccessMode", "F_OK", "Cosmos.Runtime.FileSystemPal", "F_OK")]
        [InlineData("Interop/Sys/AccessMode", "W_OK", "Cosmos.Runtime.FileSystemPal", "W_OK")]
        [InlineData("Interop/Sys/AccessMode", "R_OK", "Cosmos.Runtime.FileSystemPal", "R_OK")]
        [InlineData("Interop/Sys/AccessMode", "X_OK", "Cosmos.Runtime.FileSystemPal", "X_OK")]
        [InlineData("Interop/Sys/FileTypes", "S_IFDIR", "Cosmos.Runtime.FileStatus", "S_IFDIR")]
        [InlineData("Interop/Sys/FileTypes", "S_IFREG", "Cosmos.Runtime.FileStatus", "S_IFREG")]
        [InlineData("Interop/Sys/FileTypes", "S_IFMT", "Cosmos.Runtime.FileStatus", "S_IFMT")]
        [InlineData("Interop/Sys/FileStatusFlags", "HasBirthTime", "Cosmos.Runtime.FileStatus", "HasBirthTime")]
        [InlineData("Interop/Sys/NodeType", "DT_DIR", "Cosmos.Runtime.DirectoryEntry", "DT_DIR")]
        [InlineData("Interop/Sys/NodeType", "DT_REG", "Cosmos.Runtime.DirectoryEntry", "DT_REG")]
        [InlineData("System.Runtime.RhFailFastReason", "InternalError", "Cosmos.Runtime.Exceptions", "ReasonInternalError")]
        [InlineData("System.Runtime.RhFailFastReason", "UnhandledException", "Cosmos.Runtime.Exceptions", "ReasonUnhandledException")]
        [InlineData("System.Runtime.RhFailFastReason", "UnhandledExceptionFromPInvoke", "Cosmos.Runtime.Exceptions", "ReasonUnhandledExceptionFromPInvoke")]
        [InlineData("System.Runtime.RhFailFastReason", "EnvironmentFailFast", "Cosmos.Runtime.Exceptions", "ReasonEnvironmentFailFast")]
        [InlineData("System.Runtime.RhFailFastReason", "AssertionFailure", "Cosmos.Runtime.Exceptions", "ReasonAssertionFailure")]
        [InlineData("System.Runtime.ClassLibFunctionId", "FailFast", "Cosmos.Runtime.Exceptions", "ClasslibFailFast")]
        [InlineData("System.Runtime.DispatchCellType", "InterfaceAndSlot", "Cosmos.Runtime.Dispatch", "CellTypeInterfaceAndSlot")]
        [InlineData("System.Runtime.DispatchCellType", "MetadataToken", "Cosmos.Runtime.Dispatch", "CellTypeMetadataToken")]
        [InlineData("System.Runtime.DispatchCellType", "VTableOffset", "Cosmos.Runtime.Dispatch", "CellTypeVTableOffset")]
        [InlineData("Internal.Runtime.EETypeFlags", "HasComponentSizeFlag", "Cosmos.Runtime.MethodTable", "HasComponentSizeFlag")]
        [InlineData("Internal.Runtime.EETypeFlags", "HasFinalizerFlag", "Cosmos.Runtime.MethodTable", "HasFinalizerFlag")]
        [InlineData("Internal.Runtime.EETypeFlags", "HasPointersFlag", "Cosmos.Runtime.MethodTable", "HasPointersFlag")]
        public void EnumValueMatchesOurConstant(string coreLibEnum, string member, string ourType, string ourConstant)
        {
            long theirs = EnumValue(coreLibEnum, member), ours = Convert.ToInt64(Const(ourType, ourConstant));
            Assert.True(theirs == ours, $"{coreLibEnum}.{member} = {theirs:X} in the CoreLib, {ourType}.{ourConstant} = {ours:X}");
        }

        // ---- the classlib function table the boot path hands to InitializeModules ----

        /// <summary>Our table entry names that differ from the ClassLibFunctionId member names (symbol → id).</summary>
        private static readonly Dictionary<string, string> s_classlibIdNames = new()
        {
            ["RuntimeFailFast"] = "FailFast",
            ["OnFirstChanceException"] = "OnFirstChance",
        };

        [Fact]
        public void ClasslibFunctionTableIsIndexedByClassLibFunctionIdAndNamesCoreLibExports()
        {
            Type boot = Ours("Cosmos.Core.Asm.BootProgram");
            var table = (string[])boot.GetField("ClasslibFunctions")!.GetValue(null)!;
            Assert.Equal((int)boot.GetField("ClasslibFunctionCount")!.GetRawConstantValue()!, table.Length);
            var ids = Theirs("System.Runtime.ClassLibFunctionId").Fields.Where(f => f.IsStatic).ToDictionary(f => f.Name, f => Convert.ToInt32(f.Constant));
            var exports = ExportedSymbols();
            for (int i = 0; i < table.Length; i++)
            {
                string symbol = table[i];
                if (symbol == null) continue;
                string id = s_classlibIdNames.TryGetValue(symbol, out var n) ? n : symbol;
                Assert.True(ids.TryGetValue(id, out int value), $"classlib table entry {i} '{symbol}': the CoreLib's ClassLibFunctionId has no '{id}'");
                Assert.True(value == i, $"classlib table entry '{symbol}' is at index {i}; ClassLibFunctionId.{id} = {value}");
                Assert.True(exports.Contains(symbol), $"classlib table entry '{symbol}' is not a symbol the CoreLib exports (RuntimeExport or UnmanagedCallersOnly EntryPoint)");
            }
            // Every id the CoreLib defines that it can ask for and that we can answer has an entry (the Objective-C ones are Apple-only).
            foreach (var (name, value) in ids.Where(x => !x.Key.StartsWith("ObjectiveC", StringComparison.Ordinal)))
                Assert.True(value < table.Length && table[value] != null, $"ClassLibFunctionId.{name} ({value}) has no entry in BootProgram.ClasslibFunctions");
        }

        /// <summary>Symbols the CoreLib defines: [RuntimeExport("x")] and [UnmanagedCallersOnly(EntryPoint = "x")].</summary>
        private static HashSet<string> ExportedSymbols()
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (TypeDefinition t in CoreLib.GetTypes())
                foreach (MethodDefinition m in t.Methods)
                    foreach (CustomAttribute ca in m.CustomAttributes)
                    {
                        if (ca.AttributeType.Name == "RuntimeExportAttribute") set.Add((string)ca.ConstructorArguments[0].Value);
                        if (ca.AttributeType.Name == "UnmanagedCallersOnlyAttribute")
                            foreach (var f in ca.Fields.Where(f => f.Name == "EntryPoint")) set.Add((string)f.Argument.Value);
                    }
            return set;
        }

        // ---- runtime imports: every CoreLib import one of our C# exports implements has the same native signature ----

        /// <summary>How a System V x64 argument or return value travels: "void", "i1".."i8" (integer register, bytes that matter), "f4"/"f8" (SSE), "s&lt;n&gt;" (struct by value).</summary>
        internal static string AbiClass(TypeReference r)
        {
            if (r.MetadataType == MetadataType.Void) return "void";
            if (r.IsPointer || r.IsByReference || r.IsFunctionPointer || !r.IsValueType) return "i8";
            switch (r.MetadataType)
            {
                case MetadataType.Single: return "f4";
                case MetadataType.Double: return "f8";
                case MetadataType.Boolean: case MetadataType.Byte: case MetadataType.SByte: return "i1";
                case MetadataType.Char: case MetadataType.Int16: case MetadataType.UInt16: return "i2";
                case MetadataType.Int32: case MetadataType.UInt32: return "i4";
                case MetadataType.Int64: case MetadataType.UInt64: case MetadataType.IntPtr: case MetadataType.UIntPtr: return "i8";
            }
            TypeDefinition d = r.Resolve();
            if (d == null) return "?" + r.FullName;
            if (d.IsEnum) return AbiClass(d.Fields.Single(f => !f.IsStatic).FieldType);
            var fields = d.Fields.Where(f => !f.IsStatic).ToList();
            if (fields.Count == 1 && !d.IsExplicitLayout) return AbiClass(fields[0].FieldType); // single-field wrappers (IntPtr-like handles, TimeSpan)
            return "s" + SizeAlign(r).Size;
        }

        internal static string AbiClass(Type t)
        {
            if (t == typeof(void)) return "void";
            if (t.IsPointer || t.IsByRef || !t.IsValueType || t.IsFunctionPointer) return "i8";
            if (t.IsEnum) t = System.Enum.GetUnderlyingType(t);
            if (t == typeof(float)) return "f4";
            if (t == typeof(double)) return "f8";
            if (t == typeof(bool) || t == typeof(byte) || t == typeof(sbyte)) return "i1";
            if (t == typeof(char) || t == typeof(short) || t == typeof(ushort)) return "i2";
            if (t == typeof(int) || t == typeof(uint)) return "i4";
            if (t == typeof(long) || t == typeof(ulong) || t == typeof(IntPtr) || t == typeof(UIntPtr)) return "i8";
            var fields = t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
            if (fields.Length == 1) return AbiClass(fields[0].FieldType);
            return "s" + Marshal.SizeOf(t);
        }

        /// <summary>An integer argument the callee reads at a width the caller did not write (garbage upper bytes), or a float/int mix-up.</summary>
        internal static bool Compatible(string theirs, string ours, bool isReturn)
        {
            if (theirs == ours) return true;
            if (isReturn && theirs == "void") return true;   // a caller that expects nothing ignores RAX/XMM0
            if (theirs[0] != 'i' || ours[0] != 'i') return false;
            int t = theirs[1] - '0', o = ours[1] - '0';
            // Arguments: the callee (ours) may read fewer bytes than the caller wrote. Returns: the caller (theirs) may
            // read fewer bytes than we wrote.
            return isReturn ? t <= o : o <= t;
        }

        /// <summary>Our C# exports by symbol (the X# ones have no C# signature and are not listed).</summary>
        internal static Dictionary<string, MethodInfo> OurExports()
        {
            var d = new Dictionary<string, MethodInfo>(StringComparer.Ordinal);
            // Every Cosmos.* assembly beside Cosmos.Runtime.dll (the runtime, the C math library, Core): a reference the
            // compiler dropped because no type is used (Cosmos.LibM) is still part of the kernel.
            var alc = AssemblyLoadContext.GetLoadContext(s_runtime.Value)!;
            var asms = Directory.GetFiles(Path.GetDirectoryName(s_runtime.Value.Location)!, "Cosmos.*.dll")
                .Select(f => alc.LoadFromAssemblyName(new AssemblyName(Path.GetFileNameWithoutExtension(f))));
            foreach (Assembly a in asms)
                foreach (Type t in a.GetTypes())
                    foreach (MethodInfo m in t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                        foreach (CustomAttributeData ca in m.CustomAttributes.Where(c => c.AttributeType.Name == "RuntimeExportAttribute"))
                            d[(string)ca.ConstructorArguments[0].Value!] = m;
            return d;
        }

        [Fact]
        public void EveryCoreLibImportWeExportHasTheSameNativeSignature()
        {
            var ours = OurExports();
            Assert.True(ours.Count > 150, "found only " + ours.Count + " C# runtime exports");
            var mismatches = new List<string>();
            int checkedCount = 0;
            foreach (TypeDefinition t in CoreLib.GetTypes())
                foreach (MethodDefinition m in t.Methods)
                {
                    string symbol = null;
                    CustomAttribute import = m.CustomAttributes.FirstOrDefault(c => c.AttributeType.Name == "RuntimeImportAttribute");
                    if (import != null) symbol = (string)import.ConstructorArguments.Last().Value;
                    else if (m.HasPInvokeInfo) symbol = m.PInvokeInfo.EntryPoint ?? m.Name;
                    if (symbol == null || !ours.TryGetValue(symbol, out MethodInfo mine)) continue;
                    checkedCount++;
                    var theirParams = m.Parameters.Select(p => AbiClass(p.ParameterType)).ToList();
                    var myParams = mine.GetParameters().Select(p => AbiClass(p.ParameterType)).ToList();
                    string theirRet = AbiClass(m.ReturnType), myRet = AbiClass(mine.ReturnType);
                    bool ok = theirParams.Count == myParams.Count && Compatible(theirRet, myRet, isReturn: true)
                        && theirParams.Zip(myParams).All(p => Compatible(p.First, p.Second, isReturn: false));
                    if (!ok)
                        mismatches.Add($"{symbol}: CoreLib {t.FullName}.{m.Name}({string.Join(", ", theirParams)}) -> {theirRet}; " +
                                       $"ours {mine.DeclaringType!.FullName}.{mine.Name}({string.Join(", ", myParams)}) -> {myRet}");
                }
            Assert.True(checkedCount > 60, "only " + checkedCount + " CoreLib imports matched one of our exports");
            Assert.True(mismatches.Count == 0, mismatches.Count + " signature mismatch(es):\n" + string.Join("\n", mismatches));
        }

        /// <summary>The runtime's per-thread block fits the slot the scheduler keeps for it (a larger one panics at boot).</summary>
        [Fact]
        public void RuntimeThreadStateFitsTheSchedulersSlot()
        {
            int slot = (int)Ours("Cosmos.Core.Threading.Scheduler").GetField("RuntimeStateBytes")!.GetRawConstantValue()!;
            Assert.True(Size("Cosmos.Runtime.RuntimeThreadState") <= slot, $"RuntimeThreadState is {Size("Cosmos.Runtime.RuntimeThreadState")} bytes, the scheduler keeps {slot}");
        }
    }
}
