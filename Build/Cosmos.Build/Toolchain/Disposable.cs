using System;
using System.Threading;

namespace Cosmos.Build.Toolchain
{
    /// <summary>An <see cref="IDisposable"/> that runs an action on its first Dispose (later calls do nothing).</summary>
    public sealed class Disposable : IDisposable
    {
        private Action _action;
        public Disposable(Action action) => _action = action;
        public void Dispose() => Interlocked.Exchange(ref _action, null)?.Invoke();
    }
}
