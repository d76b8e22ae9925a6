using System;
using System.IO;
using System.Text;

namespace Cosmos.System.ConsoleIO
{
    /// <summary>Where console output bytes (UTF-8) go. <see cref="ConsoleDevice"/> sends them to VGA and COM1.</summary>
    public interface IConsoleOutput
    {
        /// <summary>Writes UTF-8 bytes; a multi-byte character may be split across calls.</summary>
        void Write(ReadOnlySpan<byte> utf8);
    }

    /// <summary>Where console input lines come from. <see cref="ConsoleDevice"/> reads them with echo and line editing.</summary>
    public interface IConsoleLineSource
    {
        /// <summary>Blocks until a line is entered; returns it without the line end, or null at end of input (Ctrl+D).</summary>
        string ReadLine();
    }

    /// <summary>
    /// Console.OpenStandardOutput / OpenStandardError: a write-only, unbuffered stream of UTF-8 bytes
    /// handed straight to an <see cref="IConsoleOutput"/> (no file handle, no terminfo).
    /// </summary>
    public sealed class ConsoleOutputStream : Stream
    {
        private readonly IConsoleOutput _output;

        /// <summary>A stream writing to <paramref name="output"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
        public ConsoleOutputStream(IConsoleOutput output)
        {
            _output = output ?? throw new ArgumentNullException(nameof(output));
        }

        /// <inheritdoc />
        public override bool CanRead => false;
        /// <inheritdoc />
        public override bool CanSeek => false;
        /// <inheritdoc />
        public override bool CanWrite => true;
        /// <summary>Not supported: the console has no length.</summary>
        public override long Length => throw new NotSupportedException("the console output stream has no length");
        /// <summary>Not supported: the console cannot seek.</summary>
        public override long Position
        {
            get => throw new NotSupportedException("the console output stream cannot seek");
            set => throw new NotSupportedException("the console output stream cannot seek");
        }

        /// <summary>Nothing to do: every write reaches the devices before it returns.</summary>
        public override void Flush() { }

        /// <summary>Not supported: the stream is write-only.</summary>
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("the console output stream is write-only");

        /// <summary>Not supported: the console cannot seek.</summary>
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("the console output stream cannot seek");

        /// <summary>Not supported: the console has no length.</summary>
        public override void SetLength(long value) => throw new NotSupportedException("the console output stream has no length");

        /// <inheritdoc />
        public override void Write(byte[] buffer, int offset, int count)
        {
            ValidateBufferArguments(buffer, offset, count);
            _output.Write(new ReadOnlySpan<byte>(buffer, offset, count));
        }

        /// <inheritdoc />
        public override void Write(ReadOnlySpan<byte> buffer) => _output.Write(buffer);

        /// <inheritdoc />
        public override void WriteByte(byte value)
        {
            Span<byte> one = stackalloc byte[1];
            one[0] = value;
            _output.Write(one);
        }
    }

    /// <summary>
    /// Console.OpenStandardInput: a read-only stream that, like a Unix terminal in canonical mode,
    /// delivers one edited line at a time as UTF-8 bytes followed by '\n'. A read returns at most the
    /// rest of the current line; 0 means end of input (Ctrl+D on an empty line).
    /// </summary>
    public sealed class ConsoleInputStream : Stream
    {
        private readonly IConsoleLineSource _source;
        private byte[] _pending = new byte[256];
        private int _pendingStart, _pendingEnd;

        /// <summary>A stream reading lines from <paramref name="source"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
        public ConsoleInputStream(IConsoleLineSource source)
        {
            _source = source ?? throw new ArgumentNullException(nameof(source));
        }

        /// <inheritdoc />
        public override bool CanRead => true;
        /// <inheritdoc />
        public override bool CanSeek => false;
        /// <inheritdoc />
        public override bool CanWrite => false;
        /// <summary>Not supported: the console has no length.</summary>
        public override long Length => throw new NotSupportedException("the console input stream has no length");
        /// <summary>Not supported: the console cannot seek.</summary>
        public override long Position
        {
            get => throw new NotSupportedException("the console input stream cannot seek");
            set => throw new NotSupportedException("the console input stream cannot seek");
        }

        /// <summary>Nothing to do for an input stream.</summary>
        public override void Flush() { }

        /// <inheritdoc />
        public override int Read(byte[] buffer, int offset, int count)
        {
            ValidateBufferArguments(buffer, offset, count);
            return Read(new Span<byte>(buffer, offset, count));
        }

        /// <inheritdoc />
        public override int Read(Span<byte> buffer)
        {
            if (buffer.Length == 0) return 0;
            if (_pendingStart == _pendingEnd && !Fill()) return 0;
            int n = Math.Min(buffer.Length, _pendingEnd - _pendingStart);
            new ReadOnlySpan<byte>(_pending, _pendingStart, n).CopyTo(buffer);
            _pendingStart += n;
            return n;
        }

        /// <inheritdoc />
        public override int ReadByte()
        {
            Span<byte> one = stackalloc byte[1];
            return Read(one) == 1 ? one[0] : -1;
        }

        /// <summary>Not supported: the console cannot seek.</summary>
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("the console input stream cannot seek");

        /// <summary>Not supported: the console has no length.</summary>
        public override void SetLength(long value) => throw new NotSupportedException("the console input stream has no length");

        /// <summary>Not supported: the stream is read-only.</summary>
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("the console input stream is read-only");

        private bool Fill()
        {
            string line = _source.ReadLine();
            if (line == null) return false;
            int size = Encoding.UTF8.GetMaxByteCount(line.Length) + 1;
            if (size > _pending.Length) _pending = new byte[size];
            int n = Encoding.UTF8.GetBytes(line, 0, line.Length, _pending, 0);
            _pending[n++] = (byte)'\n';
            _pendingStart = 0;
            _pendingEnd = n;
            return true;
        }
    }

    /// <summary>
    /// Console.In: a <see cref="TextReader"/> over edited lines. <see cref="ReadLine"/> returns a
    /// whole line (or what is left of one that <see cref="Read()"/> began); <see cref="Read()"/> and
    /// <see cref="Peek"/> see each line followed by '\n'. A block read returns at most the rest of
    /// the current line (it never waits for a second line). End of input (Ctrl+D on an empty line)
    /// is reported once per occurrence: a later read waits for new input, as on a terminal.
    /// </summary>
    public sealed class ConsoleLineReader : TextReader
    {
        private readonly IConsoleLineSource _source;
        private string _line;   // current line; its '\n' is at index _line.Length
        private int _position;  // next character; == _line.Length + 1 when consumed

        /// <summary>A reader of lines from <paramref name="source"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
        public ConsoleLineReader(IConsoleLineSource source)
        {
            _source = source ?? throw new ArgumentNullException(nameof(source));
        }

        /// <inheritdoc />
        public override int Peek()
        {
            if (!Fill()) return -1;
            return _position < _line.Length ? _line[_position] : '\n';
        }

        /// <inheritdoc />
        public override int Read()
        {
            if (!Fill()) return -1;
            int c = _position < _line.Length ? _line[_position] : '\n';
            Advance(1);
            return c;
        }

        /// <inheritdoc />
        public override int Read(char[] buffer, int index, int count)
        {
            if (buffer == null) throw new ArgumentNullException(nameof(buffer));
            if (index < 0) throw new ArgumentOutOfRangeException(nameof(index));
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
            if (buffer.Length - index < count) throw new ArgumentException("index and count exceed the buffer");
            return Read(new Span<char>(buffer, index, count));
        }

        /// <inheritdoc />
        public override int Read(Span<char> buffer)
        {
            if (buffer.Length == 0) return 0;
            if (!Fill()) return 0;
            int n = 0;
            while (n < buffer.Length && _line != null)
            {
                buffer[n++] = _position < _line.Length ? _line[_position] : '\n';
                Advance(1);
            }
            return n;
        }

        /// <inheritdoc />
        public override int ReadBlock(Span<char> buffer)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int n = Read(buffer.Slice(total));
                if (n == 0) break;
                total += n;
            }
            return total;
        }

        /// <inheritdoc />
        public override string ReadLine()
        {
            if (_line == null) return _source.ReadLine();
            string rest = _position == 0 ? _line : _line.Substring(Math.Min(_position, _line.Length));
            _line = null;
            _position = 0;
            return rest;
        }

        /// <inheritdoc />
        public override string ReadToEnd()
        {
            var sb = new StringBuilder();
            while (true)
            {
                if (_line == null)
                {
                    string next = _source.ReadLine();
                    if (next == null) break;
                    sb.Append(next).Append('\n');
                    continue;
                }
                sb.Append(ReadLine()).Append('\n');
            }
            return sb.ToString();
        }

        private bool Fill()
        {
            if (_line != null) return true;
            _line = _source.ReadLine();
            _position = 0;
            return _line != null;
        }

        private void Advance(int n)
        {
            _position += n;
            if (_position > _line.Length)
            {
                _line = null;
                _position = 0;
            }
        }
    }
}
