using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace Cosmos.Network.Fuzz;

/// <summary>
/// The classic libpcap file format (what tcpdump -w writes): a 24-octet global header (magic 0xA1B2C3D4 for
/// microsecond or 0xA1B23C4D for nanosecond time stamps, written in the capturing machine's byte order; version;
/// zone; sigfigs; snaplen; link type) followed by records of a 16-octet header (seconds, fraction, captured length,
/// original length) and the captured octets. Only link type 1 (Ethernet) is read. pcapng is not supported.
/// </summary>
public static class Pcap
{
    /// <summary>Link type 1: Ethernet (DLT_EN10MB).</summary>
    public const uint LinkTypeEthernet = 1;
    private const uint MagicMicroseconds = 0xA1B2C3D4;
    private const uint MagicNanoseconds = 0xA1B23C4D;

    /// <summary>Reads every frame of a pcap file. Throws <see cref="InvalidDataException"/> for another format, another link type or a cut record.</summary>
    public static List<byte[]> Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < 24) throw new InvalidDataException("pcap: shorter than the global header");
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        bool little;
        if (magic == MagicMicroseconds || magic == MagicNanoseconds) little = true;
        else if (BinaryPrimitives.ReverseEndianness(magic) is MagicMicroseconds or MagicNanoseconds) little = false;
        else throw new InvalidDataException($"pcap: unknown magic 0x{magic:X8} (pcapng is not supported)");
        uint U32(ReadOnlySpan<byte> s) => little ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);
        uint linkType = U32(file.Slice(20)) & 0xFFFF;
        if (linkType != LinkTypeEthernet) throw new InvalidDataException($"pcap: link type {linkType}, only Ethernet (1) is read");
        var frames = new List<byte[]>();
        int pos = 24;
        while (pos < file.Length)
        {
            if (pos + 16 > file.Length) throw new InvalidDataException($"pcap: record header cut at offset {pos}");
            uint captured = U32(file.Slice(pos + 8));
            pos += 16;
            if (captured > 262144 || pos + captured > file.Length) throw new InvalidDataException($"pcap: record of {captured} octets cut at offset {pos}");
            frames.Add(file.Slice(pos, (int)captured).ToArray());
            pos += (int)captured;
        }
        return frames;
    }

    /// <summary>Writes frames as a little-endian microsecond pcap (link type Ethernet), one per millisecond from time 0, so failures open in any pcap reader.</summary>
    public static byte[] Write(IReadOnlyList<byte[]> frames)
    {
        var ms = new MemoryStream();
        Span<byte> h = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(h, MagicMicroseconds);
        BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h.Slice(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(12), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(16), 262144);
        BinaryPrimitives.WriteUInt32LittleEndian(h.Slice(20), LinkTypeEthernet);
        ms.Write(h);
        Span<byte> r = stackalloc byte[16];
        for (int i = 0; i < frames.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(r, (uint)(i / 1000));
            BinaryPrimitives.WriteUInt32LittleEndian(r.Slice(4), (uint)(i % 1000 * 1000));
            BinaryPrimitives.WriteUInt32LittleEndian(r.Slice(8), (uint)frames[i].Length);
            BinaryPrimitives.WriteUInt32LittleEndian(r.Slice(12), (uint)frames[i].Length);
            ms.Write(r);
            ms.Write(frames[i]);
        }
        return ms.ToArray();
    }
}
