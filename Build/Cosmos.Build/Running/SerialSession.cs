using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;

namespace Cosmos.Build.Running
{
    /// <summary>
    /// The runner's side of a guest's COM1: shows what the guest writes (without the console-ready marker) and types the
    /// runner's standard input into the guest once the kernel reports a ready console
    /// (<see cref="Cosmos.Common.ConsoleMarkers.ConsoleReady"/>), so input is not lost while firmware and GRUB still own
    /// the port. Used for QEMU's <c>-serial stdio</c> when standard input is piped, and for the serial pipes (Unix
    /// sockets) of VMware, VirtualBox and QEMU's <c>-serial unix:</c>.
    /// </summary>
    public sealed class SerialSession
    {
        /// <summary>Seconds to wait for the ready marker after the guest's first output before typing anyway.</summary>
        public const int ConsoleReadyTimeoutSeconds = 60;

        private readonly Thread _pump, _feeder;

        /// <summary>True once the guest wrote the ready marker (or its output ended).</summary>
        public ManualResetEventSlim Ready { get; } = new();

        /// <summary>True once the guest's output stream ended (the VM stopped or closed the port).</summary>
        public ManualResetEventSlim Ended { get; } = new();

        /// <summary>
        /// Starts the two threads: <paramref name="fromGuest"/> is copied to <paramref name="shown"/> until it ends;
        /// <paramref name="input"/> (null: nothing to type) is copied to <paramref name="toGuest"/> from the moment the
        /// guest is ready. Writes that fail because the guest went away end the feeding quietly.
        /// </summary>
        public SerialSession(Stream fromGuest, Stream toGuest, Stream input, Stream shown)
        {
            var firstOutput = new ManualResetEventSlim();
            var filter = new MarkerFilter(System.Text.Encoding.ASCII.GetBytes(Cosmos.Common.ConsoleMarkers.ConsoleReady));
            _pump = new Thread(() =>
            {
                var buffer = new byte[4096];
                try
                {
                    int n;
                    while ((n = fromGuest.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        var visible = filter.Process(buffer.AsSpan(0, n), out bool seen);
                        shown.Write(visible);
                        shown.Flush();
                        firstOutput.Set();
                        if (seen) Ready.Set();
                    }
                }
                catch (IOException) { /* the guest closed the port */ }
                catch (ObjectDisposedException) { }
                shown.Write(filter.Flush());
                shown.Flush();
                firstOutput.Set();
                Ready.Set();
                Ended.Set();
            }) { IsBackground = true, Name = "serial output" };
            _feeder = new Thread(() =>
            {
                if (input == null) return;
                firstOutput.Wait();
                if (!Ready.Wait(TimeSpan.FromSeconds(ConsoleReadyTimeoutSeconds)))
                    Console.Error.WriteLine($"cosmos: [serial] the kernel did not report a ready console within {ConsoleReadyTimeoutSeconds} s; typing the input now");
                try
                {
                    var buffer = new byte[256];
                    int n;
                    while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        toGuest.Write(buffer, 0, n);
                        toGuest.Flush();
                    }
                }
                catch (IOException) { /* the guest exited while we were feeding it */ }
                catch (ObjectDisposedException) { }
            }) { IsBackground = true, Name = "serial input" };
            _pump.Start();
            _feeder.Start();
        }

        /// <summary>Waits up to <paramref name="timeout"/> for the guest's output to end (all of it shown).</summary>
        public bool WaitForOutputEnd(TimeSpan timeout) => _pump.Join(timeout);

        /// <summary>
        /// Connects to a VM's serial pipe, a Unix domain socket the hypervisor listens on, retrying until
        /// <paramref name="timeout"/> (the VM creates it while it starts).
        /// </summary>
        /// <exception cref="Toolchain.BuildStepException">COSMOS077 when nothing listens there in time.</exception>
        public static NetworkStream ConnectUnixSocket(string path, TimeSpan timeout, Func<bool> vmStillStarting = null)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    s.Connect(new UnixDomainSocketEndPoint(path));
                    return new NetworkStream(s, ownsSocket: true);
                }
                catch (SocketException)
                {
                    s.Dispose();
                    if (DateTime.UtcNow > deadline || (vmStillStarting != null && !vmStillStarting()))
                        throw new Toolchain.BuildStepException("COSMOS077", $"the VM's serial pipe {path} did not accept a connection within {timeout.TotalSeconds:0} s");
                    Thread.Sleep(200);
                }
            }
        }

        /// <summary>A short path for a serial pipe socket (Unix socket paths are limited to 107 bytes).</summary>
        public static string SocketPath(string name)
        {
            string safe = string.Concat(Array.FindAll(name.ToCharArray(), c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'));
            return Path.Combine(Path.GetTempPath(), $"cosmos-{safe}-{Environment.ProcessId}.serial");
        }
    }
}
