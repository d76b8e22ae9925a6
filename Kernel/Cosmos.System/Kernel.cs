using Cosmos.Core;

namespace Cosmos.System
{
    /// <summary>
    /// Base class of a Cosmos kernel (Cosmos API). Derive from it, override
    /// <see cref="BeforeRun"/> (once), <see cref="Run"/> (called in a loop until
    /// <see cref="Stop"/>) and optionally <see cref="AfterRun"/>. The build gives the kernel
    /// assembly an entry point that calls <c>new YourKernel().Start()</c>.
    /// </summary>
    public abstract class Kernel
    {
        /// <summary>True once <see cref="Stop"/> was called; <see cref="Run"/> is not called again.</summary>
        protected bool mStopped;

        /// <summary>The kernel's debug channel (Cosmos API): <c>mDebugger.Send("text")</c> writes <c>[Kernel] text</c> on COM1.</summary>
        public readonly Cosmos.Debug.Kernel.Debugger mDebugger = new Cosmos.Debug.Kernel.Debugger("Kernel");

        /// <summary>Initializes the hardware the console needs, then runs the kernel's lifecycle. Halts when it ends.</summary>
        public void Start()
        {
            Global.Init();
            Cosmos.HAL.SerialPort.Com1.Write(Cosmos.Common.ConsoleMarkers.ConsoleReady);
            Global.ApplyGcStress();
            BeforeRun();
            while (!mStopped) Run();
            AfterRun();
            global::System.Console.WriteLine("Kernel stopped. System halted.");
            Native.HaltForever();
        }

        /// <summary>Called once before the first <see cref="Run"/>.</summary>
        protected virtual void BeforeRun() { }

        /// <summary>Called repeatedly until <see cref="Stop"/>.</summary>
        protected abstract void Run();

        /// <summary>Called once after the loop ends.</summary>
        protected virtual void AfterRun() { }

        /// <summary>Ends the <see cref="Run"/> loop after the current call.</summary>
        public void Stop() => mStopped = true;
    }
}
