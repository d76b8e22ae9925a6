namespace Cosmos.FileSystem.Fat;

/// <summary>
/// The FAT variant. Decided only by the count of data clusters (fatgen103 §3.5 "FAT Type Determination"):
/// fewer than 4085 → FAT12, fewer than 65525 → FAT16, otherwise FAT32.
/// </summary>
public enum FatType
{
    /// <summary>12-bit FAT entries, 1..4084 clusters, fixed root directory.</summary>
    Fat12,
    /// <summary>16-bit FAT entries, 4085..65524 clusters, fixed root directory.</summary>
    Fat16,
    /// <summary>28-bit FAT entries (in 32-bit slots), 65525 or more clusters, root directory in a cluster chain, FSInfo sector.</summary>
    Fat32,
}
