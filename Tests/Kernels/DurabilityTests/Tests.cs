using System;
using System.IO;
using Cosmos.System.FileSystem;
using Cosmos.System.FileSystem.VFS;
using Cosmos.TestRunner;

namespace DurabilityTests
{
    /// <summary>
    /// Nothing is lost at a hard reset after FileStream.Flush(true) or Dispose: the kernel writes three files to the
    /// host-made FAT32 image and resets the machine through the ACPI/8042 reset path (not Power.Reboot, which would
    /// flush the volumes first). After QEMU exits the runner runs fsck.fat -n on the image and reads the files back with
    /// mtools (fat-expect.txt): their lengths and contents must be there.
    /// </summary>
    public sealed class Kernel : TestKernel
    {
        private static FileStream s_open;

        protected override void RunTests()
        {
            bool written = false;
            Test("write three files and flush them", () =>
            {
                VFSManager.RegisterVFS(new CosmosVFS(), aShowInfo: false);
                Directory.CreateDirectory(@"0:\data");
                var big = new byte[300000];
                for (int i = 0; i < big.Length; i++) big[i] = (byte)(i * 13);
                File.WriteAllBytes(@"0:\data\big.bin", big);                      // durable by Dispose
                File.WriteAllText(@"0:\data\Long Name After Flush.txt", "hello");
                // Last: a stream that stays open across the reset, so only its Flush(true) can have made it durable.
                s_open = new FileStream(@"0:\DURABLE.TXT", FileMode.Create, FileAccess.Write);
                s_open.Write(System.Text.Encoding.ASCII.GetBytes("the data survived a hard reset\n"));
                s_open.Flush(flushToDisk: true);
                written = true;
            });
            if (written) ExpectExit("hard reset right after the flush", 0, () => Cosmos.HAL.ACPI.Reboot());
        }
    }
}
