using System;
using System.IO;
using System.Text;

namespace Cosmos.Build.Testing
{
    /// <summary>
    /// Output of jobs that run in parallel, kept grouped per job and in a fixed order: job i's text appears after all
    /// of job i-1's. The first unfinished job (the head) writes straight through, so a single job is seen live; the
    /// others are buffered until every job before them has completed.
    /// </summary>
    public sealed class OrderedOutput
    {
        private readonly TextWriter _out;
        private readonly StringBuilder[] _buffers;
        private readonly bool[] _done;
        private readonly object _lock = new object();
        private int _head;

        public OrderedOutput(TextWriter output, int jobs)
        {
            _out = output ?? throw new ArgumentNullException(nameof(output));
            _buffers = new StringBuilder[jobs];
            _done = new bool[jobs];
            for (int i = 0; i < jobs; i++) _buffers[i] = new StringBuilder();
        }

        /// <summary>The writer of job <paramref name="index"/> (thread-safe).</summary>
        public TextWriter Writer(int index)
        {
            if (index < 0 || index >= _buffers.Length) throw new ArgumentOutOfRangeException(nameof(index));
            return new JobWriter(this, index);
        }

        /// <summary>Job <paramref name="index"/> has finished writing; later jobs' text may follow it.</summary>
        public void Complete(int index)
        {
            lock (_lock)
            {
                _done[index] = true;
                while (_head < _buffers.Length && _done[_head])
                {
                    _head++;
                    Flush(_head); // the next head's text so far, then it writes through
                }
                _out.Flush();
            }
        }

        private void Append(int index, string text)
        {
            lock (_lock)
            {
                _buffers[index].Append(text);
                if (index == _head) Flush(index);
            }
        }

        private void Flush(int index)
        {
            if (index >= _buffers.Length || _buffers[index].Length == 0) return;
            _out.Write(_buffers[index].ToString());
            _out.Flush();
            _buffers[index].Clear();
        }

        private sealed class JobWriter : TextWriter
        {
            private readonly OrderedOutput _owner;
            private readonly int _index;

            public JobWriter(OrderedOutput owner, int index)
            {
                _owner = owner;
                _index = index;
                NewLine = "\n";
            }

            public override Encoding Encoding => Encoding.UTF8;
            public override void Write(char value) => _owner.Append(_index, value.ToString());
            public override void Write(string value) { if (!string.IsNullOrEmpty(value)) _owner.Append(_index, value); }
            public override void Write(char[] buffer, int index, int count) { if (count > 0) _owner.Append(_index, new string(buffer, index, count)); }
            public override void WriteLine(string value) => _owner.Append(_index, (value ?? "") + NewLine);
        }
    }
}
