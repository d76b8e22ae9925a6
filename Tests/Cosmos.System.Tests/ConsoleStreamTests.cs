using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Cosmos.System.ConsoleIO;
using Xunit;

namespace Cosmos.System.Tests
{
    public sealed class ConsoleStreamTests
    {
        private sealed class Lines : IConsoleLineSource
        {
            private readonly Queue<string> _lines;
            public int Calls;
            public Lines(params string[] lines) => _lines = new Queue<string>(lines);
            public string ReadLine()
            {
                Calls++;
                return _lines.Count > 0 ? _lines.Dequeue() : null;
            }
        }

        private sealed class Sink : IConsoleOutput
        {
            public readonly MemoryStream Bytes = new MemoryStream();
            public int Writes;
            public void Write(ReadOnlySpan<byte> utf8)
            {
                Writes++;
                Bytes.Write(utf8);
            }
        }

        [Fact]
        public void ReaderReadLineReturnsWholeLinesThenNull()
        {
            var r = new ConsoleLineReader(new Lines("one", "", "three"));
            Assert.Equal("one", r.ReadLine());
            Assert.Equal("", r.ReadLine());
            Assert.Equal("three", r.ReadLine());
            Assert.Null(r.ReadLine());
        }

        [Fact]
        public void ReaderCharactersSeeNewLines()
        {
            var r = new ConsoleLineReader(new Lines("ab", "c"));
            Assert.Equal('a', r.Peek());
            Assert.Equal('a', r.Read());
            Assert.Equal('b', r.Read());
            Assert.Equal('\n', r.Peek());
            Assert.Equal('\n', r.Read());
            Assert.Equal('c', r.Read());
            Assert.Equal("", r.ReadLine()); // only the line end was left
            Assert.Equal(-1, r.Read());
        }

        [Fact]
        public void ReaderReadLineAfterReadReturnsTheRest()
        {
            var r = new ConsoleLineReader(new Lines("hello world"));
            Assert.Equal('h', r.Read());
            Assert.Equal("ello world", r.ReadLine());
        }

        [Fact]
        public void BlockReadNeverWaitsForASecondLine()
        {
            var src = new Lines("ab", "cd");
            var r = new ConsoleLineReader(src);
            var buf = new char[100];
            Assert.Equal(3, r.Read(buf, 0, 100));
            Assert.Equal("ab\n", new string(buf, 0, 3));
            Assert.Equal(1, src.Calls);
        }

        [Fact]
        public void ReadToEndCollectsUntilEndOfInput()
        {
            var r = new ConsoleLineReader(new Lines("a", "b"));
            Assert.Equal('a', r.Read());
            Assert.Equal("\nb\n", r.ReadToEnd());
        }

        [Fact]
        public void EndOfInputIsNotSticky()
        {
            var src = new Lines("x");
            var r = new ConsoleLineReader(src);
            Assert.Equal("x", r.ReadLine());
            Assert.Null(r.ReadLine());
            Assert.Null(r.ReadLine());
            Assert.Equal(3, src.Calls); // asks the device again each time (a new Ctrl+D is needed)
        }

        [Fact]
        public void InputStreamGivesUtf8LinesWithNewLine()
        {
            var s = new ConsoleInputStream(new Lines("hé", "x"));
            var buf = new byte[2];
            var all = new MemoryStream();
            int n;
            while ((n = s.Read(buf, 0, buf.Length)) > 0) all.Write(buf, 0, n);
            Assert.Equal("hé\nx\n", Encoding.UTF8.GetString(all.ToArray()));
            Assert.True(s.CanRead);
            Assert.False(s.CanWrite);
            Assert.False(s.CanSeek);
            Assert.Throws<NotSupportedException>(() => s.Write(new byte[1], 0, 1));
        }

        [Fact]
        public void InputStreamReadReturnsAtMostOneLine()
        {
            var s = new ConsoleInputStream(new Lines("ab", "cd"));
            var buf = new byte[64];
            Assert.Equal(3, s.Read(buf, 0, 64));
            Assert.Equal((int)'c', s.ReadByte());
        }

        [Fact]
        public void OutputStreamPassesBytesThrough()
        {
            var sink = new Sink();
            var s = new ConsoleOutputStream(sink);
            s.Write(new byte[] { 1, 2, 3, 4 }, 1, 2);
            s.WriteByte(9);
            s.Write(new ReadOnlySpan<byte>(new byte[] { 7 }));
            s.Flush();
            Assert.Equal(new byte[] { 2, 3, 9, 7 }, sink.Bytes.ToArray());
            Assert.False(s.CanRead);
            Assert.Throws<NotSupportedException>(() => s.Read(new byte[1], 0, 1));
            Assert.Throws<NotSupportedException>(() => s.Length);
        }

        [Fact]
        public void StreamWriterOverTheOutputStreamWritesUtf8WithoutBom()
        {
            var sink = new Sink();
            var w = new StreamWriter(new ConsoleOutputStream(sink), new UTF8Encoding(false), 256, leaveOpen: true) { AutoFlush = true };
            w.Write("Grüße \U0001F600");
            w.WriteLine();
            Assert.Equal("Grüße \U0001F600" + Environment.NewLine, Encoding.UTF8.GetString(sink.Bytes.ToArray()));
        }
    }
}
