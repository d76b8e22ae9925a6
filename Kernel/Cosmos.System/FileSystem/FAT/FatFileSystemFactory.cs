using System;
using System.IO;
using Cosmos.HAL.BlockDevice;
using PureFat = Cosmos.FileSystem.Fat;

namespace Cosmos.System.FileSystem.FAT
{
    /// <summary>FAT12/16/32 (Cosmos API name): recognised by a valid BIOS parameter block; timestamps from the RTC-backed clock.</summary>
    public class FatFileSystemFactory : FileSystemFactory
    {
        /// <inheritdoc/>
        public override string Name => "FatFileSystemFactory";

        /// <inheritdoc/>
        public override bool IsType(Partition aDevice) => IsType(aDevice, out _);

        /// <inheritdoc/>
        public override bool IsType(Partition aDevice, out string why)
        {
            bool fat = PureFat.FatFileSystem.TryMount(new HalBlockDevice(aDevice), out _, out string error, Clock);
            why = fat ? null : "FAT: " + error;
            return fat;
        }

        /// <inheritdoc/>
        public override FileSystem Create(Partition aDevice, string aRootPath, long aSize)
        {
            if (!PureFat.FatFileSystem.TryMount(new HalBlockDevice(aDevice), out var fat, out string error, Clock))
                throw new IOException($"{aRootPath}: not a usable FAT volume: {error}");
            return Mount(aDevice, aRootPath, aSize, fat);
        }

        /// <summary>The clock FAT timestamps come from (DateTime.UtcNow: the RTC at boot, advanced by the TSC).</summary>
        internal static DateTime Clock() => DateTime.UtcNow;
    }
}
