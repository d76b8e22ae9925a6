using System;
using Cosmos.FileSystem;
using Cosmos.HAL.BlockDevice;

namespace Cosmos.System.FileSystem
{
    /// <summary>
    /// Recognises and mounts one kind of file system (Cosmos API name). <see cref="VFS.FileSystemManager"/> keeps the
    /// list the VFS probes, in order.
    /// </summary>
    public abstract class FileSystemFactory
    {
        /// <summary>Unique name (Cosmos uses the class name, e.g. "FatFileSystemFactory").</summary>
        public abstract string Name { get; }

        /// <summary>True when the partition holds this kind of file system (reads its first sectors; never throws for bad data).</summary>
        public abstract bool IsType(Partition aDevice);

        /// <summary>
        /// Like <see cref="IsType(Partition)"/>, and when false, <paramref name="why"/> says why not where the factory knows
        /// (a read error, a boot sector it rejects), starting with the file system's name ("FAT: …"), else null.
        /// </summary>
        public virtual bool IsType(Partition aDevice, out string why)
        {
            why = null;
            return IsType(aDevice);
        }

        /// <summary>Mounts the file system of <paramref name="aDevice"/> at <paramref name="aRootPath"/> (<paramref name="aSize"/> MiB).</summary>
        /// <exception cref="global::System.IO.IOException">The volume cannot be mounted (the message says why).</exception>
        public abstract FileSystem Create(Partition aDevice, string aRootPath, long aSize);

        /// <summary>Mounts the volume of the pure library in the VFS at <paramref name="aRootPath"/> and wraps it.</summary>
        protected static FileSystem Mount(Partition aDevice, string aRootPath, long aSize, FileSystemVolume volume)
        {
            string name = aRootPath.Substring(0, aRootPath.IndexOf(':'));
            VFS.VirtualFileSystem.Instance.Mount(volume, name);
            foreach (var w in volume.Warnings) global::System.Console.WriteLine($"{aRootPath} {volume.TypeName}: {w}");
            return new VolumeFileSystem(aDevice, aRootPath, aSize, volume);
        }
    }
}
