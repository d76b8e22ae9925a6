using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace Cosmos.FileSystem.Fat;

/// <summary>
/// A FAT12/16/32 volume with VFAT long names, read-write (Microsoft "FAT: General Overview of On-Disk Format",
/// fatgen103). The FAT is cached and written back to every FAT copy on <see cref="Flush"/>; directory changes and
/// file data go to the device at once. A volume found inconsistent at mount is read-only with a
/// <see cref="Warnings"/> entry; an inconsistency found later throws <see cref="FileSystemError.Corrupt"/> and
/// turns the volume read-only. Any image bytes give at worst a <see cref="FileSystemException"/>.
/// <para>Mount checks: the BPB (fatgen103 §3), FSInfo plausibility (§5), the FAT[1] clean-shutdown bit (§4.2), every
/// FAT entry in range (whenever the FAT is scanned: FAT12/16 always, FAT32 up to 4 MiB of FAT or when FSInfo is not
/// trusted), long names in the root, and on volumes of up to 1M clusters the whole tree (chains acyclic and in range,
/// no cross-links, sizes within chains). Later, a broken long name in another directory is ignored with a warning
/// (its short name is used); a broken chain or entry throws Corrupt.</para>
/// </summary>
public sealed class FatFileSystem : FileSystemVolume
{
    private readonly IBlockDevice _dev;
    private readonly int _devPerSector;
    private readonly Func<DateTime> _clock;
    private readonly List<string> _warnings = new();
    private readonly List<FatNode> _open = new();
    private bool _readOnly;
    private bool _fsInfoValid;
    private uint _fsInfoFree, _fsInfoNext;

    internal FatLayout Layout { get; }
    internal FatTable Fat { get; }

    private FatFileSystem(IBlockDevice dev, FatLayout layout, Func<DateTime> clock)
    {
        _dev = dev;
        Layout = layout;
        _devPerSector = layout.BytesPerSector / dev.SectorSize;
        _cache = new SectorCache(layout.BytesPerSector, (1 << 20) / layout.BytesPerSector);
        _clock = clock ?? (() => DateTime.UtcNow);
        _readOnly = dev.IsReadOnly;
        Fat = new FatTable(this, layout);
    }

    /// <summary>
    /// Mounts the FAT volume on <paramref name="device"/>. <paramref name="clockUtc"/> gives timestamps for new and
    /// changed entries (default <see cref="DateTime.UtcNow"/>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="device"/> is null.</exception>
    /// <exception cref="FileSystemException">Corrupt (path "") when the boot sector is not a usable FAT BPB
    /// (fatgen103 §3.1–§3.5), DeviceError when the device cannot be read. Survivable inconsistencies do not throw:
    /// the volume is then read-only and <see cref="Warnings"/> says why.</exception>
    public static FatFileSystem Mount(IBlockDevice device, Func<DateTime> clockUtc = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!TryMount(device, out var fs, out var error, clockUtc))
            throw new FileSystemException(FileSystemError.Corrupt, "", error);
        return fs;
    }

    /// <summary>Like <see cref="Mount"/> but returns false with <paramref name="error"/> (naming the field and value) instead of throwing.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="device"/> is null.</exception>
    public static bool TryMount(IBlockDevice device, out FatFileSystem fileSystem, out string error, Func<DateTime> clock = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        fileSystem = null;
        try
        {
            int ss = device.SectorSize;
            if (ss <= 0 || ss > 4096 || (ss & (ss - 1)) != 0) { error = $"device sector size {ss} is not a power of two up to 4096"; return false; }
            int n = Math.Max(1, 512 / ss);
            if (device.SectorCount < (ulong)n) { error = "the device is smaller than a boot sector"; return false; }
            var bs = new byte[n * ss];
            device.Read(0, bs);
            if (!FatLayout.TryParse(bs, device.SectorCount * (ulong)ss, ss, out var layout, out error)) return false;
            var fs = new FatFileSystem(device, layout, clock);
            fs.CheckAtMount();
            fileSystem = fs;
            error = null;
            return true;
        }
        catch (Exception e)
        {
            error = "cannot read the volume: " + e.Message;
            return false;
        }
    }

    private void Warn(string text)
    {
        if (_warnings.Count < 200) _warnings.Add(text);
    }

    private void WarnOnce(string text)
    {
        if (!_warnings.Contains(text)) Warn(text);
    }

    private void CheckAtMount()
    {
        var l = Layout;
        try
        {
            // FSInfo (fatgen103 §5): trusted only when its signatures are right and the values plausible.
            if (l.Type == FatType.Fat32 && l.FsInfoSector != 0)
            {
                var s = new byte[l.BytesPerSector];
                ReadSectors(l.FsInfoSector, s);
                if (BinaryPrimitives.ReadUInt32LittleEndian(s) == 0x41615252 &&
                    BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(484)) == 0x61417272 &&
                    BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(508)) == 0xAA550000)
                {
                    _fsInfoValid = true;
                    _fsInfoFree = BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(488));
                    _fsInfoNext = BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(492));
                }
                else Warn("FSInfo sector signatures are wrong; free count computed from the FAT");
            }
            // FAT[1] volume-state bits (fatgen103 §4.2, FAT16/32): clear "clean shutdown" means FSInfo may be stale.
            bool wasDirty = false;
            if (l.Type != FatType.Fat12)
            {
                uint f1 = Fat.Get(1);
                uint clean = l.Type == FatType.Fat16 ? 0x8000u : 0x08000000u;
                uint hardOk = l.Type == FatType.Fat16 ? 0x4000u : 0x04000000u;
                if ((f1 & clean) == 0) { wasDirty = true; Warn("the volume was not cleanly unmounted (FAT[1] clean-shutdown bit is 0)"); }
                if ((f1 & hardOk) == 0) Warn("the FAT[1] hard-error bit reports a disk I/O error during the last mount");
            }
            bool fsInfoPlausible = _fsInfoValid && _fsInfoFree <= l.ClusterCount && !wasDirty;
            ulong fatBytes = (ulong)l.ClusterCount * 4;
            if (l.Type != FatType.Fat32 || !fsInfoPlausible || fatBytes <= 4u * 1024 * 1024)
            {
                uint invalid = Fat.Scan(out uint free, out uint firstFree);
                Fat.FreeCount = free;
                Fat.NextFree = firstFree != 0 ? firstFree : 2;
                if (invalid != 0)
                {
                    Warn($"the FAT has {invalid} entries that point outside clusters 2..{l.MaxCluster}; mounted read-only");
                    _readOnly = true;
                }
                if (l.Type == FatType.Fat32 && _fsInfoValid && _fsInfoFree != free && _fsInfoFree != 0xFFFFFFFF)
                    Warn($"FSInfo free count {_fsInfoFree} differs from the FAT's {free}; corrected on the next flush");
            }
            else
            {
                Fat.FreeCount = _fsInfoFree;
                Fat.NextFree = _fsInfoNext >= 2 && _fsInfoNext <= l.MaxCluster ? _fsInfoNext : 2;
            }
            FatChecker.Check(this);
        }
        catch (FileSystemException e)
        {
            Warn("mount check: " + e.Message + "; mounted read-only");
            _readOnly = true;
        }
        if (_readOnly) Fat.Discard();
    }

    internal void AddWarning(string text) => Warn(text);

    internal void SetReadOnlyAtMount(string why)
    {
        Warn(why + "; mounted read-only");
        _readOnly = true;
    }

    /// <summary>Records an inconsistency found while running, turns the volume read-only, and returns the exception to throw.</summary>
    internal FileSystemException Corrupt(string path, string detail)
    {
        if (!_readOnly) Warn($"'{path}': {detail}; volume is now read-only");
        _readOnly = true;
        Fat.Discard();
        return new FileSystemException(FileSystemError.Corrupt, path, detail);
    }

    /// <summary>An exception other than FileSystemException escaped (a bug or an image this code did not foresee): treated as corruption.</summary>
    internal FileSystemException Unexpected(string path, Exception e) =>
        Corrupt(path ?? "", "unexpected " + e.GetType().Name + ": " + e.Message);

    internal DateTime Now()
    {
        try { return _clock(); } catch { return new DateTime(1980, 1, 1, 0, 0, 0, DateTimeKind.Utc); }
    }

    // ---- device access in file-system sectors -------------------------------------------------------------

    /// <summary>Reads of at most this many sectors go through <see cref="_cache"/> (metadata-sized: directory clusters, boot and FSInfo sectors).</summary>
    private const int CachedReadSectors = 16;
    /// <summary>Write-through cache of metadata sectors (1 MiB with 512-byte sectors); file data passes by it.</summary>
    private readonly SectorCache _cache;

    /// <summary>The metadata cache (tests read its hit counts).</summary>
    internal SectorCache MetadataCache => _cache;

    internal void ReadSectors(ulong sector, Span<byte> buffer) => ReadSectors(sector, buffer, buffer.Length / Layout.BytesPerSector <= CachedReadSectors);

    /// <summary>Reads; <paramref name="metadata"/>: serve from and keep in the metadata cache whatever the size (directories).</summary>
    internal void ReadSectors(ulong sector, Span<byte> buffer, bool metadata)
    {
        if (metadata && _cache.TryRead(sector, buffer)) return;
        try { _dev.Read(sector * (ulong)_devPerSector, buffer); }
        catch (Exception e) { throw new FileSystemException(FileSystemError.DeviceError, "", e.Message, e); }
        if (metadata) _cache.Store(sector, buffer);
    }

    /// <summary>Writes; <paramref name="metadata"/>: also keep the sectors in the metadata cache (new directory clusters).</summary>
    internal void WriteSectors(ulong sector, ReadOnlySpan<byte> buffer, bool metadata)
    {
        WriteSectors(sector, buffer);
        if (metadata) _cache.Store(sector, buffer);
    }

    internal void WriteSectors(ulong sector, ReadOnlySpan<byte> buffer)
    {
        if (_readOnly) throw new FileSystemException(FileSystemError.ReadOnly, "");
        _unflushedWrites = true;   // set first: a write that fails may still have reached the device in part
        try { _dev.Write(sector * (ulong)_devPerSector, buffer); }
        catch (Exception e)
        {
            _cache.Clear();   // what reached the device is unknown
            _dirs.Clear();
            throw new FileSystemException(FileSystemError.DeviceError, "", e.Message, e);
        }
        _cache.Update(sector, buffer);
        if (_dirs.Count == 0) return;
        List<uint> drop = null;
        foreach (var d in _dirs.Values)
            if (!d.Written(sector, buffer)) (drop ??= new List<uint>()).Add(d.FirstCluster);
        if (drop != null) foreach (var k in drop) _dirs.Remove(k);
    }

    // ---- loaded directories --------------------------------------------------------------------------------------

    /// <summary>Directories kept loaded (and parsed), by first cluster (0: the FAT12/16 root); a directory is one object while kept.</summary>
    private readonly Dictionary<uint, FatDirectory> _dirs = new();
    private long _dirBytes;
    /// <summary>Loaded directories are dropped (all at once) when they would hold more than this many bytes.</summary>
    private const long MaxDirectoryBytes = 4L << 20;

    /// <summary>Drops the loaded directories (tests that change the image behind the file system's back).</summary>
    internal void ForgetLoadedDirectories() { _dirs.Clear(); _dirBytes = 0; }

    internal bool TryGetDirectory(uint first, out FatDirectory d) => _dirs.TryGetValue(first, out d);

    internal void KeepDirectory(FatDirectory d)
    {
        if (_dirBytes + d.Data.Length > MaxDirectoryBytes || _dirs.Count >= 256) { _dirs.Clear(); _dirBytes = 0; }
        _dirs[d.FirstCluster] = d;
        _dirBytes += d.Data.Length;
    }

    /// <summary>Reads clusters <paramref name="chain"/>[from..] into <paramref name="buffer"/>, one request per contiguous run.</summary>
    internal void ReadClusters(IReadOnlyList<uint> chain, int from, Span<byte> buffer) => ReadClusters(chain, from, buffer, false);

    /// <summary>As <see cref="ReadClusters(IReadOnlyList{uint}, int, Span{byte})"/>; <paramref name="metadata"/> goes through the metadata cache (directories).</summary>
    internal void ReadClusters(IReadOnlyList<uint> chain, int from, Span<byte> buffer, bool metadata)
    {
        int cb = Layout.BytesPerCluster;
        int count = buffer.Length / cb;
        int i = 0;
        while (i < count)
        {
            int j = i + 1;
            while (j < count && chain[from + j] == chain[from + j - 1] + 1) j++;
            var part = buffer.Slice(i * cb, (j - i) * cb);
            ReadSectors(Layout.ClusterToSector(chain[from + i]), part, metadata || part.Length / Layout.BytesPerSector <= CachedReadSectors);
            i = j;
        }
    }

    /// <summary>Writes <paramref name="data"/> (whole clusters) to <paramref name="clusters"/>, one request per contiguous run.</summary>
    internal void WriteClusters(IReadOnlyList<uint> clusters, ReadOnlySpan<byte> data, bool metadata = false)
    {
        int cb = Layout.BytesPerCluster;
        int i = 0;
        while (i < clusters.Count)
        {
            int j = i + 1;
            while (j < clusters.Count && clusters[j] == clusters[j - 1] + 1) j++;
            WriteSectors(Layout.ClusterToSector(clusters[i]), data.Slice(i * cb, (j - i) * cb), metadata);
            i = j;
        }
    }

    // ---- paths ------------------------------------------------------------------------------------------------

    private static List<string> Split(string path)
    {
        if (path == null) throw new ArgumentNullException(nameof(path));
        var parts = new List<string>();
        int start = 0;
        for (int i = 0; i <= path.Length; i++)
        {
            if (i == path.Length || path[i] == '/' || path[i] == '\\')
            {
                if (i > start)
                {
                    string p = path.Substring(start, i - start);
                    if (p == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); }
                    else if (p != ".") parts.Add(p);
                }
                start = i + 1;
            }
        }
        return parts;
    }

    private static string JoinParts(List<string> parts, int count)
    {
        string s = "";
        for (int i = 0; i < count; i++) s = i == 0 ? parts[0] : s + "/" + parts[i];
        return s;
    }

    /// <summary>Loads the directory named by the first <paramref name="count"/> parts; <paramref name="visited"/> collects each directory's first cluster.</summary>
    private FatDirectory ResolveDir(List<string> parts, int count, List<uint> visited = null)
    {
        var dir = FatDirectory.Load(this, 0, "");
        visited?.Add(dir.FirstCluster);
        for (int i = 0; i < count; i++)
        {
            var e = dir.Find(parts[i]);
            string p = JoinParts(parts, i + 1);
            if (e == null) throw new FileSystemException(FileSystemError.PathNotFound, p);
            if (!e.IsDirectory) throw new FileSystemException(FileSystemError.NotADirectory, p);
            dir = FatDirectory.Load(this, e.FirstCluster, p);
            visited?.Add(dir.FirstCluster);
        }
        return dir;
    }

    /// <summary>The first cluster of the entry at <paramref name="path"/> (0 for an empty file); NotFound when there is none. Tests walk chains from it.</summary>
    internal uint FirstClusterOf(string path)
    {
        var parts = Split(path);
        return Guard(path, () => (Lookup(parts, out _) ?? throw Err(FileSystemError.NotFound, path)).FirstCluster);
    }

    private FatDirEntry Lookup(List<string> parts, out FatDirectory parent)
    {
        parent = ResolveDir(parts, parts.Count - 1);
        return parent.Find(parts[parts.Count - 1]);
    }

    private void CheckWritable(string path)
    {
        if (_readOnly) throw new FileSystemException(FileSystemError.ReadOnly, path);
        MarkDirty();
    }

    private bool _dirty;

    /// <summary>
    /// Before the first change after a flush, clears the clean-shutdown bit in FAT[1] on disk (FAT16/32,
    /// fatgen103 §4.2) so a crash before the next <see cref="Flush"/> is visible to checkers.
    /// </summary>
    internal void MarkDirty()
    {
        if (_dirty || _readOnly || Layout.Type == FatType.Fat12) return;
        _dirty = true;
        uint clean = Layout.Type == FatType.Fat16 ? 0x8000u : 0x08000000u;
        Fat.Set(1, Fat.Get(1) & ~clean);
        Fat.Flush();
    }

    private T Guard<T>(string path, Func<T> op, bool sync = true)
    {
        if (sync) SyncOpenFiles();
        try { return op(); }
        catch (FileSystemException) { throw; }
        catch (Exception e) when (e is not ArgumentNullException) { throw Unexpected(path, e); }
    }

    private void Guard(string path, Action op) => Guard<object>(path, () => { op(); return null; });

    private static FileSystemException Err(FileSystemError e, string path) => new(e, path);

    private static void CheckName(string name, string path)
    {
        var err = FatNames.Validate(name);
        if (err != null) throw new FileSystemException(err.Value, path);
    }

    // ---- FileSystemVolume -------------------------------------------------------------------------------------

    /// <inheritdoc/>
    public override string TypeName => Layout.Type switch { FatType.Fat12 => "FAT12", FatType.Fat16 => "FAT16", _ => "FAT32" };

    /// <summary>The FAT variant, decided by the cluster count (fatgen103 §3.5).</summary>
    public FatType Type => Layout.Type;

    /// <summary>Bytes per cluster (BPB_SecPerClus × BPB_BytsPerSec).</summary>
    public int ClusterSize => Layout.BytesPerCluster;

    /// <summary>Number of data clusters (CountofClusters, fatgen103 §3.5).</summary>
    public uint ClusterCount => Layout.ClusterCount;

    /// <summary>
    /// Volume label: the root directory's volume-label entry when present, otherwise BS_VolLab ("" for "NO NAME").
    /// Setting writes both (and the FAT32 backup boot sector); at most 11 characters valid in short names, stored
    /// upper case (fatgen103 §3.2, §6). Setting throws ReadOnly, NameTooLong or InvalidName.
    /// <para>Getting never throws (the VFS reads it for mount messages and <c>df</c>): only the volume-label entry is
    /// looked for, so other broken root entries do not matter; when the root itself cannot be read (a broken
    /// chain, a device error, anything unexpected) the result is BS_VolLab, the problem is added to
    /// <see cref="Warnings"/>, and a corrupt root turns the volume read-only.</para>
    /// </summary>
    public override string Label
    {
        get
        {
            try
            {
                var root = FatDirectory.Load(this, 0, "");
                return root.FindVolumeLabel() ?? Layout.BpbLabel;
            }
            catch (FileSystemException e)
            {
                // Corrupt already turned the volume read-only with a warning; say why the BPB label is shown.
                WarnOnce("label: the root directory cannot be read (" + e.Message + "); the boot sector's label is used");
                return Layout.BpbLabel;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var x = Unexpected("", e);
                WarnOnce("label: the root directory cannot be read (" + x.Message + "); the boot sector's label is used");
                return Layout.BpbLabel;
            }
        }
        set => Guard("", () => SetLabel(value));
    }

    private void SetLabel(string value)
    {
        CheckWritable("");
        Span<byte> field = stackalloc byte[11];
        var err = FatNames.EncodeLabel(value, field);
        if (err != null) throw new FileSystemException(err.Value, "", "label");
        bool none = string.IsNullOrWhiteSpace(value);
        var root = FatDirectory.Load(this, 0, "");
        root.Parse();
        if (none)
        {
            if (root.VolumeLabelSlot >= 0)
            {
                root.Data[root.VolumeLabelSlot * 32] = 0xE5;
                root.WriteSlots(root.VolumeLabelSlot, 1);
            }
        }
        else
        {
            int slot = root.VolumeLabelSlot;
            if (slot < 0)
            {
                slot = root.FindFree(1);
                root.Data.AsSpan(slot * 32, 32).Clear();
            }
            var e = root.Data.AsSpan(slot * 32, 32);
            field.CopyTo(e);
            e[11] = FatDirectory.AttrVolumeId;
            var now = Now();
            BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(22), FatNames.EncodeTime(now));
            BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(24), FatNames.EncodeDate(now));
            int count = 1;
            if (slot >= root.EndSlot) { root.EndSlot = slot + 1; if (slot + 1 < root.SlotCount) count = 2; }
            root.WriteSlots(slot, count);
        }
        if (Layout.LabelOffset > 0)
        {
            Span<byte> bpbField = stackalloc byte[11];
            if (none) "NO NAME    "u8.CopyTo(bpbField); else field.CopyTo(bpbField);
            var bs = new byte[Layout.BytesPerSector];
            ReadSectors(0, bs);
            bpbField.CopyTo(bs.AsSpan(Layout.LabelOffset));
            WriteSectors(0, bs);
            if (Layout.Type == FatType.Fat32 && Layout.BackupBootSector != 0)
            {
                ReadSectors(Layout.BackupBootSector, bs);
                if (bs[510] == 0x55 && bs[511] == 0xAA)
                {
                    bpbField.CopyTo(bs.AsSpan(Layout.LabelOffset));
                    WriteSectors(Layout.BackupBootSector, bs);
                }
            }
        }
        Layout.BpbLabel = none ? "" : FatNames.DecodeLabel(field);
    }

    /// <inheritdoc/>
    public override long TotalSize => (long)Layout.ClusterCount * Layout.BytesPerCluster;

    /// <inheritdoc/>
    public override long AvailableFreeSpace => (long)Fat.FreeCount * Layout.BytesPerCluster;

    /// <inheritdoc/>
    public override bool IsReadOnly => _readOnly;

    /// <inheritdoc/>
    public override IReadOnlyList<string> Warnings => _warnings;

    private static readonly FileEntryInfo RootInfo = new("", true, 0, FileAttributes.Directory,
        new DateTime(1980, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(1980, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(1980, 1, 1, 0, 0, 0, DateTimeKind.Utc));

    /// <inheritdoc/>
    public override FileEntryInfo? GetEntry(string path)
    {
        var parts = Split(path);
        return Guard(path, () =>
        {
            if (parts.Count == 0) return (FileEntryInfo?)RootInfo;
            var e = Lookup(parts, out _);
            return e == null ? null : e.ToInfo();
        });
    }

    /// <inheritdoc/>
    public override IReadOnlyList<FileEntryInfo> ListDirectory(string path)
    {
        var parts = Split(path);
        return Guard(path, () =>
        {
            FatDirectory dir;
            if (parts.Count == 0) dir = FatDirectory.Load(this, 0, "");
            else
            {
                var e = Lookup(parts, out _);
                if (e == null) throw Err(FileSystemError.NotFound, path);
                if (!e.IsDirectory) throw Err(FileSystemError.NotADirectory, path);
                dir = FatDirectory.Load(this, e.FirstCluster, JoinParts(parts, parts.Count));
            }
            var bad = new List<string>();
            var list = dir.Parse(false, bad);
            foreach (var b in bad) Warn(b);
            var result = new List<FileEntryInfo>(list.Count);
            foreach (var d in list) result.Add(d.ToInfo());
            return (IReadOnlyList<FileEntryInfo>)result;
        });
    }

    private (FatDirectory parent, string name) PrepareCreate(List<string> parts, string path)
    {
        if (parts.Count == 0) throw Err(FileSystemError.AlreadyExists, path);
        CheckName(parts[parts.Count - 1], path);
        CheckWritable(path);
        var parent = ResolveDir(parts, parts.Count - 1);
        if (parent.Find(parts[parts.Count - 1]) != null) throw Err(FileSystemError.AlreadyExists, path);
        return (parent, parts[parts.Count - 1]);
    }

    /// <inheritdoc/>
    public override void CreateDirectory(string path)
    {
        var parts = Split(path);
        Guard(path, () =>
        {
            var (parent, name) = PrepareCreate(parts, path);
            var now = Now();
            var c = Fat.Allocate(1, 0, path);
            var data = new byte[Layout.BytesPerCluster];
            WriteDot(data.AsSpan(0, 32), ".", c[0], now);
            WriteDot(data.AsSpan(32, 32), "..", parent.IsRoot ? 0 : parent.FirstCluster, now);
            WriteClusters(c, data, metadata: true);
            try { parent.Add(name, FatDirectory.AttrDirectory, c[0], 0, now); }
            catch (FileSystemException e) when (e.Error == FileSystemError.NoSpace) { Fat.FreeChain(c[0], path); throw; }
        });
    }

    private void WriteDot(Span<byte> e, string name, uint cluster, DateTime now)
    {
        e.Fill(0);
        e.Slice(0, 11).Fill((byte)' ');
        for (int i = 0; i < name.Length; i++) e[i] = (byte)'.';
        e[11] = FatDirectory.AttrDirectory;
        e[13] = FatNames.EncodeTenth(now);
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(14), FatNames.EncodeTime(now));
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(16), FatNames.EncodeDate(now));
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(18), FatNames.EncodeDate(now));
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(22), FatNames.EncodeTime(now));
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(24), FatNames.EncodeDate(now));
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(26), (ushort)cluster);
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(20), Layout.Type == FatType.Fat32 ? (ushort)(cluster >> 16) : (ushort)0);
    }

    /// <inheritdoc/>
    public override void CreateFile(string path)
    {
        var parts = Split(path);
        Guard(path, () =>
        {
            var (parent, name) = PrepareCreate(parts, path);
            parent.Add(name, FatDirectory.AttrArchive, 0, 0, Now());
        });
    }

    /// <inheritdoc/>
    public override void DeleteFile(string path)
    {
        var parts = Split(path);
        Guard(path, () =>
        {
            if (parts.Count == 0) throw Err(FileSystemError.IsADirectory, path);
            var e = Lookup(parts, out var parent);
            if (e == null) throw Err(FileSystemError.NotFound, path);
            if (e.IsDirectory) throw Err(FileSystemError.IsADirectory, path);
            CheckWritable(path);
            if (e.FirstCluster != 0) Fat.FreeChain(e.FirstCluster, path);
            parent.Remove(e);
            foreach (var f in _open)
                if (f.EntrySector == e.Sector && f.EntryOffset == e.Offset) f.Deleted = true;
        });
    }

    /// <inheritdoc/>
    public override void DeleteDirectory(string path)
    {
        var parts = Split(path);
        Guard(path, () =>
        {
            if (parts.Count == 0) throw Err(FileSystemError.InvalidName, path);
            var e = Lookup(parts, out var parent);
            if (e == null) throw Err(FileSystemError.NotFound, path);
            if (!e.IsDirectory) throw Err(FileSystemError.NotADirectory, path);
            CheckWritable(path);
            var dir = FatDirectory.Load(this, e.FirstCluster, JoinParts(parts, parts.Count));
            if (dir.Parse().Count != 0) throw Err(FileSystemError.DirectoryNotEmpty, path);
            _dirs.Remove(dir.FirstCluster);
            Fat.FreeChain(e.FirstCluster, path);
            parent.Remove(e);
        });
    }

    /// <inheritdoc/>
    public override void Rename(string oldPath, string newPath, bool replace)
    {
        var src = Split(oldPath);
        var dst = Split(newPath);
        Guard(oldPath, () =>
        {
            if (src.Count == 0 || dst.Count == 0) throw Err(FileSystemError.InvalidName, src.Count == 0 ? oldPath : newPath);
            CheckName(dst[dst.Count - 1], newPath);
            var e = Lookup(src, out var srcParent);
            if (e == null) throw Err(FileSystemError.NotFound, oldPath);
            CheckWritable(oldPath);
            var visited = new List<uint>();
            var dstParent = ResolveDir(dst, dst.Count - 1, visited);
            if (e.IsDirectory && visited.Contains(e.FirstCluster))
                throw new FileSystemException(FileSystemError.InvalidName, newPath, "a directory cannot move into itself");
            bool sameDir = dstParent.FirstCluster == srcParent.FirstCluster;
            if (sameDir) dstParent = srcParent;
            var existing = dstParent.Find(dst[dst.Count - 1]);
            if (existing != null && !(sameDir && existing.Slot == e.Slot))
            {
                if (!replace || existing.IsDirectory || e.IsDirectory) throw Err(FileSystemError.AlreadyExists, newPath);
                if (existing.FirstCluster != 0) Fat.FreeChain(existing.FirstCluster, newPath);
                dstParent.Remove(existing);
                foreach (var f in _open)
                    if (f.EntrySector == existing.Sector && f.EntryOffset == existing.Offset) f.Deleted = true;
                if (sameDir) e = srcParent.Find(src[src.Count - 1]);
            }
            else if (existing != null && e.Name == dst[dst.Count - 1]) return; // same name, nothing to do
            FatDirEntry added;
            if (existing != null)
            {
                // Case-only rename: free the old slots first so the new name can keep the same short name; put
                // them back if the new entries do not fit.
                int first = e.Slot - e.LfnSlots, count = e.LfnSlots + 1;
                var saved = srcParent.Data.AsSpan(first * 32, count * 32).ToArray();
                srcParent.Remove(e);
                try { added = srcParent.Add(dst[dst.Count - 1], e.Attr, e.FirstCluster, e.Size, Now(), e); }
                catch (FileSystemException x) when (x.Error == FileSystemError.NoSpace)
                {
                    saved.CopyTo(srcParent.Data, first * 32);
                    srcParent.WriteSlots(first, count);
                    throw;
                }
            }
            else
            {
                added = dstParent.Add(dst[dst.Count - 1], e.Attr, e.FirstCluster, e.Size, Now(), e);
                if (sameDir) srcParent.Data = dstParent.Data;
                srcParent.Remove(e);
            }
            foreach (var f in _open)
                if (f.EntrySector == e.Sector && f.EntryOffset == e.Offset) { f.EntrySector = added.Sector; f.EntryOffset = added.Offset; f.Path = JoinParts(dst, dst.Count); }
            if (e.IsDirectory && !sameDir)
            {
                // fix ".." (fatgen103 §6: 0 when the parent is the root)
                var first = new byte[Layout.BytesPerSector];
                ulong sec = Layout.ClusterToSector(e.FirstCluster);
                ReadSectors(sec, first);
                if (first[32] == '.' && first[33] == '.')
                {
                    uint pc = dstParent.IsRoot ? 0 : dstParent.FirstCluster;
                    BinaryPrimitives.WriteUInt16LittleEndian(first.AsSpan(32 + 26), (ushort)pc);
                    BinaryPrimitives.WriteUInt16LittleEndian(first.AsSpan(32 + 20), Layout.Type == FatType.Fat32 ? (ushort)(pc >> 16) : (ushort)0);
                    WriteSectors(sec, first);
                }
            }
        });
    }

    /// <inheritdoc/>
    public override void SetAttributes(string path, FileAttributes attributes)
    {
        var parts = Split(path);
        Guard(path, () =>
        {
            if (parts.Count == 0) throw Err(FileSystemError.InvalidName, path);
            var e = Lookup(parts, out var parent);
            if (e == null) throw Err(FileSystemError.NotFound, path);
            CheckWritable(path);
            byte a = (byte)(e.Attr & FatDirectory.AttrDirectory);
            if ((attributes & FileAttributes.ReadOnly) != 0) a |= FatDirectory.AttrReadOnly;
            if ((attributes & FileAttributes.Hidden) != 0) a |= FatDirectory.AttrHidden;
            if ((attributes & FileAttributes.System) != 0) a |= FatDirectory.AttrSystem;
            if ((attributes & FileAttributes.Archive) != 0) a |= FatDirectory.AttrArchive;
            parent.Data[e.Slot * 32 + 11] = a;
            parent.WriteSlots(e.Slot, 1);
        });
    }

    /// <inheritdoc/>
    public override void SetTimes(string path, DateTime? creationUtc, DateTime? lastAccessUtc, DateTime? lastWriteUtc)
    {
        var parts = Split(path);
        Guard(path, () =>
        {
            if (parts.Count == 0) return; // the root has no entry to hold times
            var e = Lookup(parts, out var parent);
            if (e == null) throw Err(FileSystemError.NotFound, path);
            CheckWritable(path);
            var s = parent.Data.AsSpan(e.Slot * 32, 32);
            if (creationUtc is DateTime c)
            {
                s[13] = FatNames.EncodeTenth(c);
                BinaryPrimitives.WriteUInt16LittleEndian(s.Slice(14), FatNames.EncodeTime(c));
                BinaryPrimitives.WriteUInt16LittleEndian(s.Slice(16), FatNames.EncodeDate(c));
            }
            if (lastAccessUtc is DateTime a) BinaryPrimitives.WriteUInt16LittleEndian(s.Slice(18), FatNames.EncodeDate(a));
            if (lastWriteUtc is DateTime w)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(s.Slice(22), FatNames.EncodeTime(w));
                BinaryPrimitives.WriteUInt16LittleEndian(s.Slice(24), FatNames.EncodeDate(w));
            }
            parent.WriteSlots(e.Slot, 1);
        });
    }

    /// <inheritdoc/>
    public override FileSystemFile OpenFile(string path, bool writable)
    {
        var parts = Split(path);
        return Guard(path, () =>
        {
            if (parts.Count == 0) throw Err(FileSystemError.IsADirectory, path);
            var e = Lookup(parts, out _);
            if (e == null) throw Err(FileSystemError.NotFound, path);
            if (e.IsDirectory) throw Err(FileSystemError.IsADirectory, path);
            if (writable && (_readOnly || (e.Attr & FatDirectory.AttrReadOnly) != 0)) throw Err(FileSystemError.ReadOnly, path);
            // An entry already open shares its node (and chain): the chain is walked once per open entry.
            foreach (var n in _open)
                if (n.EntrySector == e.Sector && n.EntryOffset == e.Offset) return (FileSystemFile)new FatFile(this, n, writable);
            var chain = Fat.ReadChain(e.FirstCluster, path);
            if (e.Size > (ulong)chain.Count * (ulong)Layout.BytesPerCluster)
                throw Corrupt(path, $"file size {e.Size} exceeds its {chain.Count} clusters");
            var node = new FatNode
            {
                Path = JoinParts(parts, parts.Count), EntrySector = e.Sector, EntryOffset = e.Offset,
                Chain = chain, First = e.FirstCluster, Size = e.Size,
            };
            _open.Add(node);
            return (FileSystemFile)new FatFile(this, node, writable);
        });
    }

    internal void Closed(FatNode n)
    {
        if (--n.Handles <= 0) _open.Remove(n);
    }

    private void SyncOpenFiles()
    {
        if (_readOnly) return;
        foreach (var f in _open) f.WriteMetadata(this);
    }

    /// <inheritdoc/>
    public override void Flush() => Guard("", FlushAll);

    internal void FlushAll()
    {
        if (_readOnly) { TryDeviceFlush(); return; }
        foreach (var f in _open) f.WriteMetadata(this);
        // The clean-shutdown bit goes back in the same FAT write as the allocation changes (FAT[1] shares the FAT's
        // first sector with clusters 2..125 on FAT32, so after a small change that is one request per FAT copy); the
        // device flush below makes both durable together.
        if (_dirty)
        {
            uint clean = Layout.Type == FatType.Fat16 ? 0x8000u : 0x08000000u;
            Fat.Set(1, Fat.Get(1) | clean);
        }
        Fat.Flush();
        _dirty = false;
        if (Layout.Type == FatType.Fat32 && _fsInfoValid && (_fsInfoFree != Fat.FreeCount || _fsInfoNext != Fat.NextFree))
        {
            var s = new byte[Layout.BytesPerSector];
            ReadSectors(Layout.FsInfoSector, s);
            BinaryPrimitives.WriteUInt32LittleEndian(s.AsSpan(488), Fat.FreeCount);
            BinaryPrimitives.WriteUInt32LittleEndian(s.AsSpan(492), Fat.NextFree);
            WriteSectors(Layout.FsInfoSector, s);
            _fsInfoFree = Fat.FreeCount;
            _fsInfoNext = Fat.NextFree;
        }
        TryDeviceFlush();
    }

    // True while a write of this volume may sit in the device's volatile cache: from mount (what came before is not
    // known) and from every write until a device flush succeeds. A flush with nothing written since the last one
    // sends no command (a FileStream's Flush(true) followed by its close costs one device flush, not two).
    private bool _unflushedWrites = true;

    private void TryDeviceFlush()
    {
        if (!_unflushedWrites) return;
        try { _dev.Flush(); _unflushedWrites = false; }
        catch (Exception e) { throw new FileSystemException(FileSystemError.DeviceError, "", e.Message, e); }
    }

    internal void RunGuarded(string path, Action op) => Guard<object>(path, () => { op(); return null; }, sync: false);
    internal T RunGuarded<T>(string path, Func<T> op) => Guard(path, op, sync: false);
}
