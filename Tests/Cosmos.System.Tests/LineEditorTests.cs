using System;
using System.Collections.Generic;
using System.Text;
using Cosmos.System.ConsoleIO;
using Xunit;

namespace Cosmos.System.Tests
{
    public sealed class LineEditorTests
    {
        /// <summary>A one-line terminal that interprets the echo like VGA/serial do: '\b' moves left, '\n' ends the line.</summary>
        private sealed class Terminal
        {
            private readonly char[] _cells = new char[8192];
            public int Cursor;
            public int Width;
            public bool NewLine;

            public void Apply(ReadOnlySpan<char> echo)
            {
                foreach (char c in echo)
                {
                    Assert.False(NewLine, "echo after the line ended");
                    if (c == '\b') { Assert.True(Cursor > 0, "cursor moved left of the line start"); Cursor--; }
                    else if (c == '\n') NewLine = true;
                    else
                    {
                        Assert.True(c >= ' ', "control character echoed: " + (int)c);
                        _cells[Cursor++] = c;
                        Width = Math.Max(Width, Cursor);
                    }
                }
            }

            public string Visible => new string(_cells, 0, Width).TrimEnd(' ');
        }

        private sealed class Session
        {
            public readonly LineEditor Editor = new LineEditor();
            public readonly EchoBuffer Echo = new EchoBuffer();
            public Terminal Term = new Terminal();
            public LineEditStatus Last;

            public Session() => Editor.Begin();

            public Session Keys(params ConsoleKeyInfo[] keys)
            {
                foreach (ConsoleKeyInfo k in keys)
                {
                    Echo.Clear();
                    Last = Editor.Process(k, Echo);
                    Term.Apply(Echo.AsSpan());
                    if (Last == LineEditStatus.Editing)
                    {
                        // Invariant: the screen shows the buffer and the cursors agree.
                        Assert.Equal(Editor.Text.Replace('\t', ' ').TrimEnd(' '), Term.Visible);
                        Assert.Equal(Editor.Cursor, Term.Cursor);
                    }
                }
                return this;
            }

            public Session Type(string text)
            {
                foreach (char c in text) Keys(Ch(c));
                return this;
            }

            public string Line()
            {
                Keys(K(ConsoleKey.Enter, '\r'));
                Assert.Equal(LineEditStatus.Completed, Last);
                string s = Editor.Text;
                Editor.Begin();
                Term = new Terminal();
                return s;
            }
        }

        private static ConsoleKeyInfo Ch(char c)
        {
            SerialKeyDecoder.TryMapAscii(c, out ConsoleKey k, out bool shift);
            return new ConsoleKeyInfo(c, k, shift, false, false);
        }

        private static ConsoleKeyInfo K(ConsoleKey key, char c = '\0', bool ctrl = false, bool alt = false) =>
            new ConsoleKeyInfo(c, key, false, alt, ctrl);

        private static ConsoleKeyInfo Ctrl(char letter) =>
            new ConsoleKeyInfo((char)(letter - 'A' + 1), ConsoleKey.A + (letter - 'A'), false, false, true);

        [Fact]
        public void TypingAndEnterGiveTheLine()
        {
            var s = new Session().Type("help");
            Assert.Equal("help", s.Line());
        }

        [Fact]
        public void EnterEchoesNewLineAfterMovingToTheEnd()
        {
            var s = new Session().Type("abc").Keys(K(ConsoleKey.Home));
            s.Echo.Clear();
            Assert.Equal(LineEditStatus.Completed, s.Editor.Process(K(ConsoleKey.Enter, '\r'), s.Echo));
            Assert.Equal("abc\n", s.Echo.ToString());
        }

        [Fact]
        public void BackspaceErasesOnScreen()
        {
            var s = new Session().Type("helpp").Keys(K(ConsoleKey.Backspace, '\b'));
            Assert.Equal("\b \b", s.Echo.ToString());
            Assert.Equal("help", s.Line());
        }

        [Fact]
        public void BackspaceAtStartDoesNothing()
        {
            var s = new Session().Keys(K(ConsoleKey.Backspace, '\b'));
            Assert.Equal("", s.Echo.ToString());
            Assert.Equal("", s.Line());
        }

        [Fact]
        public void InsertInTheMiddleRedrawsTheTail()
        {
            var s = new Session().Type("hep").Keys(K(ConsoleKey.LeftArrow)).Type("l");
            Assert.Equal("lp\b", s.Echo.ToString());
            Assert.Equal("help", s.Line());
        }

        [Fact]
        public void DeleteHomeEndAndArrows()
        {
            var s = new Session().Type("xhelp!").Keys(K(ConsoleKey.Home), K(ConsoleKey.Delete), K(ConsoleKey.End),
                                                     K(ConsoleKey.Backspace, '\b'), K(ConsoleKey.LeftArrow), K(ConsoleKey.RightArrow));
            Assert.Equal("help", s.Line());
        }

        [Fact]
        public void CtrlKeysEdit()
        {
            Assert.Equal("b", new Session().Type("a b").Keys(Ctrl('W'), Ctrl('W'), Ctrl('W')).Type("b").Line());
            Assert.Equal("world", new Session().Type("hello world").Keys(K(ConsoleKey.LeftArrow, ctrl: true), Ctrl('U')).Line());
            Assert.Equal("hello", new Session().Type("hello world").Keys(K(ConsoleKey.LeftArrow, ctrl: true), K(ConsoleKey.LeftArrow), Ctrl('K')).Line());
            Assert.Equal("Xab", new Session().Type("ab").Keys(Ctrl('A')).Type("X").Keys(Ctrl('E')).Line());
            Assert.Equal("ac", new Session().Type("abc").Keys(Ctrl('B'), Ctrl('B'), Ctrl('D'), Ctrl('F')).Line());
        }

        [Fact]
        public void EscapeClearsTheLine()
        {
            Assert.Equal("new", new Session().Type("old text").Keys(K(ConsoleKey.Escape, '\u001b')).Type("new").Line());
        }

        [Fact]
        public void CtrlCAbandonsTheLine()
        {
            var s = new Session().Type("abc").Keys(K(ConsoleKey.LeftArrow)).Keys(Ctrl('C'));
            Assert.Equal(LineEditStatus.Cancelled, s.Last);
            Assert.Equal("c^C\n", s.Echo.ToString());
        }

        [Fact]
        public void CtrlDOnEmptyLineIsEndOfInputElseDelete()
        {
            var s = new Session().Keys(Ctrl('D'));
            Assert.Equal(LineEditStatus.EndOfInput, s.Last);
            Assert.Equal("ab", new Session().Type("abc").Keys(K(ConsoleKey.LeftArrow), Ctrl('D')).Line());
        }

        [Fact]
        public void AltAndUnknownControlKeysAreIgnored()
        {
            var s = new Session().Type("a").Keys(new ConsoleKeyInfo('x', ConsoleKey.X, false, true, false),
                                                 K(ConsoleKey.F1), K(ConsoleKey.PageUp), Ctrl('L'), K(ConsoleKey.Insert),
                                                 new ConsoleKeyInfo('\u001c', ConsoleKey.Oem5, false, false, true));
            Assert.Equal("a", s.Line());
        }

        [Fact]
        public void NonAsciiCharactersWithoutKeyAreInserted()
        {
            var s = new Session().Keys(new ConsoleKeyInfo('é', 0, false, false, false), new ConsoleKeyInfo('€', 0, false, false, false));
            Assert.Equal("é€", s.Line());
        }

        [Fact]
        public void TabIsKeptButShownAsOneSpace()
        {
            var s = new Session().Type("a").Keys(K(ConsoleKey.Tab, '\t')).Type("b");
            Assert.Equal("a b", s.Term.Visible);
            Assert.Equal("a\tb", s.Line());
        }

        [Fact]
        public void HistoryWalksBackAndForwardAndKeepsTheDraft()
        {
            var s = new Session();
            s.Type("first").Line();
            s.Type("second").Line();
            s.Type("second").Line(); // consecutive duplicate not stored
            s.Type("   ").Line();    // blank not stored
            Assert.Equal(2, s.Editor.HistoryCount);
            s.Type("dra");
            s.Keys(K(ConsoleKey.UpArrow));
            Assert.Equal("second", s.Editor.Text);
            s.Keys(K(ConsoleKey.UpArrow), K(ConsoleKey.UpArrow));
            Assert.Equal("first", s.Editor.Text);
            s.Keys(K(ConsoleKey.DownArrow));
            Assert.Equal("second", s.Editor.Text);
            s.Keys(K(ConsoleKey.DownArrow), K(ConsoleKey.DownArrow));
            Assert.Equal("dra", s.Editor.Text);
            s.Keys(Ctrl('P')).Type("!");
            Assert.Equal("second!", s.Line());
        }

        [Fact]
        public void HistoryIsBounded()
        {
            var s = new Session();
            for (int i = 0; i < 40; i++) s.Type("cmd" + i).Line();
            Assert.Equal(32, s.Editor.HistoryCount);
            Assert.Equal("cmd8", s.Editor.GetHistory(0));
            Assert.Equal("cmd39", s.Editor.GetHistory(31));
        }

        [Fact]
        public void LineLengthIsCapped()
        {
            var s = new Session().Type(new string('x', LineEditor.MaxLineLength + 10));
            Assert.Equal(LineEditor.MaxLineLength, s.Line().Length);
        }

        [Fact]
        public void SerialBytesDriveTheEditor()
        {
            // What a terminal sends for: "helo", Left, "l", End, "!", Backspace, CRLF.
            var d = new SerialKeyDecoder();
            foreach (byte b in Encoding.ASCII.GetBytes("helo\u001b[Dl\u001b[F!\u007f\r\n")) d.Feed(b);
            var s = new Session();
            var keys = new List<ConsoleKeyInfo>();
            while (d.TryDequeue(out ConsoleKeyInfo k)) keys.Add(k);
            s.Keys(keys.GetRange(0, keys.Count - 1).ToArray());
            Assert.Equal("hello", s.Line());
        }

        [Fact]
        public void RandomEditingKeepsScreenAndBufferInStep()
        {
            var rng = new Random(42);
            ConsoleKeyInfo[] pool =
            {
                Ch('a'), Ch('b'), Ch(' '), Ch('Z'), K(ConsoleKey.Tab, '\t'), K(ConsoleKey.Backspace, '\b'), K(ConsoleKey.Delete),
                K(ConsoleKey.LeftArrow), K(ConsoleKey.RightArrow), K(ConsoleKey.Home), K(ConsoleKey.End),
                K(ConsoleKey.LeftArrow, ctrl: true), K(ConsoleKey.RightArrow, ctrl: true), K(ConsoleKey.UpArrow), K(ConsoleKey.DownArrow),
                Ctrl('U'), Ctrl('K'), Ctrl('W'), K(ConsoleKey.Escape, '\u001b'),
            };
            var s = new Session();
            for (int line = 0; line < 200; line++)
            {
                int n = rng.Next(0, 40);
                for (int i = 0; i < n; i++) s.Keys(pool[rng.Next(pool.Length)]); // Keys() checks the invariant
                s.Line();
            }
        }
    }
}
