using System.IO;
using Cosmos.Build.Testing;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>A test kernel's qemu-args.txt with settings QEMU's arguments cannot be made from (KernelBoot.Run).</summary>
    public class QemuArgsFileTests
    {
        [Theory]
        [InlineData("cd=scsi", "unknown CD controller 'scsi'")]
        [InlineData("machine=isapc", "unknown machine 'isapc'")]
        [InlineData("memory=8", "is not memory=<MiB>")]
        public void BadSettingIsOneFailedCaseNamingTheFile(string settings, string expected)
        {
            string dir = Directory.CreateTempSubdirectory("cosmos-qemuargs-").FullName;
            try
            {
                string args = Path.Combine(dir, "qemu-args.txt");
                File.WriteAllText(args, settings + "\n");
                var output = new StringWriter();
                // No QEMU starts: the settings are rejected before (the ISO need not exist).
                var results = KernelBoot.Run("BadArgs", dir, Path.Combine(dir, "BadArgs.iso"), 10, false, output);
                var only = Assert.Single(results);
                Assert.True(only.Failed);
                Assert.Contains(args, only.Message);
                Assert.Contains(expected, only.Message);
                Assert.Contains("FAIL  kernel BadArgs: " + args, output.ToString());
            }
            finally { Directory.Delete(dir, true); }
        }
    }
}
