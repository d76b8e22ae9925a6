using System;
using Cosmos.HAL.Firmware;

namespace Cosmos.TestRunner
{
    /// <summary>
    /// Boot-time choice of the test kernel in a test bundle (an image the test runner builds from several test kernels'
    /// assemblies, Build/Cosmos.Build/Steps/TestBundle.cs). The bundle's generated entry point calls
    /// <see cref="SelectedKernel"/>, compares it with each member's name and starts that member's kernel exactly as its own
    /// image would (<c>new Kernel().Start()</c>); with no match it calls <see cref="NoSuchKernel"/>.
    /// </summary>
    public static class TestBundle
    {
        /// <summary>The name in fw_cfg <see cref="TestProtocol.BundleKernelFile"/>, or null when there is none.</summary>
        public static string SelectedKernel() => QemuFwCfg.ReadString(TestProtocol.BundleKernelFile);

        /// <summary>Ends the boot in a panic naming <paramref name="selected"/> and the bundle's <paramref name="members"/>; QEMU exits with the failure status.</summary>
        public static void NoSuchKernel(string selected, string members)
        {
            TestController.ArmPanicExit(TestProtocol.DebugExitFailures);
            throw new InvalidOperationException("test bundle: fw_cfg " + TestProtocol.BundleKernelFile + " names "
                + (selected == null ? "no kernel" : "'" + selected + "'") + "; this bundle holds " + members);
        }
    }
}
