using System;
using System.Text;

namespace Cosmos.FileSystem.Fat;

/// <summary>
/// Name rules of FAT directories: 8.3 short names, VFAT long names and their checksum, short-name generation with
/// numeric tails, volume labels, and the FAT date/time encoding (fatgen103 §6 and §7).
/// </summary>
internal static class FatNames
{
    /// <summary>Longest long name in UTF-16 code units (fatgen103 §7).</summary>
    public const int MaxLongName = 255;

    /// <summary>True when <paramref name="c"/> may appear in a long name (fatgen103 §7: not a control character or one of "*/:&lt;&gt;?\|).</summary>
    public static bool IsValidLongChar(char c) =>
        c >= 0x20 && c != '"' && c != '*' && c != '/' && c != ':' && c != '<' && c != '>' && c != '?' && c != '\\' && c != '|' && c != 0x7F;

    /// <summary>True when <paramref name="c"/> (already upper case) may appear in a short name this library writes.</summary>
    public static bool IsValidShortChar(char c) =>
        (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '$' || c == '%' || c == '\'' || c == '-' || c == '_' ||
        c == '@' || c == '~' || c == '`' || c == '!' || c == '(' || c == ')' || c == '{' || c == '}' || c == '^' ||
        c == '#' || c == '&';

    /// <summary>
    /// Checks a name to create. Returns null when fine, otherwise the error: InvalidName for empty, "." or "..",
    /// characters FAT cannot store, trailing dot or space; NameTooLong above 255 characters.
    /// </summary>
    public static FileSystemError? Validate(string name)
    {
        if (string.IsNullOrEmpty(name) || name == "." || name == "..") return FileSystemError.InvalidName;
        if (name.Length > MaxLongName) return FileSystemError.NameTooLong;
        foreach (char c in name)
            if (!IsValidLongChar(c)) return FileSystemError.InvalidName;
        char last = name[name.Length - 1];
        if (last == '.' || last == ' ') return FileSystemError.InvalidName;
        return null;
    }

    /// <summary>
    /// When <paramref name="name"/> is exactly a valid upper-case 8.3 name, writes its 11-byte form and returns
    /// true: it is then stored without long-name entries.
    /// </summary>
    public static bool TryExact83(string name, Span<byte> shortName)
    {
        int dot = name.IndexOf('.');
        string b = dot < 0 ? name : name.Substring(0, dot);
        string e = dot < 0 ? "" : name.Substring(dot + 1);
        if (b.Length == 0 || b.Length > 8 || e.Length > 3 || (dot >= 0 && e.Length == 0) || e.IndexOf('.') >= 0) return false;
        foreach (char c in b) if (!IsValidShortChar(c)) return false;
        foreach (char c in e) if (!IsValidShortChar(c)) return false;
        shortName.Fill((byte)' ');
        for (int i = 0; i < b.Length; i++) shortName[i] = (byte)b[i];
        for (int i = 0; i < e.Length; i++) shortName[8 + i] = (byte)e[i];
        return true;
    }

    /// <summary>
    /// The basis name of fatgen103 §7 "Basis-Name Generation" for <paramref name="name"/>: upper case, characters
    /// a short name cannot hold replaced by '_', spaces and leading periods removed, base cut to 8 and extension to 3.
    /// <paramref name="lossy"/> says whether the result lost information (then a numeric tail is mandatory).
    /// </summary>
    public static void Basis(string name, Span<byte> basis, out bool lossy, out int baseLength)
    {
        lossy = false;
        basis.Fill((byte)' ');
        string up = name.ToUpperInvariant();
        int lastDot = up.LastIndexOf('.');
        int start = 0;
        while (start < up.Length && up[start] == '.') { start++; lossy = true; }
        if (lastDot < start) lastDot = -1;
        int bl = 0;
        int end = lastDot < 0 ? up.Length : lastDot;
        for (int i = start; i < end; i++)
        {
            char c = up[i];
            if (c == ' ' || c == '.') { lossy = true; continue; }
            if (bl == 8) { lossy = true; break; }
            if (!IsValidShortChar(c)) { c = '_'; lossy = true; }
            basis[bl++] = (byte)c;
        }
        if (lastDot >= 0)
        {
            int el = 0;
            for (int i = lastDot + 1; i < up.Length; i++)
            {
                char c = up[i];
                if (c == ' ') { lossy = true; continue; }
                if (el == 3) { lossy = true; break; }
                if (!IsValidShortChar(c)) { c = '_'; lossy = true; }
                basis[8 + el++] = (byte)c;
            }
        }
        if (bl == 0) { basis[0] = (byte)'_'; bl = 1; lossy = true; }
        baseLength = bl;
    }

    /// <summary>Applies numeric tail "~<paramref name="n"/>" to <paramref name="basis"/> (fatgen103 §7 "Numeric-Tail Generation").</summary>
    public static void ApplyTail(ReadOnlySpan<byte> basis, int baseLength, int n, Span<byte> result)
    {
        basis.CopyTo(result);
        string tail = "~" + Digits(n);
        int keep = Math.Min(baseLength, 8 - tail.Length);
        for (int i = keep; i < 8; i++) result[i] = (byte)' ';
        for (int i = 0; i < tail.Length; i++) result[keep + i] = (byte)tail[i];
    }

    // Decimal digits without culture data (the kernel runtime has none).
    private static string Digits(int n)
    {
        Span<char> buf = stackalloc char[10];
        int i = buf.Length;
        do { buf[--i] = (char)('0' + n % 10); n /= 10; } while (n > 0);
        return new string(buf.Slice(i));
    }

    /// <summary>The VFAT checksum of an 11-byte short name (fatgen103 §7, ChkSum).</summary>
    public static byte Checksum(ReadOnlySpan<byte> shortName)
    {
        byte sum = 0;
        for (int i = 0; i < 11; i++) sum = (byte)((((sum & 1) != 0) ? 0x80 : 0) + (sum >> 1) + shortName[i]);
        return sum;
    }

    /// <summary>
    /// The display form of an 11-byte short name: "BASE.EXT", base/extension lower-cased when the NT reserved byte
    /// says so (0x08 base, 0x10 extension, as Windows NT and Linux write), 0x05 read as 0xE5.
    /// </summary>
    public static string DecodeShort(ReadOnlySpan<byte> n, byte ntRes)
    {
        var sb = new StringBuilder(12);
        int bl = 8; while (bl > 0 && n[bl - 1] == ' ') bl--;
        int el = 3; while (el > 0 && n[8 + el - 1] == ' ') el--;
        for (int i = 0; i < bl; i++)
        {
            byte b = i == 0 && n[0] == 0x05 ? (byte)0xE5 : n[i];
            sb.Append(CaseChar(OemChar(b), (ntRes & 0x08) != 0));
        }
        if (el > 0)
        {
            sb.Append('.');
            for (int i = 0; i < el; i++) sb.Append(CaseChar(OemChar(n[8 + i]), (ntRes & 0x10) != 0));
        }
        return sb.ToString();
    }

    private static char CaseChar(char c, bool lower) => lower && c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;

    // Bytes above 0x7F are OEM code page characters; without code page tables they are shown as Latin-1.
    private static char OemChar(byte b) => b < 0x20 ? '_' : (char)b;

    /// <summary>A label from its 11-byte field: trailing spaces removed; "NO NAME" (the "none" marker) reads as "".</summary>
    public static string DecodeLabel(ReadOnlySpan<byte> n)
    {
        int l = 11; while (l > 0 && (n[l - 1] == ' ' || n[l - 1] == 0)) l--;
        var sb = new StringBuilder(l);
        for (int i = 0; i < l; i++) sb.Append(OemChar(n[i]));
        string s = sb.ToString();
        return s == "NO NAME" ? "" : s;
    }

    /// <summary>Encodes a label into 11 bytes (upper case, space padded). Returns the error when it cannot be stored.</summary>
    public static FileSystemError? EncodeLabel(string label, Span<byte> field)
    {
        field.Fill((byte)' ');
        if (label == null) label = "";
        if (label.Length > 11) return FileSystemError.NameTooLong;
        string up = label.ToUpperInvariant();
        for (int i = 0; i < up.Length; i++)
        {
            char c = up[i];
            if (c != ' ' && !IsValidShortChar(c)) return FileSystemError.InvalidName;
            field[i] = (byte)c;
        }
        return null;
    }

    /// <summary>FAT date (bits 15..9 year−1980, 8..5 month, 4..0 day) of <paramref name="t"/>, clamped to 1980..2107 (fatgen103 §6.1).</summary>
    public static ushort EncodeDate(DateTime t)
    {
        if (t.Year < 1980) return (1 << 5) | 1;
        if (t.Year > 2107) return (127 << 9) | (12 << 5) | 31;
        return (ushort)(((t.Year - 1980) << 9) | (t.Month << 5) | t.Day);
    }

    /// <summary>FAT time (bits 15..11 hours, 10..5 minutes, 4..0 seconds/2) of <paramref name="t"/> (fatgen103 §6.1).</summary>
    public static ushort EncodeTime(DateTime t)
    {
        if (t.Year < 1980) return 0;
        if (t.Year > 2107) return (23 << 11) | (59 << 5) | 29;
        return (ushort)((t.Hour << 11) | (t.Minute << 5) | (t.Second / 2));
    }

    /// <summary>Creation time tenth field: hundredths of a second 0..199 within the 2-second unit.</summary>
    public static byte EncodeTenth(DateTime t) =>
        t.Year < 1980 || t.Year > 2107 ? (byte)0 : (byte)((t.Second % 2) * 100 + t.Millisecond / 10);

    /// <summary>Decodes a FAT date/time as UTC; invalid fields give 1980-01-01 (never throws).</summary>
    public static DateTime Decode(ushort date, ushort time, byte tenth)
    {
        int y = 1980 + (date >> 9), mo = (date >> 5) & 0xF, d = date & 0x1F;
        if (mo < 1 || mo > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo)) return new DateTime(1980, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        int h = time >> 11, mi = (time >> 5) & 0x3F, s = (time & 0x1F) * 2;
        if (h > 23 || mi > 59 || s > 59) { h = 0; mi = 0; s = 0; }
        var r = new DateTime(y, mo, d, h, mi, s, DateTimeKind.Utc);
        if (tenth <= 199) r = r.AddMilliseconds(tenth * 10);
        return r;
    }
}
