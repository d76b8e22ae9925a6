using System;
using System.IO;
using Cosmos.HAL.BlockDevice;
using PureIso = Cosmos.FileSystem.Iso9660;

namespace Cosmos.System.FileSystem.ISO9660
{
    /// <summary>ISO9660 with Joliet names (Cosmos API name), read-only: the boot CD.</summary>
    public class ISO9660FileSystemFactory : FileSystemFactory
    {
        /// <inheritdoc/>
        public override string Name => "ISO9660FileSystemFactory";

        /// <inheritdoc/>
        public override bool IsType(Partition aDevice) => PureIso.Iso9660FileSystem.TryMount(new HalBlockDevice(aDevice), out _, out _);

        /// <inheritdoc/>
        public override FileSystem Create(Partition aDevice, string aRootPath, long aSize)
        {
            if (!PureIso.Iso9660FileSystem.TryMount(new HalBlockDevice(aDevice), out var iso, out string error))
                throw new IOException($"{aRootPath}: not a usable ISO9660 volume: {error}");
            return Mount(aDevice, aRootPath, aSize, iso);
        }
    }
}
