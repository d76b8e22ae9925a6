using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Cosmos.System.ConsoleIO;
using Xunit;

namespace Cosmos.System.Tests
{
    public sealed class SerialKeyDecoderTests
    {
        private static List<ConsoleKeyInfo> Decode(string bytes, bool flush = false) => Decode(Encoding.Latin1.GetBytes(bytes), flush);

        private static List<ConsoleKeyInfo> Decode(byte[] bytes, bool flush = false)
        {
            var d = new SerialKeyDecoder();
            foreach (byte b in bytes) d.Feed(b);
            if (flush) d.Flush();
            var keys = new List<ConsoleKeyInfo>();
            while (d.TryDequeue(out ConsoleKeyInfo k)) keys.Add(k);
            return keys;
        }

        private static ConsoleKeyInfo Key(char c, ConsoleKey k, bool shift = false, bool alt = false, bool ctrl = false) =>
            new ConsoleKeyInfo(c, k, shift, alt, ctrl);

        [Fact]
        public void PrintableAsciiMapsToUsLayoutKeys()
        {
            Assert.Equal(new[]
            {
                Key('a', ConsoleKey.A), Key('Z', ConsoleKey.Z, shift: true), Key('5', ConsoleKey.D5),
                Key('%', ConsoleKey.D5, shift: true), Key(' ', ConsoleKey.Spacebar), Key('/', ConsoleKey.Oem2),
                Key('?', ConsoleKey.Oem2, shift: true), Key('~', ConsoleKey.Oem3, shift: true), Key('"', ConsoleKey.Oem7, shift: true),
            }, Decode("aZ5% /?~\""));
        }

        [Theory]
        [InlineData("\r")]
        [InlineData("\n")]
        [InlineData("\r\n")]
        public void EachLineEndIsOneEnter(string lineEnd)
        {
            var keys = Decode("ab" + lineEnd + "c" + lineEnd);
            Assert.Equal(new[] { Key('a', ConsoleKey.A), Key('b', ConsoleKey.B), Key('\r', ConsoleKey.Enter),
                                 Key('c', ConsoleKey.C), Key('\r', ConsoleKey.Enter) }, keys);
        }

        [Fact]
        public void CrLfSplitAcrossFeedsIsStillOneEnter()
        {
            var d = new SerialKeyDecoder();
            d.Feed((byte)'\r');
            Assert.True(d.TryDequeue(out ConsoleKeyInfo k));
            Assert.Equal(ConsoleKey.Enter, k.Key);
            d.Feed((byte)'\n');
            Assert.False(d.TryDequeue(out _));
        }

        [Fact]
        public void TwoLineFeedsAreTwoEntersAndCrNulIsOne()
        {
            Assert.Equal(2, Decode("\n\n").Count);
            Assert.Equal(2, Decode("\r\r\n").Count);
            Assert.Single(Decode("\r\0"));
        }

        [Fact]
        public void DeleteAndBackspaceAreBackspace()
        {
            Assert.All(Decode("\u007f\b"), k => Assert.Equal(Key('\b', ConsoleKey.Backspace), k));
        }

        [Fact]
        public void ControlCodesAreCtrlLetters()
        {
            var keys = Decode("\u0001\u0003\u0004\u001a\t");
            Assert.Equal(new[]
            {
                Key('\u0001', ConsoleKey.A, ctrl: true), Key('\u0003', ConsoleKey.C, ctrl: true),
                Key('\u0004', ConsoleKey.D, ctrl: true), Key('\u001a', ConsoleKey.Z, ctrl: true), Key('\t', ConsoleKey.Tab),
            }, keys);
        }

        [Theory]
        [InlineData("\u001b[A", ConsoleKey.UpArrow)]
        [InlineData("\u001b[B", ConsoleKey.DownArrow)]
        [InlineData("\u001b[C", ConsoleKey.RightArrow)]
        [InlineData("\u001b[D", ConsoleKey.LeftArrow)]
        [InlineData("\u001bOA", ConsoleKey.UpArrow)]
        [InlineData("\u001bOD", ConsoleKey.LeftArrow)]
        [InlineData("\u001b[H", ConsoleKey.Home)]
        [InlineData("\u001b[F", ConsoleKey.End)]
        [InlineData("\u001b[1~", ConsoleKey.Home)]
        [InlineData("\u001b[4~", ConsoleKey.End)]
        [InlineData("\u001b[2~", ConsoleKey.Insert)]
        [InlineData("\u001b[3~", ConsoleKey.Delete)]
        [InlineData("\u001b[5~", ConsoleKey.PageUp)]
        [InlineData("\u001b[6~", ConsoleKey.PageDown)]
        [InlineData("\u001bOP", ConsoleKey.F1)]
        [InlineData("\u001b[15~", ConsoleKey.F5)]
        [InlineData("\u001b[24~", ConsoleKey.F12)]
        [InlineData("\u001b[[C", ConsoleKey.F3)]
        public void EscapeSequencesAreNavigationAndFunctionKeys(string seq, ConsoleKey expected)
        {
            var k = Assert.Single(Decode(seq));
            Assert.Equal(expected, k.Key);
            Assert.Equal((ConsoleModifiers)0, k.Modifiers);
        }

        [Fact]
        public void ModifierParameterSetsModifiers()
        {
            var keys = Decode("\u001b[1;5C\u001b[1;2A\u001b[3;3~\u001b[Z");
            Assert.Equal(new[]
            {
                Key('\0', ConsoleKey.RightArrow, ctrl: true), Key('\0', ConsoleKey.UpArrow, shift: true),
                Key('\0', ConsoleKey.Delete, alt: true), Key('\t', ConsoleKey.Tab, shift: true),
            }, keys);
        }

        [Fact]
        public void EscapeFollowedByCharacterIsAlt()
        {
            Assert.Equal(new[] { Key('x', ConsoleKey.X, alt: true), Key('\b', ConsoleKey.Backspace, alt: true) }, Decode("\u001bx\u001b\u007f"));
        }

        [Fact]
        public void LoneEscapeWaitsForFlush()
        {
            var d = new SerialKeyDecoder();
            d.Feed(0x1B);
            Assert.True(d.IsPending);
            Assert.False(d.TryDequeue(out _));
            d.Flush();
            Assert.False(d.IsPending);
            Assert.True(d.TryDequeue(out ConsoleKeyInfo k));
            Assert.Equal(Key('\u001b', ConsoleKey.Escape), k);
        }

        [Fact]
        public void EscapeEscapeIsOneEscapeKeyThenPending()
        {
            var d = new SerialKeyDecoder();
            d.Feed(0x1B);
            d.Feed(0x1B);
            Assert.Equal(1, d.Count);
            Assert.True(d.IsPending);
        }

        [Fact]
        public void EscapeBeforeControlByteIsEscapeThenThatKey()
        {
            Assert.Equal(new[] { Key('\u001b', ConsoleKey.Escape), Key('\r', ConsoleKey.Enter) }, Decode("\u001b\r"));
        }

        [Fact]
        public void CutOffSequenceIsReplayedOnFlush()
        {
            Assert.Equal(new[] { Key('[', ConsoleKey.Oem4, alt: true) }, Decode("\u001b[", flush: true));
            var keys = Decode("\u001b[1;", flush: true);
            Assert.Equal(new[] { ConsoleKey.Escape, ConsoleKey.Oem4, ConsoleKey.D1, ConsoleKey.Oem1 }, keys.Select(k => k.Key));
        }

        [Fact]
        public void UnknownSequencesAreDroppedWhole()
        {
            Assert.Equal(new[] { Key('a', ConsoleKey.A) }, Decode("\u001b[99~\u001b[?1;2c\u001b[5Xa"));
        }

        [Fact]
        public void OverlongSequenceIsAbandoned()
        {
            var keys = Decode("\u001b[" + new string('1', 40) + "Ab");
            Assert.Equal(Key('b', ConsoleKey.B), keys.Last());
            Assert.DoesNotContain(keys, k => k.Key == ConsoleKey.UpArrow);
        }

        [Fact]
        public void Utf8CharactersBecomeKeysWithTheirCharacter()
        {
            var keys = Decode(Encoding.UTF8.GetBytes("é€\U0001F600"));
            Assert.Equal("é€\U0001F600", new string(keys.Select(k => k.KeyChar).ToArray()));
            Assert.All(keys, k => Assert.Equal((ConsoleKey)0, k.Key));
        }

        [Fact]
        public void Utf8CutShortByAsciiGivesReplacementThenTheKey()
        {
            var keys = Decode(new byte[] { 0xC3, (byte)'a' });
            Assert.Equal("\uFFFDa", new string(keys.Select(k => k.KeyChar).ToArray()));
        }

        [Fact]
        public void HasRoomProtectsTheQueue()
        {
            var d = new SerialKeyDecoder();
            int fed = 0;
            while (d.HasRoom) { d.Feed((byte)'x'); fed++; }
            Assert.Equal(SerialKeyDecoder.Capacity - SerialKeyDecoder.MaxKeysPerCall + 1, fed);
            // The worst case still fits: a long cut-off sequence replayed by Flush.
            var w = new SerialKeyDecoder();
            while (w.Count < SerialKeyDecoder.Capacity - SerialKeyDecoder.MaxKeysPerCall) w.Feed((byte)'x');
            Assert.True(w.HasRoom);
            foreach (char c in "\u001b[1;2;3;4;5;6;7;") w.Feed((byte)c);
            w.Flush();
            Assert.Equal(0, w.DroppedKeys);
        }
    }
}
