using System;

namespace Cosmos.System.ConsoleIO
{
    /// <summary>What <see cref="LineEditor.Process"/> concluded from a key.</summary>
    public enum LineEditStatus
    {
        /// <summary>The line is still being edited.</summary>
        Editing,
        /// <summary>Enter: <see cref="LineEditor.Text"/> is the finished line (already added to the history).</summary>
        Completed,
        /// <summary>Ctrl+C: the line was abandoned ("^C" echoed); the reader returns an empty line.</summary>
        Cancelled,
        /// <summary>Ctrl+D on an empty line: end of input (the reader returns null, as on a Unix terminal).</summary>
        EndOfInput,
    }

    /// <summary>
    /// A growable character buffer the <see cref="LineEditor"/> writes its echo into; the caller sends
    /// it to the screen and serial terminal and clears it. Reused between keys (no allocation per key
    /// once grown).
    /// </summary>
    public sealed class EchoBuffer
    {
        private char[] _chars = new char[64];
        private int _length;

        /// <summary>Characters held.</summary>
        public int Length => _length;

        /// <summary>The characters held.</summary>
        public ReadOnlySpan<char> AsSpan() => new ReadOnlySpan<char>(_chars, 0, _length);

        /// <summary>Empties the buffer (keeps its storage).</summary>
        public void Clear() => _length = 0;

        /// <summary>Appends one character.</summary>
        public void Append(char c)
        {
            if (_length == _chars.Length) Grow(1);
            _chars[_length++] = c;
        }

        /// <summary>Appends characters.</summary>
        public void Append(ReadOnlySpan<char> text)
        {
            if (_length + text.Length > _chars.Length) Grow(text.Length);
            text.CopyTo(new Span<char>(_chars, _length, text.Length));
            _length += text.Length;
        }

        /// <summary>Appends <paramref name="c"/> <paramref name="count"/> times (nothing when count ≤ 0).</summary>
        public void Repeat(char c, int count)
        {
            for (int i = 0; i < count; i++) Append(c);
        }

        /// <summary>The characters as a string (tests and diagnostics).</summary>
        public override string ToString() => new string(_chars, 0, _length);

        private void Grow(int extra)
        {
            int size = _chars.Length * 2;
            while (size < _length + extra) size *= 2;
            var bigger = new char[size];
            Array.Copy(_chars, bigger, _length);
            _chars = bigger;
        }
    }

    /// <summary>
    /// The line editing behind Console.ReadLine: a text buffer with a cursor and a history, driven by
    /// <see cref="ConsoleKeyInfo"/> values from the keyboard or the serial terminal. Every change is
    /// echoed as plain characters plus '\b' (cursor one cell left), which both the VGA text screen and
    /// a serial terminal understand, so one echo serves both. Each buffer character takes one cell
    /// (a tab is stored as '\t' and shown as a space). Pure logic: host-testable.
    /// </summary>
    /// <remarks>
    /// Keys: printable characters insert at the cursor; Enter completes; Backspace / Delete (and Ctrl+H)
    /// delete; Left/Right (Ctrl+B/F), Home/End (Ctrl+A/E), Ctrl+Left/Right (word) move; Up/Down
    /// (Ctrl+P/N) walk the history; Escape clears the line; Ctrl+U / Ctrl+K delete to the start / end;
    /// Ctrl+W deletes the word before the cursor; Ctrl+C abandons the line; Ctrl+D ends the input on an
    /// empty line and deletes at the cursor otherwise. Keys with Alt and other control keys are ignored.
    /// </remarks>
    public sealed class LineEditor
    {
        /// <summary>Longest line accepted (like a Unix terminal's 4096-byte line buffer); further characters are ignored.</summary>
        public const int MaxLineLength = 4096;

        private char[] _buffer = new char[128];
        private int _length, _cursor;
        private readonly string[] _history;
        private int _historyCount, _historyIndex;
        private string _draft = "";

        /// <summary>An editor keeping the last <paramref name="historyCapacity"/> lines (0 disables the history).</summary>
        /// <exception cref="ArgumentOutOfRangeException">Negative capacity.</exception>
        public LineEditor(int historyCapacity = 32)
        {
            if (historyCapacity < 0) throw new ArgumentOutOfRangeException(nameof(historyCapacity));
            _history = new string[historyCapacity];
        }

        /// <summary>Characters in the line.</summary>
        public int Length => _length;

        /// <summary>Cursor position in the line, 0..<see cref="Length"/>.</summary>
        public int Cursor => _cursor;

        /// <summary>The line being edited (or just completed).</summary>
        public string Text => new string(_buffer, 0, _length);

        /// <summary>Lines in the history.</summary>
        public int HistoryCount => _historyCount;

        /// <summary>History line <paramref name="index"/> (0 = oldest).</summary>
        public string GetHistory(int index)
        {
            if ((uint)index >= (uint)_historyCount) throw new ArgumentOutOfRangeException(nameof(index));
            return _history[index];
        }

        /// <summary>Starts a new, empty line (the history position goes past the newest entry).</summary>
        public void Begin()
        {
            _length = 0;
            _cursor = 0;
            _historyIndex = _historyCount;
            _draft = "";
        }

        /// <summary>Applies <paramref name="key"/> to the line, appending the echo to <paramref name="echo"/>.</summary>
        public LineEditStatus Process(ConsoleKeyInfo key, EchoBuffer echo)
        {
            char c = key.KeyChar;
            bool ctrl = (key.Modifiers & ConsoleModifiers.Control) != 0;
            bool alt = (key.Modifiers & ConsoleModifiers.Alt) != 0;

            if (key.Key == ConsoleKey.Enter || c == '\r' || c == '\n')
            {
                MoveTo(_length, echo);
                echo.Append('\n');
                AddHistory();
                return LineEditStatus.Completed;
            }

            // Ctrl+letter, whether flagged (PS/2, serial) or only visible as a C0 code.
            char letter = '\0';
            if (ctrl && !alt && key.Key >= ConsoleKey.A && key.Key <= ConsoleKey.Z)
                letter = (char)('A' + (key.Key - ConsoleKey.A));
            else if (!alt && c >= '\u0001' && c <= '\u001a' && key.Key != ConsoleKey.Backspace && key.Key != ConsoleKey.Tab)
                letter = (char)('A' + c - 1);
            if (letter != '\0') return ControlLetter(letter, echo);

            switch (key.Key)
            {
                case ConsoleKey.Backspace:
                    if (alt || ctrl) DeleteWordBefore(echo);
                    else if (_cursor > 0) Delete(_cursor - 1, 1, echo);
                    return LineEditStatus.Editing;
                case ConsoleKey.Delete:
                    if (_cursor < _length) Delete(_cursor, 1, echo);
                    return LineEditStatus.Editing;
                case ConsoleKey.LeftArrow:
                    if (ctrl || alt) MoveTo(WordStartBefore(_cursor), echo);
                    else if (_cursor > 0) MoveTo(_cursor - 1, echo);
                    return LineEditStatus.Editing;
                case ConsoleKey.RightArrow:
                    if (ctrl || alt) MoveTo(WordEndAfter(_cursor), echo);
                    else if (_cursor < _length) MoveTo(_cursor + 1, echo);
                    return LineEditStatus.Editing;
                case ConsoleKey.Home:
                    MoveTo(0, echo);
                    return LineEditStatus.Editing;
                case ConsoleKey.End:
                    MoveTo(_length, echo);
                    return LineEditStatus.Editing;
                case ConsoleKey.UpArrow:
                    HistoryPrevious(echo);
                    return LineEditStatus.Editing;
                case ConsoleKey.DownArrow:
                    HistoryNext(echo);
                    return LineEditStatus.Editing;
                case ConsoleKey.Escape:
                    Replace("", echo);
                    return LineEditStatus.Editing;
                case ConsoleKey.Tab:
                    if (!alt && !ctrl && (key.Modifiers & ConsoleModifiers.Shift) == 0) Insert('\t', echo);
                    return LineEditStatus.Editing;
            }

            if (alt || ctrl) return LineEditStatus.Editing; // Alt+x, Ctrl+digit ...: no meaning here
            if (c >= ' ' && c != '\u007f') Insert(c, echo);
            return LineEditStatus.Editing;
        }

        private LineEditStatus ControlLetter(char letter, EchoBuffer echo)
        {
            switch (letter)
            {
                case 'C':
                    MoveTo(_length, echo);
                    echo.Append("^C\n");
                    _length = _cursor = 0;
                    return LineEditStatus.Cancelled;
                case 'D':
                    if (_length == 0)
                    {
                        echo.Append('\n');
                        return LineEditStatus.EndOfInput;
                    }
                    if (_cursor < _length) Delete(_cursor, 1, echo);
                    return LineEditStatus.Editing;
                case 'A': MoveTo(0, echo); break;
                case 'E': MoveTo(_length, echo); break;
                case 'B': if (_cursor > 0) MoveTo(_cursor - 1, echo); break;
                case 'F': if (_cursor < _length) MoveTo(_cursor + 1, echo); break;
                case 'H': if (_cursor > 0) Delete(_cursor - 1, 1, echo); break;
                case 'U': if (_cursor > 0) Delete(0, _cursor, echo); break;
                case 'K': if (_cursor < _length) Delete(_cursor, _length - _cursor, echo); break;
                case 'W': DeleteWordBefore(echo); break;
                case 'P': HistoryPrevious(echo); break;
                case 'N': HistoryNext(echo); break;
                case 'I': Insert('\t', echo); break; // Tab sent as a bare 0x09 without the Tab key
                case 'J':
                case 'M':
                    MoveTo(_length, echo);
                    echo.Append('\n');
                    AddHistory();
                    return LineEditStatus.Completed;
            }
            return LineEditStatus.Editing;
        }

        private void Insert(char c, EchoBuffer echo)
        {
            if (_length >= MaxLineLength) return;
            if (_length == _buffer.Length)
            {
                var bigger = new char[Math.Min(_buffer.Length * 2, MaxLineLength)];
                Array.Copy(_buffer, bigger, _length);
                _buffer = bigger;
            }
            Array.Copy(_buffer, _cursor, _buffer, _cursor + 1, _length - _cursor);
            _buffer[_cursor] = c;
            _length++;
            EchoRange(_cursor, _length, echo);
            _cursor++;
            echo.Repeat('\b', _length - _cursor);
        }

        /// <summary>Removes <paramref name="count"/> characters at <paramref name="start"/>; the cursor ends at <paramref name="start"/>.</summary>
        private void Delete(int start, int count, EchoBuffer echo)
        {
            MoveTo(start, echo);
            Array.Copy(_buffer, start + count, _buffer, start, _length - start - count);
            _length -= count;
            EchoRange(start, _length, echo);
            echo.Repeat(' ', count);
            echo.Repeat('\b', _length - start + count);
        }

        private void DeleteWordBefore(EchoBuffer echo)
        {
            int start = WordStartBefore(_cursor);
            if (start < _cursor) Delete(start, _cursor - start, echo);
        }

        private int WordStartBefore(int pos)
        {
            while (pos > 0 && IsSpace(_buffer[pos - 1])) pos--;
            while (pos > 0 && !IsSpace(_buffer[pos - 1])) pos--;
            return pos;
        }

        private int WordEndAfter(int pos)
        {
            while (pos < _length && IsSpace(_buffer[pos])) pos++;
            while (pos < _length && !IsSpace(_buffer[pos])) pos++;
            return pos;
        }

        private static bool IsSpace(char c) => c == ' ' || c == '\t';

        private void MoveTo(int pos, EchoBuffer echo)
        {
            if (pos < _cursor) echo.Repeat('\b', _cursor - pos);
            else EchoRange(_cursor, pos, echo);
            _cursor = pos;
        }

        /// <summary>Replaces the whole line with <paramref name="text"/>, cursor at its end.</summary>
        private void Replace(string text, EchoBuffer echo)
        {
            MoveTo(0, echo);
            int oldLength = _length;
            int n = Math.Min(text.Length, MaxLineLength);
            if (n > _buffer.Length)
            {
                int size = _buffer.Length;
                while (size < n) size *= 2;
                _buffer = new char[Math.Min(size, MaxLineLength)];
            }
            text.AsSpan(0, n).CopyTo(_buffer);
            _length = n;
            EchoRange(0, _length, echo);
            if (oldLength > _length)
            {
                echo.Repeat(' ', oldLength - _length);
                echo.Repeat('\b', oldLength - _length);
            }
            _cursor = _length;
        }

        private void EchoRange(int from, int to, EchoBuffer echo)
        {
            for (int i = from; i < to; i++) echo.Append(_buffer[i] == '\t' ? ' ' : _buffer[i]);
        }

        private void HistoryPrevious(EchoBuffer echo)
        {
            if (_historyIndex == 0) return;
            if (_historyIndex == _historyCount) _draft = Text;
            _historyIndex--;
            Replace(_history[_historyIndex], echo);
        }

        private void HistoryNext(EchoBuffer echo)
        {
            if (_historyIndex >= _historyCount) return;
            _historyIndex++;
            Replace(_historyIndex == _historyCount ? _draft : _history[_historyIndex], echo);
        }

        private void AddHistory()
        {
            if (_history.Length == 0) return;
            bool blank = true;
            for (int i = 0; i < _length; i++) if (!IsSpace(_buffer[i])) { blank = false; break; }
            if (blank) return;
            string line = Text;
            if (_historyCount > 0 && _history[_historyCount - 1] == line) return;
            if (_historyCount == _history.Length)
            {
                Array.Copy(_history, 1, _history, 0, _historyCount - 1);
                _historyCount--;
            }
            _history[_historyCount++] = line;
        }
    }
}
