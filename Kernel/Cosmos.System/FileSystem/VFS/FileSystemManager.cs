using System.Collections.Generic;
using Cosmos.System.FileSystem.FAT;
using Cosmos.System.FileSystem.ISO9660;

namespace Cosmos.System.FileSystem.VFS
{
    /// <summary>The file systems the VFS knows, probed in order when a partition is mounted (Cosmos API name and members).</summary>
    public static class FileSystemManager
    {
        private static List<FileSystemFactory> s_registered;

        /// <summary>A new list of the built-in factories: FAT, then ISO9660.</summary>
        public static List<FileSystemFactory> DefaultFileSystems => new List<FileSystemFactory> { new FatFileSystemFactory(), new ISO9660FileSystemFactory() };

        /// <summary>The probe list (starts as <see cref="DefaultFileSystems"/>).</summary>
        public static List<FileSystemFactory> RegisteredFileSystems => s_registered ??= DefaultFileSystems;

        /// <summary>Adds <paramref name="factory"/>; false when one of the same name is registered. Call before <see cref="VFSManager.RegisterVFS"/>.</summary>
        public static bool Register(FileSystemFactory factory)
        {
            foreach (var f in RegisteredFileSystems) if (f.Name == factory.Name) return false;
            RegisteredFileSystems.Add(factory);
            return true;
        }

        /// <summary>Removes <paramref name="factory"/>; false when it was not registered.</summary>
        public static bool Remove(FileSystemFactory factory) => RegisteredFileSystems.Remove(factory);

        /// <summary>Removes the factory named <paramref name="factoryName"/>; false when none was.</summary>
        public static bool Remove(string factoryName) => RegisteredFileSystems.RemoveAll(f => f.Name == factoryName) > 0;
    }
}
