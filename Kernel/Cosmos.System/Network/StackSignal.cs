using System.Threading;

namespace Cosmos.System.Network
{
    /// <summary>
    /// A wake-up flag between the pump thread (which calls <see cref="Set"/> from stack callbacks, with the interface's
    /// SyncRoot held) and application threads (which <see cref="Wait"/> without holding SyncRoot). The lock order is
    /// always SyncRoot → this; a waiter must never take SyncRoot while inside <see cref="Wait"/>, which is why the flag
    /// exists: it remembers a Set that came between the waiter's last look at the connection and its Wait.
    /// </summary>
    public sealed class StackSignal
    {
        private bool _set;

        /// <summary>Wakes every waiter (or the next one to wait). Safe under SyncRoot.</summary>
        public void Set()
        {
            lock (this) { _set = true; Monitor.PulseAll(this); }
        }

        /// <summary>Waits until <see cref="Set"/> was called since the last Wait returned, or <paramref name="timeoutMs"/> passes; clears the flag.</summary>
        public void Wait(int timeoutMs)
        {
            lock (this)
            {
                if (!_set) Monitor.Wait(this, timeoutMs);
                _set = false;
            }
        }
    }
}
