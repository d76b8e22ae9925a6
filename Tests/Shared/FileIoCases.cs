using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

// Compiled twice: into the FileSystemTests kernel (Tests/Kernels/FileSystemTests), where System.IO runs over the
// kernel's file PAL, the VFS and FAT on a disk, and into the host test project Tests/Cosmos.Conformance.Tests, where
// CoreCLR runs the same code on Linux in a temporary directory. Both must produce the expected text of every case,
// which is what .NET gives; the host run proves the expectations. Plain C# and the BCL only: no Cosmos.* type here.
// Inside namespace Cosmos.*, "System.X" would bind to Cosmos.System in the kernel, so BCL namespaces are imported
// with using directives above. Paths in results are relative to the case's directory with '/' between names, and
// listings are sorted (on-disk order differs between ext4 and FAT); names differ in more than case (ext4 is
// case-sensitive, FAT is not).

namespace Cosmos.TestCases
{
    /// <summary>One System.IO case: a body run in an empty directory and the text .NET produces for it.</summary>
    public sealed class FileIoCase
    {
        /// <summary>A case named <paramref name="name"/> whose <paramref name="body"/> (given its own empty directory) returns <paramref name="expected"/>.</summary>
        public FileIoCase(string name, Func<string, string> body, string expected)
        {
            Name = name;
            Body = body;
            Expected = expected;
        }

        /// <summary>Name (no ": " in it: the kernel reports it as a test case).</summary>
        public string Name { get; }

        /// <summary>The operations; the argument is the case's directory (full path).</summary>
        public Func<string, string> Body { get; }

        /// <summary>What .NET returns.</summary>
        public string Expected { get; }

        /// <summary>Runs the body in <paramref name="directory"/>; an exception escaping it becomes "threw TYPE".</summary>
        public string Run(string directory)
        {
            try { return Body(directory); }
            catch (Exception e) { return "threw " + e.GetType().Name + ": " + e.Message; }
        }
    }

    /// <summary>The System.IO case table (file, directory, stream, reader/writer, error and path behaviour).</summary>
    public static class FileIoCases
    {
        private static string Rel(string root, string path) => path.Substring(root.Length).TrimStart('/', '\\').Replace('\\', '/');

        private static string Sorted(string root, IEnumerable<string> paths) =>
            string.Join(",", paths.Select(p => Rel(root, p)).OrderBy(p => p, StringComparer.Ordinal));

        private static string Threw(Action a)
        {
            try { a(); return "no exception"; }
            catch (Exception e) { return e.GetType().Name; }
        }

        private static byte[] Pattern(int length, int seed)
        {
            var b = new byte[length];
            uint x = (uint)seed * 2654435761u + 1;
            for (int i = 0; i < length; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; b[i] = (byte)x; }
            return b;
        }

        private static uint Sum(byte[] data)
        {
            uint a = 1, b = 0;
            foreach (byte d in data) { a = (a + d) % 65521; b = (b + a) % 65521; }
            return (b << 16) | a;
        }

        /// <summary>Every case, in order.</summary>
        public static readonly FileIoCase[] All =
        {
            new FileIoCase("write and read text", d =>
            {
                string f = Path.Combine(d, "hello.txt");
                File.WriteAllText(f, "hi there");
                return File.ReadAllText(f) + "|" + File.Exists(f) + "|" + new FileInfo(f).Length;
            }, "hi there|True|8"),

            new FileIoCase("append text", d =>
            {
                string f = Path.Combine(d, "log.txt");
                File.AppendAllText(f, "one\n");
                File.AppendAllText(f, "two\n");
                File.AppendAllLines(f, new[] { "three", "four" });
                return string.Join(",", File.ReadAllLines(f));
            }, "one,two,three,four"),

            new FileIoCase("utf8 text round trip", d =>
            {
                string f = Path.Combine(d, "u.txt");
                File.WriteAllText(f, "Grüße, ñ, 日本, 😀");
                return File.ReadAllText(f) + "|" + new FileInfo(f).Length;
            }, "Grüße, ñ, 日本, 😀|25"),

            new FileIoCase("bytes across many clusters", d =>
            {
                string f = Path.Combine(d, "big.bin");
                var data = Pattern(1 << 20, 7);
                File.WriteAllBytes(f, data);
                var back = File.ReadAllBytes(f);
                return back.Length + "|" + (Sum(back) == Sum(data)) + "|" + back.AsSpan().SequenceEqual(data);
            }, "1048576|True|True"),

            new FileIoCase("empty file", d =>
            {
                string f = Path.Combine(d, "empty");
                File.WriteAllBytes(f, Array.Empty<byte>());
                return new FileInfo(f).Length + "|" + File.ReadAllBytes(f).Length + "|" + File.ReadAllText(f).Length;
            }, "0|0|0"),

            new FileIoCase("filestream seek read write", d =>
            {
                string f = Path.Combine(d, "s.bin");
                using var fs = new FileStream(f, FileMode.Create, FileAccess.ReadWrite);
                fs.Write(Pattern(10000, 1));
                fs.Position = 5000;
                fs.Write(new byte[] { 1, 2, 3 });
                fs.Seek(-3, SeekOrigin.Current);
                var three = new byte[3];
                int n = fs.Read(three);
                fs.Seek(0, SeekOrigin.End);
                int eof = fs.ReadByte();
                return fs.Length + "|" + n + ":" + string.Join("", three) + "|" + fs.Position + "|" + eof + "|" + fs.CanSeek;
            }, "10000|3:123|10000|-1|True"),

            new FileIoCase("write past the end leaves zeros", d =>
            {
                string f = Path.Combine(d, "gap.bin");
                using (var fs = new FileStream(f, FileMode.Create))
                {
                    fs.WriteByte(9);
                    fs.Position = 70000;
                    fs.WriteByte(8);
                }
                var b = File.ReadAllBytes(f);
                return b.Length + "|" + b[0] + "|" + b.Skip(1).Take(69999).All(x => x == 0) + "|" + b[70000];
            }, "70001|9|True|8"),

            new FileIoCase("set length shrink and grow", d =>
            {
                string f = Path.Combine(d, "len.bin");
                File.WriteAllBytes(f, Pattern(50000, 3));
                using (var fs = new FileStream(f, FileMode.Open))
                {
                    fs.SetLength(10);
                    fs.SetLength(3000);
                }
                var b = File.ReadAllBytes(f);
                return b.Length + "|" + b.AsSpan(0, 10).SequenceEqual(Pattern(50000, 3).AsSpan(0, 10)) + "|" + b.Skip(10).All(x => x == 0);
            }, "3000|True|True"),

            new FileIoCase("file modes", d =>
            {
                string f = Path.Combine(d, "m.txt");
                var r = new List<string>();
                r.Add(Threw(() => new FileStream(f, FileMode.Open).Dispose()));
                r.Add(Threw(() => new FileStream(f, FileMode.Truncate).Dispose()));
                File.WriteAllText(f, "abcdef");
                r.Add(Threw(() => new FileStream(f, FileMode.CreateNew).Dispose()));
                using (var fs = new FileStream(f, FileMode.Append)) fs.Write(Encoding.ASCII.GetBytes("gh"));
                r.Add(File.ReadAllText(f));
                using (var fs = new FileStream(f, FileMode.Truncate)) fs.Write(Encoding.ASCII.GetBytes("x"));
                r.Add(File.ReadAllText(f));
                using (var fs = new FileStream(f, FileMode.OpenOrCreate)) fs.Write(Encoding.ASCII.GetBytes("yz"));
                r.Add(File.ReadAllText(f));
                r.Add(Threw(() => new FileStream(f, FileMode.Append, FileAccess.Read).Dispose()));
                return string.Join(",", r);
            }, "FileNotFoundException,FileNotFoundException,IOException,abcdefgh,x,yz,ArgumentException"),

            new FileIoCase("stream writer and reader", d =>
            {
                string f = Path.Combine(d, "lines.txt");
                using (var w = new StreamWriter(f))
                {
                    for (int i = 0; i < 500; i++) w.WriteLine("line " + i);
                }
                int count = 0;
                string last = null;
                using (var rd = new StreamReader(f))
                {
                    string l;
                    while ((l = rd.ReadLine()) != null) { count++; last = l; }
                }
                return count + "|" + last + "|" + new FileInfo(f).Length;
            }, "500|line 499|4390"),

            new FileIoCase("create nested directories", d =>
            {
                var info = Directory.CreateDirectory(Path.Combine(d, "a", "b", "c"));
                return info.Name + "|" + Directory.Exists(Path.Combine(d, "a", "b")) + "|" + info.Parent.Name + "|" +
                       Directory.Exists(Path.Combine(d, "a", "x")) + "|" + File.Exists(Path.Combine(d, "a"));
            }, "c|True|b|False|False"),

            new FileIoCase("listings and patterns", d =>
            {
                Directory.CreateDirectory(Path.Combine(d, "sub"));
                Directory.CreateDirectory(Path.Combine(d, "sub", "deep"));
                foreach (var n in new[] { "a.txt", "b.txt", "c.log", "sub/d.txt", "sub/deep/e.txt" })
                    File.WriteAllText(Path.Combine(d, n.Replace('/', Path.DirectorySeparatorChar)), n);
                return Sorted(d, Directory.GetFiles(d)) + "|" + Sorted(d, Directory.GetFiles(d, "*.txt")) + "|" +
                       Sorted(d, Directory.GetDirectories(d)) + "|" + Sorted(d, Directory.GetFiles(d, "*.txt", SearchOption.AllDirectories)) + "|" +
                       Sorted(d, Directory.EnumerateFileSystemEntries(d, "*", SearchOption.AllDirectories));
            }, "a.txt,b.txt,c.log|a.txt,b.txt|sub|a.txt,b.txt,sub/d.txt,sub/deep/e.txt|a.txt,b.txt,c.log,sub,sub/d.txt,sub/deep,sub/deep/e.txt"),

            new FileIoCase("many files in one directory", d =>
            {
                for (int i = 0; i < 150; i++) File.WriteAllText(Path.Combine(d, "file_with_a_long_name_" + i + ".dat"), i.ToString());
                var names = Directory.GetFiles(d).Select(Path.GetFileName).ToList();
                int sum = names.Sum(n => int.Parse(File.ReadAllText(Path.Combine(d, n))));
                return names.Count + "|" + sum;
            }, "150|11175"),

            new FileIoCase("directory info listing", d =>
            {
                File.WriteAllText(Path.Combine(d, "x.bin"), "12345");
                Directory.CreateDirectory(Path.Combine(d, "y"));
                var di = new DirectoryInfo(d);
                var files = di.GetFiles().Select(f => f.Name + ":" + f.Length + ":" + f.Extension);
                var dirs = di.GetDirectories().Select(x => x.Name + ":" + x.Exists);
                return string.Join(",", files) + "|" + string.Join(",", dirs);
            }, "x.bin:5:.bin|y:True"),

            new FileIoCase("copy", d =>
            {
                string a = Path.Combine(d, "src.bin"), b = Path.Combine(d, "dst.bin");
                var data = Pattern(200000, 5);
                File.WriteAllBytes(a, data);
                File.Copy(a, b);
                string again = Threw(() => File.Copy(a, b));
                File.WriteAllText(a, "new");
                File.Copy(a, b, overwrite: true);
                return again + "|" + File.ReadAllText(b) + "|" + Threw(() => File.Copy(Path.Combine(d, "none"), b));
            }, "IOException|new|FileNotFoundException"),

            new FileIoCase("move and rename", d =>
            {
                string a = Path.Combine(d, "a.txt"), b = Path.Combine(d, "b.txt");
                Directory.CreateDirectory(Path.Combine(d, "to"));
                File.WriteAllText(a, "A");
                File.Move(a, b);
                string r1 = File.Exists(a) + "," + File.ReadAllText(b);
                File.WriteAllText(a, "A2");
                string r2 = Threw(() => File.Move(a, b));
                File.Move(a, b, overwrite: true);
                File.Move(b, Path.Combine(d, "to", "c.txt"));
                return r1 + "|" + r2 + "|" + Sorted(d, Directory.EnumerateFileSystemEntries(d, "*", SearchOption.AllDirectories)) + "|" +
                       File.ReadAllText(Path.Combine(d, "to", "c.txt"));
            }, "False,A|IOException|to,to/c.txt|A2"),

            new FileIoCase("directory move", d =>
            {
                Directory.CreateDirectory(Path.Combine(d, "one", "inner"));
                File.WriteAllText(Path.Combine(d, "one", "inner", "f.txt"), "f");
                Directory.Move(Path.Combine(d, "one"), Path.Combine(d, "two"));
                string into = Threw(() => Directory.Move(Path.Combine(d, "two"), Path.Combine(d, "two", "inner", "x")));
                return Sorted(d, Directory.EnumerateFileSystemEntries(d, "*", SearchOption.AllDirectories)) + "|" + into + "|" +
                       File.ReadAllText(Path.Combine(d, "two", "inner", "f.txt"));
            }, "two,two/inner,two/inner/f.txt|IOException|f"),

            new FileIoCase("delete", d =>
            {
                string sub = Path.Combine(d, "sub");
                Directory.CreateDirectory(Path.Combine(sub, "deeper"));
                File.WriteAllText(Path.Combine(sub, "f.txt"), "x");
                string notEmpty = Threw(() => Directory.Delete(sub));
                File.Delete(Path.Combine(sub, "f.txt"));
                File.Delete(Path.Combine(sub, "missing.txt"));
                string afterFile = File.Exists(Path.Combine(sub, "f.txt")).ToString();
                Directory.Delete(sub, recursive: true);
                return notEmpty + "|" + afterFile + "|" + Directory.Exists(sub) + "|" + Threw(() => Directory.Delete(sub));
            }, "IOException|False|False|DirectoryNotFoundException"),

            new FileIoCase("missing paths", d =>
            {
                string nf = Threw(() => File.ReadAllText(Path.Combine(d, "nope.txt")));
                string nd = Threw(() => File.ReadAllText(Path.Combine(d, "nodir", "nope.txt")));
                string wd = Threw(() => File.WriteAllText(Path.Combine(d, "nodir", "x.txt"), "x"));
                string ld = Threw(() => Directory.GetFiles(Path.Combine(d, "nodir")));
                return nf + "," + nd + "," + wd + "," + ld + "," + File.Exists(Path.Combine(d, "nope.txt")) + "," + Directory.Exists(Path.Combine(d, "nodir"));
            }, "FileNotFoundException,DirectoryNotFoundException,DirectoryNotFoundException,DirectoryNotFoundException,False,False"),

            new FileIoCase("file versus directory", d =>
            {
                string f = Path.Combine(d, "f");
                File.WriteAllText(f, "x");
                Directory.CreateDirectory(Path.Combine(d, "dd"));
                return Threw(() => File.ReadAllText(Path.Combine(d, "dd"))) + "," + Threw(() => Directory.CreateDirectory(f)) + "," +
                       Threw(() => File.Delete(Path.Combine(d, "dd"))) + "," + Directory.Exists(f) + "," + File.Exists(Path.Combine(d, "dd"));
            }, "UnauthorizedAccessException,IOException,UnauthorizedAccessException,False,False"),

            new FileIoCase("sharing", d =>
            {
                string f = Path.Combine(d, "locked.txt");
                File.WriteAllText(f, "data");
                string r;
                using (var fs = new FileStream(f, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    r = Threw(() => new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite).Dispose());
                }
                using (var a = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.Read))
                using (var b = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.Read))
                {
                    r += "," + a.ReadByte() + "," + b.ReadByte();
                }
                return r;
            }, "IOException,100,100"),

            new FileIoCase("byte-range locks of one stream", d =>
            {
                // What host .NET on Linux and the kernel agree on: one stream's own locks never conflict with each
                // other, unlocking what was never locked succeeds, locks are advisory (I/O in a locked range works),
                // arguments are checked before the platform is called. (Two streams differ: see FileSystemTests.)
                string f = Path.Combine(d, "ranges.bin");
                File.WriteAllBytes(f, new byte[100]);
                var r = new List<string>();
                void T(string what, Action a) => r.Add(what + "=" + Threw(a));
                using (var a = new FileStream(f, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
                {
                    T("lock", () => a.Lock(0, 10));
                    T("again", () => a.Lock(0, 10));
                    T("overlap", () => a.Lock(5, 10));
                    T("past end", () => a.Lock(200, 10));
                    T("to infinity", () => a.Lock(50, 0));
                    T("write inside", () => { a.Position = 2; a.WriteByte(7); a.Flush(); });
                    T("unlock", () => a.Unlock(0, 10));
                    T("unlock never locked", () => a.Unlock(300, 5));
                    T("negative position", () => a.Lock(-1, 10));
                    T("negative length", () => a.Unlock(0, -1));
                }
                using (var ro = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                    T("read-only stream", () => ro.Lock(0, 100));
                var closed = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                closed.Dispose();
                T("disposed", () => closed.Lock(0, 1));
                return string.Join(",", r);
            }, "lock=no exception,again=no exception,overlap=no exception,past end=no exception,to infinity=no exception," +
               "write inside=no exception,unlock=no exception,unlock never locked=no exception," +
               "negative position=ArgumentOutOfRangeException,negative length=ArgumentOutOfRangeException," +
               "read-only stream=no exception,disposed=ObjectDisposedException"),

            new FileIoCase("two streams see each other", d =>
            {
                string f = Path.Combine(d, "shared.txt");
                using var w = new FileStream(f, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
                using var rd = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                w.Write(Encoding.ASCII.GetBytes("abc"));
                w.Flush();
                var buf = new byte[10];
                int n = rd.Read(buf, 0, 10);
                return n + ":" + Encoding.ASCII.GetString(buf, 0, n) + "|" + rd.Length;
            }, "3:abc|3"),

            new FileIoCase("timestamps", d =>
            {
                string f = Path.Combine(d, "t.txt");
                File.WriteAllText(f, "t");
                // On Unix the BCL stores a creation time older than the write time as the write time (no settable birth
                // time), so the write time is set last.
                File.SetCreationTimeUtc(f, new DateTime(2019, 7, 1, 8, 0, 0, DateTimeKind.Utc));
                File.SetLastWriteTimeUtc(f, new DateTime(2020, 2, 29, 13, 45, 58, DateTimeKind.Utc));
                return File.GetLastWriteTimeUtc(f).ToString("O") + "|" + new FileInfo(f).LastWriteTimeUtc.Year;
            }, "2020-02-29T13:45:58.0000000Z|2020"),

            new FileIoCase("attributes", d =>
            {
                string f = Path.Combine(d, "ro.txt");
                File.WriteAllText(f, "r");
                File.SetAttributes(f, FileAttributes.ReadOnly);
                string a = (File.GetAttributes(f) & FileAttributes.ReadOnly).ToString() + "," + new FileInfo(f).IsReadOnly;
                File.SetAttributes(f, FileAttributes.Normal);
                string b = ((File.GetAttributes(f) & FileAttributes.ReadOnly) != 0).ToString();
                File.WriteAllText(f, "w");
                return a + "|" + b + "|" + File.ReadAllText(f) + "|" + ((File.GetAttributes(d) & FileAttributes.Directory) != 0);
            }, "ReadOnly,True|False|w|True"),

            new FileIoCase("file and directory info", d =>
            {
                string f = Path.Combine(d, "info.tar.gz");
                File.WriteAllText(f, "12");
                var fi = new FileInfo(f);
                var di = fi.Directory;
                var missing = new FileInfo(Path.Combine(d, "none.x"));
                return fi.Name + "|" + fi.Extension + "|" + Path.GetFileNameWithoutExtension(f) + "|" + fi.Length + "|" + fi.Exists + "|" +
                       (di.FullName.TrimEnd('/', '\\') == d.TrimEnd('/', '\\')) + "|" + missing.Exists + "|" + Threw(() => _ = missing.Length);
            }, "info.tar.gz|.gz|info.tar|2|True|True|False|FileNotFoundException"),

            new FileIoCase("path helpers on real paths", d =>
            {
                string f = Path.Combine(d, "p", "q.txt");
                Directory.CreateDirectory(Path.GetDirectoryName(f));
                File.WriteAllText(f, "q");
                string full = Path.GetFullPath(Path.Combine(d, "p", "..", "p", ".", "q.txt"));
                return (full == f) + "|" + Path.GetFileName(f) + "|" + Rel(d, Path.GetDirectoryName(f)) + "|" + Path.IsPathRooted(f) + "|" +
                       Path.IsPathFullyQualified(f) + "|" + Path.GetRelativePath(d, f).Replace('\\', '/') + "|" + File.Exists(full);
            }, "True|q.txt|p|True|True|p/q.txt|True"),

            new FileIoCase("current directory", d =>
            {
                string old = Directory.GetCurrentDirectory();
                try
                {
                    Directory.CreateDirectory(Path.Combine(d, "cwd"));
                    Directory.SetCurrentDirectory(Path.Combine(d, "cwd"));
                    File.WriteAllText("rel.txt", "relative");
                    string here = Rel(d, Directory.GetCurrentDirectory());
                    string full = Rel(d, Path.GetFullPath("rel.txt"));
                    string up = Rel(d, Path.GetFullPath(Path.Combine("..", "x")));
                    string missing = Threw(() => Directory.SetCurrentDirectory(Path.Combine(d, "nowhere")));
                    return here + "|" + full + "|" + up + "|" + File.ReadAllText(Path.Combine(d, "cwd", "rel.txt")) + "|" + missing;
                }
                finally { Directory.SetCurrentDirectory(old); }
            }, "cwd|cwd/rel.txt|x|relative|DirectoryNotFoundException"),

            new FileIoCase("flush to disk", d =>
            {
                string f = Path.Combine(d, "durable.bin");
                using (var fs = new FileStream(f, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
                {
                    fs.Write(Pattern(9000, 11));
                    fs.Flush(flushToDisk: true);
                    fs.Write(Pattern(10, 12));
                }
                return new FileInfo(f).Length.ToString();
            }, "9010"),

            new FileIoCase("async read and write", d =>
            {
                string f = Path.Combine(d, "async.txt");
                File.WriteAllTextAsync(f, "async text").GetAwaiter().GetResult();
                string back = File.ReadAllTextAsync(f).GetAwaiter().GetResult();
                using var fs = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
                var buf = new byte[5];
                int n = fs.ReadAsync(buf, 0, 5).GetAwaiter().GetResult();
                return back + "|" + n + ":" + Encoding.ASCII.GetString(buf);
            }, "async text|5:async"),

            new FileIoCase("long names", d =>
            {
                string name = new string('n', 100) + ".longextension";
                string f = Path.Combine(d, name);
                File.WriteAllText(f, "L");
                string dirName = "Mixed Case Directory With Spaces";
                Directory.CreateDirectory(Path.Combine(d, dirName));
                File.WriteAllText(Path.Combine(d, dirName, "inner file.txt"), "I");
                return Sorted(d, Directory.EnumerateFileSystemEntries(d, "*", SearchOption.AllDirectories)).Length + "|" +
                       File.ReadAllText(f) + "|" + Directory.GetFiles(Path.Combine(d, dirName)).Select(Path.GetFileName).Single();
            }, "195|L|inner file.txt"),
        };
    }
}
