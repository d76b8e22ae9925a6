using System;
using System.Globalization;
using System.IO;
using System.Threading;

namespace Cosmos.Build.Testing
{
    /// <summary>
    /// Idle processor time of the whole machine, in cores, averaged over the last ≈ 2 s: read from the first line of
    /// <c>/proc/stat</c> (proc(5): the <c>idle</c> and <c>iowait</c> columns against the sum of all columns, in clock
    /// ticks) every 500 ms on a timer. Where <c>/proc/stat</c> cannot be read it reports 0 (no idle time seen), so nothing
    /// starts beyond the guaranteed number of jobs.
    /// </summary>
    public sealed class CpuIdleMeter : IDisposable
    {
        private const int Samples = 5;              // 4 intervals of 500 ms
        private readonly (long Idle, long Total)[] _ring = new (long, long)[Samples];
        private int _count, _next;
        private readonly Timer _timer;
        private readonly object _gate = new object();

        public CpuIdleMeter()
        {
            Sample();
            _timer = new Timer(_ => Sample(), null, 500, 500);
        }

        /// <summary>Idle cores over the window (0 … processor count); 0 until two samples exist.</summary>
        public double IdleCores
        {
            get
            {
                lock (_gate)
                {
                    if (_count < 2) return 0;
                    var newest = _ring[(_next + Samples - 1) % Samples];
                    var oldest = _ring[(_next + Samples - _count) % Samples];
                    long total = newest.Total - oldest.Total;
                    return total <= 0 ? 0 : (double)(newest.Idle - oldest.Idle) / total * Environment.ProcessorCount;
                }
            }
        }

        /// <summary>Forgets the window (after a job started, its load is not in the samples yet).</summary>
        public void Reset()
        {
            lock (_gate) { _count = 0; }
            Sample();
        }

        private void Sample()
        {
            if (!TryRead(out long idle, out long total)) return;
            lock (_gate)
            {
                _ring[_next] = (idle, total);
                _next = (_next + 1) % Samples;
                if (_count < Samples) _count++;
            }
        }

        /// <summary>Parses the aggregate "cpu" line of /proc/stat: idle = idle + iowait, total = every column.</summary>
        public static bool TryParse(string line, out long idle, out long total)
        {
            idle = 0; total = 0;
            if (line == null || !line.StartsWith("cpu ", StringComparison.Ordinal)) return false;
            var cols = line.Substring(4).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cols.Length < 5) return false;
            for (int i = 0; i < cols.Length; i++)
            {
                if (!long.TryParse(cols[i], NumberStyles.None, CultureInfo.InvariantCulture, out long v)) return false;
                // guest and guest_nice (columns 9, 10) are already counted in user and nice.
                if (i < 8) total += v;
                if (i == 3 || i == 4) idle += v;
            }
            return true;
        }

        private static bool TryRead(out long idle, out long total)
        {
            idle = total = 0;
            try
            {
                using var r = new StreamReader("/proc/stat");
                return TryParse(r.ReadLine(), out idle, out total);
            }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        }

        public void Dispose() => _timer.Dispose();
    }
}
