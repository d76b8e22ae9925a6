using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Cosmos.FileSystem.Iso9660;

/// <summary>
/// A read-only ISO9660 volume (ECMA-119, 4th edition) with the Joliet extension (UCS-2 names, preferred when present)
/// and Rock Ridge NM names (IEEE P1282 / SUSP, used when there is no Joliet tree). Works on any
/// <see cref="IBlockDevice"/> whose sector size divides or is a multiple of 2048 (a CD's 2048-byte sectors, or a
/// 512-byte view of an image): byte offsets are translated. Every walk is bounded by the volume size: directory
/// extents and file extents must lie inside the volume, records must not cross logical blocks (ECMA-119 §6.8.1.1),
/// directories are at most <see cref="MaxDirectoryBytes"/>. Every write throws
/// <see cref="FileSystemException"/> with <see cref="FileSystemError.ReadOnly"/>; inconsistencies met while reading
/// throw <see cref="FileSystemError.Corrupt"/>.
/// </summary>
public sealed class Iso9660FileSystem : FileSystemVolume
{
    /// <summary>Size of the sectors the volume descriptor set is addressed in (ECMA-119 §6.1.2), in bytes.</summary>
    public const int DescriptorSectorSize = 2048;

    /// <summary>First sector of the volume descriptor set (ECMA-119 §6.2.1: the system area is sectors 0–15).</summary>
    public const int FirstDescriptorSector = 16;

    /// <summary>Most volume descriptors read before giving up on finding the terminator.</summary>
    public const int MaxDescriptors = 64;

    /// <summary>Largest directory extent read, in bytes (larger ones are judged corrupt).</summary>
    public const int MaxDirectoryBytes = 16 << 20;

    /// <summary>Most extents a multi-extent file may have (ECMA-119 §6.5.1 / flags bit 7).</summary>
    public const int MaxExtentsPerFile = 4096;

    private readonly IBlockDevice _device;
    private readonly ulong _deviceBytes;
    private readonly ulong _volumeBytes;
    private readonly int _blockSize;
    private readonly bool _joliet;
    private readonly bool _rockRidge;
    private readonly int _suspSkip;
    private readonly Node _root;
    private readonly string _label;
    private readonly List<string> _warnings = new();
    private readonly Dictionary<ulong, List<Node>> _dirCache = new();

    private sealed class Node
    {
        public string Name;
        public bool IsDirectory;
        public bool Hidden;
        public long Length;
        public DateTime Time;
        public byte UnitSize;
        public List<(ulong lba, uint length)> Extents = new(1);
    }

    private Iso9660FileSystem(IBlockDevice device, ulong deviceBytes, ulong volumeBytes, int blockSize, bool joliet,
        bool rockRidge, int suspSkip, Node root, string label, List<string> warnings)
    {
        _device = device;
        _deviceBytes = deviceBytes;
        _volumeBytes = volumeBytes;
        _blockSize = blockSize;
        _joliet = joliet;
        _rockRidge = rockRidge;
        _suspSkip = suspSkip;
        _root = root;
        _label = label;
        _warnings.AddRange(warnings);
    }

    /// <summary>
    /// Mounts the ISO9660 volume on <paramref name="device"/>: finds the Primary Volume Descriptor (ECMA-119 §8.4) and a
    /// Joliet Supplementary Volume Descriptor (escape sequence %/@, %/C or %/E in its §8.5.6 field) in the descriptor set
    /// from sector 16, and uses the Joliet tree when there is one.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="device"/> is null.</exception>
    /// <exception cref="FileSystemException">Corrupt when the device holds no valid ISO9660 volume (the message says what is wrong); DeviceError when the device fails.</exception>
    public static Iso9660FileSystem Mount(IBlockDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!TryMount(device, out Iso9660FileSystem fs, out string error))
            throw new FileSystemException(FileSystemError.Corrupt, "", error);
        return fs;
    }

    /// <summary>
    /// Like <see cref="Mount"/> but returns false with <paramref name="error"/> naming the field and value when the
    /// device holds no valid ISO9660 volume. Device failures still throw <see cref="FileSystemException"/> (DeviceError).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="device"/> is null.</exception>
    public static bool TryMount(IBlockDevice device, out Iso9660FileSystem fs, out string error)
    {
        ArgumentNullException.ThrowIfNull(device);
        fs = null;
        int ss = device.SectorSize;
        if (ss <= 0 || (ss & (ss - 1)) != 0)
        {
            error = $"sector size {ss} is not a power of two";
            return false;
        }
        ulong deviceBytes = device.SectorCount > ulong.MaxValue / (ulong)ss ? ulong.MaxValue : device.SectorCount * (ulong)ss;
        var warnings = new List<string>();
        byte[] pvd = null, svd = null;
        var vd = new byte[DescriptorSectorSize];
        for (int i = 0; i < MaxDescriptors; i++)
        {
            ulong offset = (ulong)(FirstDescriptorSector + i) * DescriptorSectorSize;
            if (offset + DescriptorSectorSize > deviceBytes)
            {
                if (i == 0) { error = $"device of {deviceBytes} bytes ends before the volume descriptor set at byte {offset}"; return false; }
                warnings.Add("volume descriptor set ends at the end of the device without a terminator");
                break;
            }
            ReadBytes(device, deviceBytes, offset, vd);
            if (vd[1] != (byte)'C' || vd[2] != (byte)'D' || vd[3] != (byte)'0' || vd[4] != (byte)'0' || vd[5] != (byte)'1')
            {
                if (i == 0) { error = "no \"CD001\" standard identifier at sector 16"; return false; }
                warnings.Add($"volume descriptor {i} has no \"CD001\" identifier; set ends there");
                break;
            }
            byte type = vd[0];
            if (type == 255) break;
            if (type == 1 && pvd == null && vd[6] == 1) pvd = (byte[])vd.Clone();
            else if (type == 2 && svd == null && vd[6] == 1 && IsJolietEscape(vd.AsSpan(88, 32))) svd = (byte[])vd.Clone();
            if (i == MaxDescriptors - 1) warnings.Add($"no volume descriptor set terminator in the first {MaxDescriptors} descriptors");
        }
        if (pvd == null)
        {
            error = "no primary volume descriptor (type 1, version 1)";
            return false;
        }
        int blockSize = BinaryPrimitives.ReadUInt16LittleEndian(pvd.AsSpan(128));
        if (blockSize < 512 || blockSize > 2048 || (blockSize & (blockSize - 1)) != 0)
        {
            error = $"logical block size {blockSize} is not 512, 1024 or 2048";
            return false;
        }
        uint spaceBlocks = BinaryPrimitives.ReadUInt32LittleEndian(pvd.AsSpan(80));
        ulong volumeBytes = (ulong)spaceBlocks * (ulong)blockSize;
        if (volumeBytes > deviceBytes)
        {
            warnings.Add($"volume space size {spaceBlocks} blocks ({volumeBytes} bytes) passes the device ({deviceBytes} bytes); reads are bounded by the device");
            volumeBytes = deviceBytes;
        }

        byte[] desc = pvd;
        bool joliet = false;
        if (svd != null && BinaryPrimitives.ReadUInt16LittleEndian(svd.AsSpan(128)) == blockSize)
        {
            if (TryRoot(svd, true, volumeBytes, blockSize, out _, out string jerr))
            {
                desc = svd;
                joliet = true;
            }
            else
                warnings.Add($"Joliet descriptor ignored: {jerr}");
        }
        if (!TryRoot(desc, joliet, volumeBytes, blockSize, out Node root, out error))
            return false;

        string label = joliet ? DecodeUcs2(desc.AsSpan(40, 32)) : DecodeAscii(desc.AsSpan(40, 32));
        label = label.TrimEnd(' ', '\0');

        // Rock Ridge: the root's "." record starts its system use area with SUSP's SP entry (SUSP 1.12 §5.3).
        bool rr = false;
        int skip = 0;
        if (!joliet)
        {
            try
            {
                ulong dirOffset = root.Extents[0].lba * (ulong)blockSize;
                var first = new byte[blockSize];
                if (dirOffset + (ulong)blockSize <= volumeBytes)
                {
                    ReadBytes(device, deviceBytes, dirOffset, first);
                    int len = first[0], nameLen = first[32];
                    int su = 33 + nameLen + ((nameLen & 1) == 0 ? 1 : 0);
                    if (len >= 34 && su + 7 <= len && first[su] == (byte)'S' && first[su + 1] == (byte)'P' && first[su + 4] == 0xBE && first[su + 5] == 0xEF)
                    {
                        rr = true;
                        skip = first[su + 6];
                    }
                }
            }
            catch (FileSystemException e) when (e.Error == FileSystemError.Corrupt)
            {
                warnings.Add("root directory unreadable while looking for Rock Ridge: " + e.Message);
            }
        }
        fs = new Iso9660FileSystem(device, deviceBytes, volumeBytes, blockSize, joliet, rr, skip, root, label, warnings);
        error = null;
        return true;
    }

    private static bool IsJolietEscape(ReadOnlySpan<byte> esc) =>
        esc[0] == (byte)'%' && esc[1] == (byte)'/' && (esc[2] == (byte)'@' || esc[2] == (byte)'C' || esc[2] == (byte)'E');

    private static bool TryRoot(byte[] desc, bool joliet, ulong volumeBytes, int blockSize, out Node root, out string error)
    {
        root = null;
        ReadOnlySpan<byte> r = desc.AsSpan(156, 34);
        if (r[0] < 34) { error = $"root directory record length {r[0]} is below 34"; return false; }
        if ((r[25] & 2) == 0) { error = "root directory record lacks the directory flag"; return false; }
        uint lba = BinaryPrimitives.ReadUInt32LittleEndian(r.Slice(2));
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(r.Slice(10));
        ulong ear = r[1];
        ulong start = ((ulong)lba + ear) * (ulong)blockSize;
        if (size == 0 || size > MaxDirectoryBytes || start >= volumeBytes || size > volumeBytes - start)
        {
            error = $"root directory extent at block {lba} ({size} bytes) is outside the volume ({volumeBytes} bytes) or too large";
            return false;
        }
        root = new Node { Name = "", IsDirectory = true, Length = size, Time = DecodeTime(r.Slice(18, 7)) };
        root.Extents.Add((lba + ear, size));
        error = null;
        return true;
    }

    // ---------------------------------------------------------------- FileSystemVolume

    /// <inheritdoc/>
    public override string TypeName => "ISO9660";

    /// <summary>The volume identifier (ECMA-119 §8.4.6; the Joliet descriptor's when the Joliet tree is used), trailing spaces removed. Setting throws ReadOnly.</summary>
    public override string Label
    {
        get => _label;
        set => throw ReadOnlyError("");
    }

    /// <summary>Volume space size × logical block size, in bytes (bounded by the device).</summary>
    public override long TotalSize => (long)Math.Min(_volumeBytes, long.MaxValue);

    /// <summary>Always 0: nothing can be written.</summary>
    public override long AvailableFreeSpace => 0;

    /// <summary>Always true.</summary>
    public override bool IsReadOnly => true;

    /// <inheritdoc/>
    public override IReadOnlyList<string> Warnings => _warnings;

    /// <summary>True when the names come from the Joliet supplementary volume descriptor's tree.</summary>
    public bool IsJoliet => _joliet;

    /// <summary>True when Rock Ridge (SUSP) was detected on the primary tree and NM names are used.</summary>
    public bool HasRockRidge => _rockRidge;

    /// <summary>Logical block size in bytes (ECMA-119 §8.4.12), normally 2048.</summary>
    public int LogicalBlockSize => _blockSize;

    /// <inheritdoc/>
    public override FileEntryInfo? GetEntry(string path)
    {
        Node n = Resolve(path, out bool lastMissing);
        return lastMissing ? null : ToInfo(n);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<FileEntryInfo> ListDirectory(string path)
    {
        Node n = Resolve(path, out bool lastMissing);
        if (lastMissing) throw new FileSystemException(FileSystemError.PathNotFound, path ?? "");
        if (!n.IsDirectory) throw new FileSystemException(FileSystemError.NotADirectory, path ?? "");
        List<Node> children = ReadDirectory(n, path ?? "");
        var result = new List<FileEntryInfo>(children.Count);
        foreach (Node c in children) result.Add(ToInfo(c));
        return result;
    }

    /// <summary>Opens a file for reading. Throws ReadOnly when <paramref name="writable"/>, NotFound, IsADirectory, and Corrupt when an extent lies outside the volume or the file is interleaved (not supported).</summary>
    public override FileSystemFile OpenFile(string path, bool writable)
    {
        if (writable) throw ReadOnlyError(path);
        Node n = Resolve(path, out bool lastMissing);
        if (lastMissing) throw new FileSystemException(FileSystemError.NotFound, path ?? "");
        if (n.IsDirectory) throw new FileSystemException(FileSystemError.IsADirectory, path ?? "");
        if (n.UnitSize != 0) throw new FileSystemException(FileSystemError.Corrupt, path, "interleaved files (file unit size " + n.UnitSize + ") are not supported");
        foreach (var (lba, length) in n.Extents)
        {
            ulong start = lba * (ulong)_blockSize;
            if (start > _volumeBytes || length > _volumeBytes - start)
                throw new FileSystemException(FileSystemError.Corrupt, path, $"file extent at block {lba} ({length} bytes) passes the volume end ({_volumeBytes} bytes)");
        }
        return new IsoFile(this, n, path);
    }

    /// <summary>Throws ReadOnly.</summary>
    public override void CreateDirectory(string path) => throw ReadOnlyError(path);
    /// <summary>Throws ReadOnly.</summary>
    public override void CreateFile(string path) => throw ReadOnlyError(path);
    /// <summary>Throws ReadOnly.</summary>
    public override void DeleteFile(string path) => throw ReadOnlyError(path);
    /// <summary>Throws ReadOnly.</summary>
    public override void DeleteDirectory(string path) => throw ReadOnlyError(path);
    /// <summary>Throws ReadOnly.</summary>
    public override void Rename(string oldPath, string newPath, bool replace) => throw ReadOnlyError(oldPath);
    /// <summary>Throws ReadOnly.</summary>
    public override void SetAttributes(string path, FileAttributes attributes) => throw ReadOnlyError(path);
    /// <summary>Throws ReadOnly.</summary>
    public override void SetTimes(string path, DateTime? creationUtc, DateTime? lastAccessUtc, DateTime? lastWriteUtc) => throw ReadOnlyError(path);

    /// <summary>Nothing to write: a no-op.</summary>
    public override void Flush() { }

    private static FileSystemException ReadOnlyError(string path) =>
        new FileSystemException(FileSystemError.ReadOnly, path ?? "", "ISO9660 volumes are read-only");

    private static FileEntryInfo ToInfo(Node n)
    {
        FileAttributes a = FileAttributes.ReadOnly | (n.IsDirectory ? FileAttributes.Directory : 0) | (n.Hidden ? FileAttributes.Hidden : 0);
        return new FileEntryInfo(n.Name, n.IsDirectory, n.IsDirectory ? 0 : n.Length, a, n.Time, n.Time, n.Time);
    }

    // ---------------------------------------------------------------- paths and directories

    private Node Resolve(string path, out bool lastMissing)
    {
        lastMissing = false;
        path ??= "";
        Node cur = _root;
        string[] parts = path.Split('/', '\\');
        int last = parts.Length - 1;
        while (last >= 0 && parts[last].Length == 0) last--;
        for (int i = 0; i <= last; i++)
        {
            string comp = parts[i];
            if (comp.Length == 0 || comp == ".") continue;
            if (!cur.IsDirectory)
                throw new FileSystemException(FileSystemError.NotADirectory, path);
            Node next = null;
            foreach (Node c in ReadDirectory(cur, path))
                if (string.Equals(c.Name, comp, StringComparison.OrdinalIgnoreCase)) { next = c; break; }
            if (next == null)
            {
                if (i == last) { lastMissing = true; return cur; }
                throw new FileSystemException(FileSystemError.PathNotFound, path);
            }
            cur = next;
        }
        return cur;
    }

    private List<Node> ReadDirectory(Node dir, string path)
    {
        ulong lba = dir.Extents[0].lba;
        if (_dirCache.TryGetValue(lba, out List<Node> cached)) return cached;
        uint size = dir.Extents[0].length;
        ulong start = lba * (ulong)_blockSize;
        if (size > MaxDirectoryBytes || start > _volumeBytes || size > _volumeBytes - start)
            throw new FileSystemException(FileSystemError.Corrupt, path, $"directory extent at block {lba} ({size} bytes) is outside the volume or larger than {MaxDirectoryBytes} bytes");
        var data = new byte[size];
        ReadBytes(_device, _deviceBytes, start, data);
        var result = new List<Node>();
        Node pending = null; // a multi-extent file waiting for its last record
        int pos = 0;
        while (pos < data.Length)
        {
            int blockEnd = Math.Min((pos / _blockSize + 1) * _blockSize, data.Length);
            int len = data[pos];
            if (len == 0) { pos = blockEnd; continue; }
            if (len < 34 || pos + len > blockEnd)
                throw new FileSystemException(FileSystemError.Corrupt, path, $"directory record at byte {pos} of the directory at block {lba}: length {len} is below 34 or crosses the logical block");
            ReadOnlySpan<byte> r = data.AsSpan(pos, len);
            pos += len;
            int nameLen = r[32];
            if (33 + nameLen > len)
                throw new FileSystemException(FileSystemError.Corrupt, path, $"directory record in the directory at block {lba}: name length {nameLen} passes the record length {len}");
            if (nameLen == 1 && (r[33] == 0 || r[33] == 1)) continue; // "." and ".."
            byte flags = r[25];
            uint ext = BinaryPrimitives.ReadUInt32LittleEndian(r.Slice(2));
            uint extLen = BinaryPrimitives.ReadUInt32LittleEndian(r.Slice(10));
            ulong extLba = (ulong)ext + r[1];
            bool isDir = (flags & 2) != 0;
            string name = DecodeName(r, nameLen, isDir);
            if (pending != null)
            {
                if (string.Equals(pending.Name, name, StringComparison.Ordinal) && !isDir && pending.Extents.Count < MaxExtentsPerFile)
                {
                    pending.Extents.Add((extLba, extLen));
                    pending.Length += extLen;
                    if ((flags & 0x80) == 0) { result.Add(pending); pending = null; }
                    continue;
                }
                result.Add(pending); // a broken multi-extent chain: keep what was found
                pending = null;
            }
            if (name.Length == 0) continue;
            var node = new Node
            {
                Name = name,
                IsDirectory = isDir,
                Hidden = (flags & 1) != 0,
                Length = extLen,
                Time = DecodeTime(r.Slice(18, 7)),
                UnitSize = r[26],
            };
            node.Extents.Add((extLba, extLen));
            if (isDir && extLen == 0) continue; // a directory without an extent cannot be listed
            if ((flags & 0x80) != 0 && !isDir) pending = node;
            else result.Add(node);
        }
        if (pending != null) result.Add(pending);
        _dirCache[lba] = result;
        return result;
    }

    private string DecodeName(ReadOnlySpan<byte> record, int nameLen, bool isDir)
    {
        if (_rockRidge)
        {
            int su = 33 + nameLen + ((nameLen & 1) == 0 ? 1 : 0) + _suspSkip;
            string nm = RockRidgeName(record, su);
            if (nm != null) return nm;
        }
        string name = _joliet ? DecodeUcs2(record.Slice(33, nameLen & ~1)) : DecodeAscii(record.Slice(33, nameLen));
        int semi = name.LastIndexOf(';');
        if (semi >= 0) name = name.Substring(0, semi);
        if (!isDir && name.Length > 1 && name[name.Length - 1] == '.') name = name.Substring(0, name.Length - 1);
        // Names are components: never let one contain a separator or be "."/"..".
        if (name.IndexOf('/') >= 0 || name.IndexOf('\\') >= 0 || name.IndexOf('\0') >= 0 || name == "." || name == "..")
            name = name.Replace('/', '_').Replace('\\', '_').Replace('\0', '_');
        if (name == "." || name == "..") name = "_";
        return name;
    }

    /// <summary>Most SUSP continuation areas (CE entries, SUSP 1.12 §5.1) followed for one record.</summary>
    public const int MaxContinuationAreas = 8;

    /// <summary>
    /// The Rock Ridge alternate name (RRIP 1.12 §4.1.4, NM entries, joined while CONTINUE is set) in a record's system
    /// use area and its continuation areas (SUSP 1.12 §5.1 CE: block, offset, length; each inside one logical block of
    /// the volume, at most <see cref="MaxContinuationAreas"/>), or null when there is none or it is unusable.
    /// </summary>
    private string RockRidgeName(ReadOnlySpan<byte> record, int su)
    {
        List<byte> bytes = null;
        ReadOnlySpan<byte> area = record;
        int pos = su;
        for (int hops = 0; ; hops++)
        {
            bool haveCe = false, complete = false;
            ulong ceBlock = 0;
            uint ceOffset = 0, ceLength = 0;
            while (pos + 4 <= area.Length)
            {
                int len = area[pos + 2];
                if (len < 4 || pos + len > area.Length) break;
                byte a = area[pos], b = area[pos + 1];
                if (a == 'S' && b == 'T') break;
                if (a == 'C' && b == 'E' && len >= 28)
                {
                    haveCe = true;
                    ceBlock = BinaryPrimitives.ReadUInt32LittleEndian(area.Slice(pos + 4));
                    ceOffset = BinaryPrimitives.ReadUInt32LittleEndian(area.Slice(pos + 12));
                    ceLength = BinaryPrimitives.ReadUInt32LittleEndian(area.Slice(pos + 20));
                }
                else if (a == 'N' && b == 'M' && len >= 5)
                {
                    byte flags = area[pos + 4];
                    if ((flags & 6) != 0) return null; // "." / ".." alternates
                    bytes ??= new List<byte>();
                    for (int i = pos + 5; i < pos + len; i++) bytes.Add(area[i]);
                    if ((flags & 1) == 0) { complete = true; break; }
                }
                pos += len;
            }
            if (complete || !haveCe || hops >= MaxContinuationAreas) break;
            ulong start = ceBlock * (ulong)_blockSize + ceOffset;
            if (ceLength == 0 || ceOffset >= (uint)_blockSize || ceLength > (uint)_blockSize - ceOffset || start + ceLength > _volumeBytes)
                break;
            var next = new byte[ceLength];
            try
            {
                ReadBytes(_device, _deviceBytes, start, next);
            }
            catch (FileSystemException e) when (e.Error == FileSystemError.Corrupt)
            {
                break;
            }
            area = next;
            pos = 0;
        }
        if (bytes == null || bytes.Count == 0) return null;
        string s = Encoding.UTF8.GetString(bytes.ToArray());
        if (s.IndexOf('/') >= 0 || s.IndexOf('\0') >= 0 || s.IndexOf('\\') >= 0 || s == "." || s == "..") return null;
        return s;
    }

    private static string DecodeAscii(ReadOnlySpan<byte> b)
    {
        var c = new char[b.Length];
        for (int i = 0; i < b.Length; i++) c[i] = (char)b[i];
        return new string(c);
    }

    private static string DecodeUcs2(ReadOnlySpan<byte> b)
    {
        var c = new char[b.Length / 2];
        for (int i = 0; i < c.Length; i++) c[i] = (char)((b[2 * i] << 8) | b[2 * i + 1]);
        return new string(c);
    }

    /// <summary>ECMA-119 §9.1.5 recording date and time, converted to UTC; <c>default</c> when a field is out of range.</summary>
    private static DateTime DecodeTime(ReadOnlySpan<byte> t)
    {
        int year = 1900 + t[0], month = t[1], day = t[2], hour = t[3], minute = t[4], second = t[5];
        int offset = (sbyte)t[6];
        if (month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59 || offset < -48 || offset > 52)
            return default;
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
        return local.AddMinutes(-15 * offset);
    }

    // ---------------------------------------------------------------- bytes

    private static void ReadBytes(IBlockDevice device, ulong deviceBytes, ulong offset, Span<byte> dst)
    {
        if (offset > deviceBytes || (ulong)dst.Length > deviceBytes - offset)
            throw new FileSystemException(FileSystemError.Corrupt, "", $"read of {dst.Length} bytes at byte {offset} passes the device end ({deviceBytes} bytes)");
        int ss = device.SectorSize;
        try
        {
            while (dst.Length > 0)
            {
                ulong sector = offset / (ulong)ss;
                int within = (int)(offset % (ulong)ss);
                if (within == 0 && dst.Length >= ss)
                {
                    int whole = Math.Min(dst.Length / ss, 128) * ss;
                    device.Read(sector, dst.Slice(0, whole));
                    dst = dst.Slice(whole);
                    offset += (ulong)whole;
                    continue;
                }
                var tmp = new byte[ss];
                device.Read(sector, tmp);
                int n = Math.Min(ss - within, dst.Length);
                tmp.AsSpan(within, n).CopyTo(dst);
                dst = dst.Slice(n);
                offset += (ulong)n;
            }
        }
        catch (FileSystemException)
        {
            throw;
        }
        catch (IOException e)
        {
            throw new FileSystemException(FileSystemError.DeviceError, "", $"reading byte {offset}: {e.Message}", e);
        }
    }

    private sealed class IsoFile : FileSystemFile
    {
        private readonly Iso9660FileSystem _fs;
        private readonly Node _node;
        private readonly string _path;
        private bool _disposed;

        public IsoFile(Iso9660FileSystem fs, Node node, string path)
        {
            _fs = fs;
            _node = node;
            _path = path;
        }

        public override long Length => _node.Length;

        public override bool CanWrite => false;

        public override int Read(long offset, Span<byte> buffer)
        {
            if (_disposed) throw new ObjectDisposedException(nameof(FileSystemFile));
            if (offset < 0) throw new ArgumentOutOfRangeException(nameof(offset), offset, "negative file offset");
            int total = 0;
            long extentStart = 0;
            foreach (var (lba, length) in _node.Extents)
            {
                if (buffer.Length == 0) break;
                long extentEnd = extentStart + length;
                if (offset < extentEnd)
                {
                    long within = offset - extentStart;
                    int n = (int)Math.Min(buffer.Length, extentEnd - offset);
                    ReadBytes(_fs._device, _fs._deviceBytes, lba * (ulong)_fs._blockSize + (ulong)within, buffer.Slice(0, n));
                    buffer = buffer.Slice(n);
                    offset += n;
                    total += n;
                }
                extentStart = extentEnd;
            }
            return total;
        }

        public override void Write(long offset, ReadOnlySpan<byte> buffer) => throw ReadOnlyError(_path);

        public override void SetLength(long length) => throw ReadOnlyError(_path);

        public override void Flush() { }

        public override void Dispose() => _disposed = true;
    }
}
