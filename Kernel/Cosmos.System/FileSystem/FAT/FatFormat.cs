using System;
using Cosmos.HAL.BlockDevice;
using PureFat = Cosmos.FileSystem.Fat;

namespace Cosmos.System.FileSystem.FAT
{
    /// <summary>Formats a partition with the pure library's FAT formatter from a Cosmos format name.</summary>
    internal static class FatFormat
    {
        /// <summary>Formats <paramref name="partition"/>: "FAT12"/"FAT16"/"FAT32", or "FAT" to let the size decide.</summary>
        /// <exception cref="NotSupportedException">Another format name.</exception>
        public static void Format(Partition partition, string format, bool quick, string label)
        {
            PureFat.FatType? type = (format ?? "").ToUpperInvariant() switch
            {
                "FAT12" => PureFat.FatType.Fat12,
                "FAT16" => PureFat.FatType.Fat16,
                "FAT32" => PureFat.FatType.Fat32,
                "FAT" => null,
                _ => throw new NotSupportedException($"format '{format}': only FAT12, FAT16 and FAT32 can be created"),
            };
            PureFat.FatFormatter.Format(new HalBlockDevice(partition), label, type, quick);
        }
    }
}
