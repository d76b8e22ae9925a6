using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace Cosmos.FileSystem.Fat;

/// <summary>One live directory entry as parsed: its name (long or short), where its slots are, and its fields (fatgen103 §6).</summary>
internal sealed class FatDirEntry
{
    public string Name;
    public readonly byte[] Short = new byte[11];
    public int Slot;          // index of the short entry
    public int LfnSlots;      // long-name slots right before it
    public ulong Sector;      // file-system sector holding the short entry
    public int Offset;        // byte offset of the short entry in that sector
    public byte Attr;
    public byte NtRes;
    public byte CrtTenth;
    public ushort CrtTime, CrtDate, AccDate, WrtTime, WrtDate;
    public uint FirstCluster;
    public uint Size;
    public bool IsDirectory => (Attr & FatDirectory.AttrDirectory) != 0;

    public FileEntryInfo ToInfo()
    {
        FileAttributes a = 0;
        if ((Attr & 0x01) != 0) a |= FileAttributes.ReadOnly;
        if ((Attr & 0x02) != 0) a |= FileAttributes.Hidden;
        if ((Attr & 0x04) != 0) a |= FileAttributes.System;
        if ((Attr & 0x10) != 0) a |= FileAttributes.Directory;
        if ((Attr & 0x20) != 0) a |= FileAttributes.Archive;
        if (a == 0) a = FileAttributes.Normal;
        return new FileEntryInfo(Name, IsDirectory, IsDirectory ? 0 : Size, a,
            FatNames.Decode(CrtDate, CrtTime, CrtTenth), FatNames.Decode(WrtDate, WrtTime, 0), FatNames.Decode(AccDate, 0, 0));
    }
}

/// <summary>
/// A directory loaded whole into memory: the fixed FAT12/16 root region or a cluster chain (fatgen103 §6, §7).
/// The file system keeps loaded directories (<see cref="Load"/>), so their entries are parsed once and found by name
/// through an index; <see cref="Add"/> and <see cref="Remove"/> update that parse in place, other changes made
/// through <see cref="WriteSlots"/> drop it, and writes that reach the directory's sectors from elsewhere (a file's
/// length and times, a moved directory's "..") reach <see cref="Data"/> through <see cref="Written"/>.
/// </summary>
internal sealed class FatDirectory
{
    public const byte AttrReadOnly = 0x01, AttrHidden = 0x02, AttrSystem = 0x04, AttrVolumeId = 0x08,
        AttrDirectory = 0x10, AttrArchive = 0x20, AttrLongName = 0x0F;
    /// <summary>A directory may have at most 65536 entries (fatgen103 §6).</summary>
    public const int MaxSlots = 65536;

    private readonly FatFileSystem _fs;
    private readonly FatLayout _l;
    public readonly uint FirstCluster;     // 0 for the fixed root
    public readonly List<uint> Clusters;   // null for the fixed root
    public byte[] Data;
    public string Path;
    public int EndSlot;                    // first slot with name[0] == 0 (all after are free)
    public string VolumeLabel;             // root only: the volume-label entry's name
    public int VolumeLabelSlot = -1;

    // The parse (with "." and ".."; slot order), its warnings and the name indexes; null when not parsed.
    private List<FatDirEntry> _all;
    private List<string> _bad;
    private Dictionary<string, FatDirEntry> _byName, _byShort;
    private HashSet<string> _shorts;
    private bool _duplicateNames;
    // Where Data lives on the device: runs of consecutive sectors and the Data offset of each.
    private ulong[] _runSector;
    private int[] _runCount, _runOffset;

    private FatDirectory(FatFileSystem fs, uint first, List<uint> clusters, byte[] data, string path)
    {
        _fs = fs; _l = fs.Layout; FirstCluster = first; Clusters = clusters; Data = data; Path = path;
        ComputeRuns();
    }

    private void ComputeRuns()
    {
        var start = new List<ulong>(); var count = new List<int>(); var offset = new List<int>();
        if (Clusters == null) { start.Add(_l.FirstRootDirSector); count.Add(Data.Length / _l.BytesPerSector); offset.Add(0); }
        else
            for (int i = 0; i < Clusters.Count; i++)
            {
                ulong sec = _l.ClusterToSector(Clusters[i]);
                int n = start.Count;
                if (n > 0 && start[n - 1] + (ulong)count[n - 1] == sec) count[n - 1] += _l.SectorsPerCluster;
                else { start.Add(sec); count.Add(_l.SectorsPerCluster); offset.Add(i * _l.BytesPerCluster); }
            }
        _runSector = start.ToArray(); _runCount = count.ToArray(); _runOffset = offset.ToArray();
    }

    public bool IsRoot => FirstCluster == 0 || (_l.Type == FatType.Fat32 && FirstCluster == _l.RootCluster);

    /// <summary>
    /// The directory whose first cluster is <paramref name="first"/> (0: the root): the file system's loaded copy
    /// when it has one, else read from the device (and kept when <paramref name="cache"/>).
    /// </summary>
    public static FatDirectory Load(FatFileSystem fs, uint first, string path, bool cache = true)
    {
        var l = fs.Layout;
        if (first == 0 && l.Type == FatType.Fat32) first = l.RootCluster;
        if (fs.TryGetDirectory(first, out var known)) { known.Path = path; return known; }
        FatDirectory d;
        if (first == 0)
        {
            var data = new byte[l.RootDirSectors * (uint)l.BytesPerSector];
            fs.ReadSectors(l.FirstRootDirSector, data, metadata: true);
            d = new FatDirectory(fs, 0, null, data, path);
        }
        else
        {
            var chain = fs.Fat.ReadChain(first, path);
            if ((long)chain.Count * l.BytesPerCluster > (long)MaxSlots * 32 + l.BytesPerCluster)
                throw fs.Corrupt(path, $"directory of {chain.Count} clusters is larger than 65536 entries");
            var data = new byte[chain.Count * l.BytesPerCluster];
            fs.ReadClusters(chain, 0, data, metadata: true);
            d = new FatDirectory(fs, first, chain.ToList(), data, path);
        }
        d.EndSlot = d.Data.Length / 32;
        for (int i = 0; i < d.Data.Length / 32; i++)
            if (d.Data[i * 32] == 0)
            {
                d.EndSlot = i;
                Array.Clear(d.Data, i * 32, d.Data.Length - i * 32);
                break;
            }
        if (cache) fs.KeepDirectory(d);
        return d;
    }

    public int SlotCount => Data.Length / 32;

    /// <summary>File-system sector holding byte <paramref name="offset"/> of the directory.</summary>
    public ulong SectorOf(int offset)
    {
        int s = offset / _l.BytesPerSector;
        if (Clusters == null) return _l.FirstRootDirSector + (ulong)s;
        return _l.ClusterToSector(Clusters[s / _l.SectorsPerCluster]) + (ulong)(s % _l.SectorsPerCluster);
    }

    /// <summary>Writes the sectors that hold slots <paramref name="first"/>..first+count−1 after a change made in <see cref="Data"/>; the parse is redone on next use.</summary>
    public void WriteSlots(int first, int count)
    {
        Invalidate();
        WriteSlotsRaw(first, count);
    }

    // Consecutive sectors on the device go in one request.
    private void WriteSlotsRaw(int first, int count)
    {
        int bps = _l.BytesPerSector;
        int s0 = first * 32 / bps, s1 = ((first + count) * 32 - 1) / bps;
        int s = s0;
        while (s <= s1)
        {
            ulong sec = SectorOf(s * bps);
            int n = 1;
            while (s + n <= s1 && SectorOf((s + n) * bps) == sec + (ulong)n) n++;
            _fs.WriteSectors(sec, Data.AsSpan(s * bps, n * bps));
            s += n;
        }
    }

    /// <summary>Forgets the parse (it is redone from <see cref="Data"/> on next use).</summary>
    public void Invalidate()
    {
        _all = null; _bad = null; _byName = _byShort = null; _shorts = null;
    }

    /// <summary>
    /// Sectors <paramref name="sector"/>.. were written to the device with <paramref name="data"/>: copies what
    /// falls inside this directory into <see cref="Data"/>. A change to a short entry's fields (length, cluster,
    /// times, archive/read-only bits) updates its parsed entry; any other change returns false (the caller drops
    /// this directory, so it is read again).
    /// </summary>
    public bool Written(ulong sector, ReadOnlySpan<byte> data)
    {
        int bps = _l.BytesPerSector;
        ulong count = (ulong)(data.Length / bps);
        bool keep = true;
        for (int r = 0; r < _runSector.Length; r++)
        {
            ulong a = Math.Max(sector, _runSector[r]), b = Math.Min(sector + count, _runSector[r] + (ulong)_runCount[r]);
            if (a >= b) continue;
            int at = _runOffset[r] + (int)(a - _runSector[r]) * bps;
            var src = data.Slice((int)(a - sector) * bps, (int)(b - a) * bps);
            for (int k = 0; k < src.Length; k += 32)
            {
                var oldS = Data.AsSpan(at + k, 32);
                var newS = src.Slice(k, 32);
                if (oldS.SequenceEqual(newS)) continue;
                int slot = (at + k) / 32;
                bool fieldsOnly = slot < EndSlot && oldS[0] != 0 && oldS[0] != 0xE5 && oldS.Slice(0, 11).SequenceEqual(newS.Slice(0, 11)) &&
                    (oldS[11] & 0x3F) != AttrLongName && (newS[11] & 0x3F) != AttrLongName && ((oldS[11] ^ newS[11]) & (AttrDirectory | AttrVolumeId)) == 0;
                newS.CopyTo(oldS);
                if (_all == null) { if (!fieldsOnly) keep = false; continue; }
                int i = IndexOfSlot(slot);
                if (!fieldsOnly || i < 0 || !Decode(oldS, _all[i])) { Invalidate(); keep = false; }
            }
        }
        return keep;
    }

    private int IndexOfSlot(int slot)
    {
        int lo = 0, hi = _all.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            int v = _all[mid].Slot;
            if (v == slot) return mid;
            if (v < slot) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
    }

    // The fields of a short entry (not its name); false when they point outside the volume (the parse then throws).
    private bool Decode(ReadOnlySpan<byte> e, FatDirEntry d)
    {
        d.Attr = e[11]; d.NtRes = e[12]; d.CrtTenth = e[13];
        d.CrtTime = BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(14));
        d.CrtDate = BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(16));
        d.AccDate = BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(18));
        d.WrtTime = BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(22));
        d.WrtDate = BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(24));
        d.FirstCluster = BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(26));
        if (_l.Type == FatType.Fat32) d.FirstCluster |= (uint)BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(20)) << 16;
        d.Size = BinaryPrimitives.ReadUInt32LittleEndian(e.Slice(28));
        if (d.Name == "." || d.Name == "..") return true;
        if (d.FirstCluster != 0 && !_fs.Fat.IsValidCluster(d.FirstCluster)) return false;
        if (d.IsDirectory && d.FirstCluster == 0) return false;
        return d.IsDirectory || d.FirstCluster != 0 || d.Size == 0;
    }

    private void EnsureParsed()
    {
        if (_all != null) return;
        var bad = new List<string>();
        var all = ParseRange(0, EndSlot, bad);
        _bad = bad;
        _byName = new Dictionary<string, FatDirEntry>(StringComparer.OrdinalIgnoreCase);
        _byShort = new Dictionary<string, FatDirEntry>(StringComparer.OrdinalIgnoreCase);
        _shorts = new HashSet<string>(StringComparer.Ordinal);
        _duplicateNames = false;
        _all = all;
        foreach (var d in all) Index(d);
    }

    private static string Key(ReadOnlySpan<byte> shortName)
    {
        Span<char> c = stackalloc char[11];
        for (int i = 0; i < 11; i++) c[i] = (char)shortName[i];
        return new string(c);
    }

    private void Index(FatDirEntry d)
    {
        _shorts.Add(Key(d.Short));
        if (d.Name == "." || d.Name == "..") return;
        if (!_byName.TryAdd(d.Name, d)) _duplicateNames = true;
        if (!_byShort.TryAdd(FatNames.DecodeShort(d.Short, 0), d)) _duplicateNames = true;
    }

    /// <summary>
    /// Parses the live entries (without "." and ".." unless <paramref name="withDots"/>). Long names with a bad
    /// checksum or sequence are ignored (short name used) and reported through <paramref name="badLfn"/>.
    /// Entries pointing outside the volume throw Corrupt. The list is the directory's own: do not change it.
    /// </summary>
    public List<FatDirEntry> Parse(bool withDots = false, List<string> badLfn = null)
    {
        EnsureParsed();
        badLfn?.AddRange(_bad);
        if (withDots) return _all;
        var live = new List<FatDirEntry>(_all.Count);
        foreach (var d in _all) if (d.Name != "." && d.Name != "..") live.Add(d);
        return live;
    }

    // Parses slots start..end−1 (with "." and ".."); the volume label is looked for when starting at slot 0.
    private List<FatDirEntry> ParseRange(int start, int end, List<string> badLfn)
    {
        var list = new List<FatDirEntry>();
        char[] lfn = null;
        int lfnExpect = 0, lfnCount = 0, lfnStart = -1;
        byte lfnSum = 0;
        if (start == 0) { VolumeLabel = null; VolumeLabelSlot = -1; }
        for (int i = start; i < end; i++)
        {
            var e = Data.AsSpan(i * 32, 32);
            if (e[0] == 0xE5)
            {
                if (lfnStart >= 0) badLfn?.Add($"{Path}/: long-name entries at slot {lfnStart} are followed by a deleted entry");
                lfnStart = -1;
                continue;
            }
            byte attr = e[11];
            if ((attr & 0x3F) == AttrLongName)
            {
                int ord = e[0] & 0x1F;
                if ((e[0] & 0x40) != 0)
                {
                    if (lfnStart >= 0) badLfn?.Add($"{Path}/: long-name sequence at slot {lfnStart} is interrupted");
                    if (ord == 0 || ord > 20) { lfnStart = -1; badLfn?.Add($"{Path}/: long-name entry at slot {i} has order {ord}"); continue; }
                    lfnCount = ord; lfnExpect = ord; lfnSum = e[13]; lfnStart = i;
                    lfn = new char[ord * 13];
                }
                else if (lfnStart < 0 || ord != lfnExpect - 1 || e[13] != lfnSum)
                {
                    badLfn?.Add($"{Path}/: long-name entry at slot {i} is out of sequence or has another checksum");
                    lfnStart = -1;
                    continue;
                }
                lfnExpect = ord;
                int b = (ord - 1) * 13;
                for (int k = 0; k < 5; k++) lfn[b + k] = (char)BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(1 + 2 * k));
                for (int k = 0; k < 6; k++) lfn[b + 5 + k] = (char)BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(14 + 2 * k));
                for (int k = 0; k < 2; k++) lfn[b + 11 + k] = (char)BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(28 + 2 * k));
                continue;
            }
            if ((attr & AttrVolumeId) != 0)
            {
                if (lfnStart >= 0) badLfn?.Add($"{Path}/: long-name entries at slot {lfnStart} precede a volume label");
                lfnStart = -1;
                if (IsRoot && VolumeLabel == null) { VolumeLabel = FatNames.DecodeLabel(e.Slice(0, 11)); VolumeLabelSlot = i; }
                continue;
            }
            var d = new FatDirEntry();
            e.Slice(0, 11).CopyTo(d.Short);
            d.Slot = i;
            d.Attr = attr; d.NtRes = e[12]; d.CrtTenth = e[13];
            d.CrtTime = BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(14));
            d.CrtDate = BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(16));
            d.AccDate = BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(18));
            d.WrtTime = BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(22));
            d.WrtDate = BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(24));
            d.FirstCluster = BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(26));
            if (_l.Type == FatType.Fat32) d.FirstCluster |= (uint)BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(20)) << 16;
            d.Size = BinaryPrimitives.ReadUInt32LittleEndian(e.Slice(28));
            d.Sector = SectorOf(i * 32);
            d.Offset = i * 32 % _l.BytesPerSector;
            bool isDot = e[0] == '.' && (e.Slice(1, 10).IndexOfAnyExcept((byte)' ') < 0 || (e[1] == '.' && e.Slice(2, 9).IndexOfAnyExcept((byte)' ') < 0));
            string longName = null;
            if (lfnStart >= 0)
            {
                if (lfnExpect == 1 && FatNames.Checksum(d.Short) == lfnSum && lfnStart == i - lfnCount)
                {
                    int len = 0;
                    while (len < lfn.Length && lfn[len] != 0) len++;
                    var s = new string(lfn, 0, len);
                    if (FatNames.Validate(s) == null) { longName = s; d.LfnSlots = lfnCount; }
                    else badLfn?.Add($"{Path}/: long name before slot {i} is not a valid name");
                }
                else badLfn?.Add($"{Path}/: long-name entries before slot {i} have a bad checksum or are incomplete; short name used");
                lfnStart = -1;
            }
            if (isDot)
            {
                d.Name = e[1] == '.' ? ".." : ".";
                list.Add(d);
                continue;
            }
            d.Name = longName ?? FatNames.DecodeShort(d.Short, d.NtRes);
            if (d.FirstCluster != 0 && !_fs.Fat.IsValidCluster(d.FirstCluster))
                throw _fs.Corrupt(Join(Path, d.Name), $"entry points at cluster {d.FirstCluster}, outside 2..{_l.MaxCluster}");
            if (d.IsDirectory && d.FirstCluster == 0)
                throw _fs.Corrupt(Join(Path, d.Name), "directory entry has no cluster");
            if (!d.IsDirectory && d.FirstCluster == 0 && d.Size != 0)
                throw _fs.Corrupt(Join(Path, d.Name), $"file of {d.Size} bytes has no cluster");
            list.Add(d);
        }
        if (lfnStart >= 0) badLfn?.Add($"{Path}/: long-name entries at slot {lfnStart} have no short entry");
        return list;
    }

    /// <summary>
    /// The root's volume label (fatgen103 §6: the first live entry with ATTR_VOLUME_ID that is not a long-name
    /// entry), or null. Unlike <see cref="Parse"/> it does not validate the other entries, so it never throws.
    /// </summary>
    public string FindVolumeLabel()
    {
        if (!IsRoot) return null;
        for (int i = 0; i < EndSlot; i++)
        {
            var e = Data.AsSpan(i * 32, 32);
            if (e[0] == 0xE5 || (e[11] & 0x3F) == AttrLongName) continue;
            if ((e[11] & AttrVolumeId) != 0) return FatNames.DecodeLabel(e.Slice(0, 11));
        }
        return null;
    }

    public static string Join(string dir, string name) => dir.Length == 0 ? name : dir + "/" + name;

    /// <summary>Finds <paramref name="need"/> consecutive free slots, growing the directory by whole zeroed clusters if needed (NoSpace when it cannot).</summary>
    public int FindFree(int need)
    {
        int run = 0;
        for (int i = 0; i < SlotCount; i++)
        {
            byte b = Data[i * 32];
            if (b == 0xE5 || b == 0) { if (++run == need) return i - need + 1; }
            else run = 0;
        }
        if (Clusters == null) throw new FileSystemException(FileSystemError.NoSpace, Path, "the root directory is full");
        int missingBytes = (need - run) * 32;
        int add = (missingBytes + _l.BytesPerCluster - 1) / _l.BytesPerCluster;
        if (SlotCount + add * _l.BytesPerCluster / 32 > MaxSlots)
            throw new FileSystemException(FileSystemError.NoSpace, Path, "a directory holds at most 65536 entries");
        var added = _fs.Fat.Allocate(add, Clusters[Clusters.Count - 1], Path);
        var zero = new byte[_l.BytesPerCluster * added.Count];
        _fs.WriteClusters(added, zero, metadata: true);
        int start = SlotCount - run;
        var nd = new byte[Data.Length + zero.Length];
        Data.CopyTo(nd, 0);
        Data = nd;
        Clusters.AddRange(added);
        ComputeRuns();
        return start;
    }

    /// <summary>
    /// Builds the slots for <paramref name="name"/> (long-name entries when it is not an exact upper-case 8.3
    /// name) with a short name unique in this directory, and writes them. Returns the parsed entry.
    /// </summary>
    public FatDirEntry Add(string name, byte attr, uint firstCluster, uint size, DateTime now, FatDirEntry timesFrom = null)
    {
        EnsureParsed();
        var shortName = new byte[11];
        bool needLfn = !FatNames.TryExact83(name, shortName);
        if (needLfn || Contains(shortName))
        {
            Span<byte> basis = stackalloc byte[11];
            FatNames.Basis(name, basis, out bool lossy, out int baseLen);
            basis.CopyTo(shortName);
            if (lossy || Contains(shortName) || Taken83(shortName))
            {
                for (int n = 1; ; n++)
                {
                    if (n > 999999) throw new FileSystemException(FileSystemError.NoSpace, Join(Path, name), "no free short name");
                    FatNames.ApplyTail(basis, baseLen, n, shortName);
                    if (!Contains(shortName)) break;
                }
            }
            needLfn = true;
        }
        int lfnCount = needLfn ? (name.Length + 12) / 13 : 0;
        int slot = FindFree(lfnCount + 1);
        byte sum = FatNames.Checksum(shortName);
        for (int k = 0; k < lfnCount; k++)
        {
            int ord = lfnCount - k;
            var e = Data.AsSpan((slot + k) * 32, 32);
            e.Clear();
            e[0] = (byte)(ord | (k == 0 ? 0x40 : 0));
            e[11] = AttrLongName;
            e[13] = sum;
            for (int c = 0; c < 13; c++)
            {
                int idx = (ord - 1) * 13 + c;
                ushort ch = idx < name.Length ? name[idx] : idx == name.Length ? (ushort)0 : (ushort)0xFFFF;
                int off = c < 5 ? 1 + 2 * c : c < 11 ? 14 + 2 * (c - 5) : 28 + 2 * (c - 11);
                BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(off), ch);
            }
        }
        var s = Data.AsSpan((slot + lfnCount) * 32, 32);
        s.Clear();
        shortName.CopyTo(s);
        if (s[0] == 0xE5) s[0] = 0x05;
        s[11] = attr;
        if (timesFrom != null)
        {
            s[13] = timesFrom.CrtTenth;
            BinaryPrimitives.WriteUInt16LittleEndian(s.Slice(14), timesFrom.CrtTime);
            BinaryPrimitives.WriteUInt16LittleEndian(s.Slice(16), timesFrom.CrtDate);
            BinaryPrimitives.WriteUInt16LittleEndian(s.Slice(18), timesFrom.AccDate);
            BinaryPrimitives.WriteUInt16LittleEndian(s.Slice(22), timesFrom.WrtTime);
            BinaryPrimitives.WriteUInt16LittleEndian(s.Slice(24), timesFrom.WrtDate);
        }
        else
        {
            s[13] = FatNames.EncodeTenth(now);
            BinaryPrimitives.WriteUInt16LittleEndian(s.Slice(14), FatNames.EncodeTime(now));
            BinaryPrimitives.WriteUInt16LittleEndian(s.Slice(16), FatNames.EncodeDate(now));
            BinaryPrimitives.WriteUInt16LittleEndian(s.Slice(18), FatNames.EncodeDate(now));
            BinaryPrimitives.WriteUInt16LittleEndian(s.Slice(22), FatNames.EncodeTime(now));
            BinaryPrimitives.WriteUInt16LittleEndian(s.Slice(24), FatNames.EncodeDate(now));
        }
        SetCluster(s, firstCluster);
        BinaryPrimitives.WriteUInt32LittleEndian(s.Slice(28), size);
        int last = slot + lfnCount;
        // Keep the slot after the new entries an end marker when they were placed at the end.
        int writeCount = lfnCount + 1;
        if (last >= EndSlot)
        {
            EndSlot = last + 1;
            if (last + 1 < SlotCount) writeCount++;
        }
        WriteSlotsRaw(slot, writeCount);
        var added = ParseRange(slot, last + 1, null);
        if (added.Count != 1 || added[0].Slot != last) { Invalidate(); throw _fs.Corrupt(Path, "a new entry did not read back"); }
        var entry = added[0];
        int at = _all.Count;
        while (at > 0 && _all[at - 1].Slot > last) at--;
        _all.Insert(at, entry);
        Index(entry);
        return entry;
    }

    private bool Contains(byte[] shortName) => _shorts.Contains(Key(shortName));

    // A basis name must not equal another entry's long name read as 8.3 (e.g. "FOO.TXT" as long name of FOO~1.TXT).
    private bool Taken83(byte[] shortName) => _byName.ContainsKey(FatNames.DecodeShort(shortName, 0));

    public void SetCluster(Span<byte> entry, uint cluster)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(entry.Slice(26), (ushort)cluster);
        BinaryPrimitives.WriteUInt16LittleEndian(entry.Slice(20), _l.Type == FatType.Fat32 ? (ushort)(cluster >> 16) : (ushort)0);
    }

    /// <summary>Marks the slots of <paramref name="d"/> (long-name ones too) deleted and writes them.</summary>
    public void Remove(FatDirEntry d)
    {
        int first = d.Slot - d.LfnSlots;
        for (int i = first; i <= d.Slot; i++) Data[i * 32] = 0xE5;
        if (_all != null)
        {
            int i = IndexOfSlot(d.Slot);
            if (i < 0 || _all[i] != d || _duplicateNames) Invalidate();
            else
            {
                _all.RemoveAt(i);
                _shorts.Remove(Key(d.Short));
                _byName.Remove(d.Name);
                _byShort.Remove(FatNames.DecodeShort(d.Short, 0));
            }
        }
        WriteSlotsRaw(first, d.Slot - first + 1);
    }

    /// <summary>The entry named <paramref name="name"/> (case-insensitively, by long name or else by short name, as Windows does), or null.</summary>
    public FatDirEntry Find(string name)
    {
        EnsureParsed();
        return _byName.TryGetValue(name, out var d) ? d : _byShort.TryGetValue(name, out d) ? d : null;
    }
}
